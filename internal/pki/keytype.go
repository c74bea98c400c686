// Package pki is a small local certificate authority.
//
// padlock uses it in three places: tests (TestChain, a memoized fixture),
// `padlock demo` (a CA and certificates generated on the spot with NewCA and
// Issue) and `padlock cert` / `padlock serve` (a CA created once under a
// directory and reused, with LoadOrCreateCA and WriteIssued).
//
// It is not meant to run a public CA: there is no revocation, no
// intermediates and no policy beyond what TLS needs to accept the result.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"strings"
)

// KeyType names the kind of key pair a CA or a certificate is given.
type KeyType string

// The key types padlock can generate. Each one matches a TLS signature
// scheme that padlock offers (RFC 8446 section 4.2.3).
const (
	ECDSAP256 KeyType = "ecdsa-p256" // ecdsa_secp256r1_sha256
	ECDSAP384 KeyType = "ecdsa-p384" // ecdsa_secp384r1_sha384
	RSA2048   KeyType = "rsa-2048"   // rsa_pss_rsae_* and, in TLS 1.2, RSA key transport
	RSA3072   KeyType = "rsa-3072"
	Ed25519   KeyType = "ed25519"
)

// KeyTypes returns every supported key type, fastest to generate first, for
// command-line help and for tests that cover them all.
func KeyTypes() []KeyType {
	return []KeyType{ECDSAP256, Ed25519, ECDSAP384, RSA2048, RSA3072}
}

// ParseKeyType returns the KeyType named s, ignoring case and surrounding
// space, so a command-line flag can be checked before any work is done.
func ParseKeyType(s string) (KeyType, error) {
	t := KeyType(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range KeyTypes() {
		if t == k {
			return k, nil
		}
	}
	return "", fmt.Errorf("pki: unknown key type %q (want one of %s)", s, keyTypeList())
}

func keyTypeList() string {
	var b strings.Builder
	for i, k := range KeyTypes() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(k))
	}
	return b.String()
}

// GenerateKey makes a new private key of type t. A nil rand means
// crypto/rand.Reader. RSA keys take tens to hundreds of milliseconds.
func GenerateKey(t KeyType, rand io.Reader) (crypto.Signer, error) {
	if rand == nil {
		rand = cryptoRand
	}
	switch t {
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand)
	case RSA2048:
		return rsa.GenerateKey(rand, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand, 3072)
	case Ed25519:
		_, priv, err := ed25519.GenerateKey(rand)
		if err != nil {
			return nil, err
		}
		return priv, nil
	}
	return nil, fmt.Errorf("pki: unknown key type %q (want one of %s)", t, keyTypeList())
}

// cryptoRand is the default source of randomness; a variable so the package
// name does not shadow the rand parameters above.
var cryptoRand = rand.Reader

// isRSA reports whether k holds an RSA key, which needs the keyEncipherment
// key usage for TLS 1.2 RSA key transport (RFC 5246 section 7.4.2).
func isRSA(k crypto.Signer) bool {
	_, ok := k.Public().(*rsa.PublicKey)
	return ok
}
