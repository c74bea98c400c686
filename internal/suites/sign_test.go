package suites

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"

	"padlock/internal/alert"
)

// testKeys holds one fresh key of each kind, made once: RSA key
// generation is slow.
var testKeys = sync.OnceValue(func() map[string]crypto.Signer {
	keys := map[string]crypto.Signer{}
	for name, c := range map[string]elliptic.Curve{"p256": elliptic.P256(), "p384": elliptic.P384(), "p521": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			panic(err)
		}
		keys[name] = k
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	keys["ed25519"] = ed
	for name, bits := range map[string]int{"rsa": 2048, "rsa1024": 1024} {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		keys[name] = k
	}
	return keys
})

// keyFor returns a test key that can make scheme s's signatures in
// TLS 1.3 where allowed.
func keyFor(s *Scheme) crypto.Signer {
	k := testKeys()
	switch s.ID {
	case ECDSASecp256r1SHA256, ECDSASHA1:
		return k["p256"]
	case ECDSASecp384r1SHA384:
		return k["p384"]
	case ECDSASecp521r1SHA512:
		return k["p521"]
	case Ed25519:
		return k["ed25519"]
	}
	return k["rsa"]
}

func TestSignVerify(t *testing.T) {
	content := []byte("the signed content")
	for i := range schemes {
		s := &schemes[i]
		t.Run(s.Name, func(t *testing.T) {
			if s.pssOID {
				t.Skip("no key padlock can hold makes rsa_pss_pss_* signatures: TestPSSOIDSchemes")
			}
			key := keyFor(s)
			sig, err := Sign(s.ID, key, rand.Reader, content)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(s.ID, key.Public(), content, sig, false); err != nil {
				t.Fatal("TLS 1.2:", err)
			}
			err = Verify(s.ID, key.Public(), content, sig, true)
			if s.TLS13 && err != nil {
				t.Fatal("TLS 1.3:", err)
			}
			if !s.TLS13 {
				wantAlert(t, err, alert.IllegalParameter)
			}
			if !KeyMatches(s.ID, key.Public(), false) || KeyMatches(s.ID, key.Public(), true) != s.TLS13 {
				t.Error("KeyMatches disagrees")
			}

			bad := append([]byte{}, sig...)
			bad[len(bad)-1] ^= 1
			wantAlert(t, Verify(s.ID, key.Public(), content, bad, false), alert.DecryptError)
			wantAlert(t, Verify(s.ID, key.Public(), []byte("other content"), sig, false), alert.DecryptError)
			wantAlert(t, Verify(s.ID, key.Public(), content, nil, false), alert.DecryptError)
			wantAlert(t, Verify(s.ID, key.Public(), content, sig[:len(sig)-1], false), alert.DecryptError)

			for _, other := range []string{"p256", "ed25519", "rsa"} {
				wrong := testKeys()[other]
				if KeyMatches(s.ID, wrong.Public(), false) {
					continue
				}
				wantAlert(t, Verify(s.ID, wrong.Public(), content, sig, false), alert.IllegalParameter)
				_, err := Sign(s.ID, wrong, rand.Reader, content)
				wantAlert(t, err, alert.InternalError)
			}
		})
	}
}

func TestVerifyRules(t *testing.T) {
	k := testKeys()
	content := []byte("content")

	// TLS 1.3 binds the ECDSA curve to the scheme; TLS 1.2 does not.
	sig, err := Sign(ECDSASecp256r1SHA256, k["p384"], rand.Reader, content)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(ECDSASecp256r1SHA256, k["p384"].Public(), content, sig, false); err != nil {
		t.Error("TLS 1.2 refused a P-384 key with ecdsa_secp256r1_sha256:", err)
	}
	wantAlert(t, Verify(ECDSASecp256r1SHA256, k["p384"].Public(), content, sig, true), alert.IllegalParameter)
	if KeyMatches(ECDSASecp256r1SHA256, k["p384"].Public(), true) || !KeyMatches(ECDSASecp256r1SHA256, k["p384"].Public(), false) {
		t.Error("KeyMatches ignores the TLS 1.3 curve binding")
	}

	// PSS with SHA-512 and a 64-byte salt needs more than 1024 bits.
	small := k["rsa1024"].Public()
	if !KeyMatches(RSAPSSRSAESHA256, small, true) || KeyMatches(RSAPSSRSAESHA512, small, true) {
		t.Error("KeyMatches ignores the PSS size limit")
	}
	if !KeyMatches(RSAPKCS1SHA512, small, false) {
		t.Error("KeyMatches refuses PKCS #1 v1.5 with a 1024-bit key")
	}

	// The salt must be as long as the hash (RFC 8446 section 4.2.3).
	digest := sha256.Sum256(content)
	longSalt, err := rsa.SignPSS(rand.Reader, k["rsa"].(*rsa.PrivateKey), crypto.SHA256, digest[:],
		&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	if err != nil {
		t.Fatal(err)
	}
	wantAlert(t, Verify(RSAPSSRSAESHA256, k["rsa"].Public(), content, longSalt, true), alert.DecryptError)

	// Unknown schemes, and keys of no use.
	wantAlert(t, Verify(0x0808, k["ed25519"].Public(), content, sig, false), alert.IllegalParameter)
	wantAlert(t, Verify(Ed25519, ed25519.PublicKey{1, 2, 3}, content, sig, false), alert.IllegalParameter)
	wantAlert(t, Verify(ECDSASecp256r1SHA256, (*ecdsa.PublicKey)(nil), content, sig, false), alert.IllegalParameter)
	wantAlert(t, Verify(RSAPSSRSAESHA256, (*rsa.PublicKey)(nil), content, sig, false), alert.IllegalParameter)
	wantAlert(t, Verify(RSAPSSRSAESHA256, nil, content, sig, false), alert.IllegalParameter)
	if _, err := Sign(0x0808, k["ed25519"], rand.Reader, content); err == nil {
		t.Error("signed with ed448")
	}
	if KeyMatches(0x0808, k["ed25519"].Public(), false) {
		t.Error("KeyMatches accepts an unknown scheme")
	}
}

// TestPSSOIDSchemes checks that rsa_pss_pss_* are neither made nor
// accepted with an rsaEncryption key (RFC 8446 section 4.2.3), although
// the signature is the same computation as rsa_pss_rsae_*'s.
func TestPSSOIDSchemes(t *testing.T) {
	key := testKeys()["rsa"]
	content := []byte("the signed content")
	for _, pair := range [][2]uint16{
		{RSAPSSPSSSHA256, RSAPSSRSAESHA256}, {RSAPSSPSSSHA384, RSAPSSRSAESHA384}, {RSAPSSPSSSHA512, RSAPSSRSAESHA512},
	} {
		pss, rsae := pair[0], pair[1]
		t.Run(SchemeName(pss), func(t *testing.T) {
			for _, tls13 := range []bool{false, true} {
				if KeyMatches(pss, key.Public(), tls13) {
					t.Errorf("KeyMatches(tls13=%v) accepts an rsaEncryption key", tls13)
				}
			}
			_, err := Sign(pss, key, rand.Reader, content)
			wantAlert(t, err, alert.InternalError)
			sig, err := Sign(rsae, key, rand.Reader, content)
			if err != nil {
				t.Fatal(err)
			}
			for _, tls13 := range []bool{false, true} {
				wantAlert(t, Verify(pss, key.Public(), content, sig, tls13), alert.IllegalParameter)
			}
		})
	}
}

func TestSchemeLookups(t *testing.T) {
	for _, list := range [][]uint16{DefaultSchemes13, DefaultSchemes12, DefaultSchemesCert} {
		for _, id := range list {
			s := SchemeByID(id)
			if s == nil || SchemeByName(s.Name) != s || SchemeName(id) != s.Name {
				t.Fatalf("lookups of 0x%04X disagree", id)
			}
		}
	}
	for _, id := range DefaultSchemes13 {
		if !SchemeByID(id).TLS13 {
			t.Errorf("DefaultSchemes13 has %s", SchemeName(id))
		}
	}
	if len(DefaultSchemes13) != 10 || len(DefaultSchemes12) != 13 || len(DefaultSchemesCert) != 13 {
		t.Error("default scheme lists have the wrong length")
	}
	if &DefaultSchemes12[0] == &DefaultSchemes13[0] || &DefaultSchemesCert[0] == &DefaultSchemes12[0] {
		t.Error("default scheme lists share storage")
	}
	if s := SchemeByName("RSA_PSS_RSAE_SHA256"); s == nil || s.ID != 0x0804 {
		t.Errorf("case-insensitive lookup = %v", s)
	}
	for id, want := range map[uint16]string{
		0x0403: "ecdsa_secp256r1_sha256", 0x080b: "rsa_pss_pss_sha512", 0x0201: "rsa_pkcs1_sha1",
		0x0808: "ed448", 0x0303: "ecdsa_sha224", 0x0A0A: "GREASE(0x0A0A)", 0x0999: "0x0999",
	} {
		if got := SchemeName(id); got != want {
			t.Errorf("SchemeName(0x%04X) = %q, want %q", id, got, want)
		}
	}
}

func TestSignedContent13(t *testing.T) {
	hash := bytes.Repeat([]byte{0xAB}, 32)
	for _, tc := range []struct {
		server  bool
		context string
	}{{true, "TLS 1.3, server CertificateVerify"}, {false, "TLS 1.3, client CertificateVerify"}} {
		want := append(bytes.Repeat([]byte{0x20}, 64), tc.context...)
		want = append(append(want, 0), hash...)
		if got := SignedContent13(tc.server, hash); !bytes.Equal(got, want) {
			t.Errorf("SignedContent13(%v) = %x", tc.server, got)
		}
	}
}

// TestRFC8448CertificateVerify verifies the server's CertificateVerify
// of RFC 8448 section 3 (rsa_pss_rsae_sha256) over the transcript
// ClientHello..Certificate, with the key from the server's certificate.
func TestRFC8448CertificateVerify(t *testing.T) {
	h := sha256.New()
	for _, name := range []string{"client_hello", "server_hello", "encrypted_extensions", "certificate"} {
		h.Write(readHex(t, name))
	}
	certMsg := readHex(t, "certificate")
	// type(1) length(3) context(1)=0 list length(3) cert length(3) cert
	// extensions length(2) extensions
	n := int(certMsg[8])<<16 | int(certMsg[9])<<8 | int(certMsg[10])
	cert, err := x509.ParseCertificate(certMsg[11 : 11+n])
	if err != nil {
		t.Fatal(err)
	}
	cv := readHex(t, "certificate_verify")
	// type(1) length(3) scheme(2) signature length(2) signature
	scheme := uint16(cv[4])<<8 | uint16(cv[5])
	if scheme != RSAPSSRSAESHA256 {
		t.Fatalf("scheme %s", SchemeName(scheme))
	}
	sig := cv[8:]
	content := SignedContent13(true, h.Sum(nil))
	if err := Verify(scheme, cert.PublicKey, content, sig, true); err != nil {
		t.Fatal(err)
	}
	wantAlert(t, Verify(scheme, cert.PublicKey, SignedContent13(false, h.Sum(nil)), sig, true), alert.DecryptError)
}

// readHex reads a message dumped from RFC 8448 in testdata: a comment
// line, then "Name (n octets):  hex hex ...".
func readHex(t *testing.T, name string) []byte {
	t.Helper()
	text, err := os.ReadFile("testdata/rfc8448-" + name + ".hex")
	if err != nil {
		t.Fatal(err)
	}
	var digits strings.Builder
	for line := range strings.Lines(string(text)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if _, after, ok := strings.Cut(line, "):"); ok {
			line = after
		}
		digits.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(digits.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
