package suites

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"

	"padlock/internal/alert"
)

// Sign signs content with key under the scheme id. ECDSA and RSA schemes
// sign the scheme's hash of content (ECDSA signatures are ASN.1 DER,
// RFC 8446 section 4.2.3); RSA-PSS uses a salt as long as the hash
// (ibid.); ed25519 signs content itself. rand is passed to key.Sign,
// which may ignore it (crypto/ecdsa and crypto/rsa do since Go 1.26).
//
// Sign checks that the key can make the scheme's signatures as in
// TLS 1.2; the TLS 1.3 curve binding is the caller's choice of scheme
// (KeyMatches). All failures are local, so they carry internal_error.
func Sign(id uint16, key crypto.Signer, rand io.Reader, content []byte) ([]byte, error) {
	s := SchemeByID(id)
	if s == nil {
		return nil, alert.New(alert.InternalError, "sign: unsupported signature scheme %s", SchemeName(id))
	}
	if err := s.checkKey(key.Public(), false); err != nil {
		return nil, alert.New(alert.InternalError, "sign: %v", err)
	}
	var sig []byte
	var err error
	switch s.alg {
	case sigEd25519:
		sig, err = key.Sign(rand, content, crypto.Hash(0))
	case sigRSAPSS:
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: s.Hash}
		sig, err = key.Sign(rand, digest(s.Hash, content), opts)
	default:
		sig, err = key.Sign(rand, digest(s.Hash, content), s.Hash)
	}
	if err != nil {
		return nil, alert.New(alert.InternalError, "sign with %s: %v", s.Name, err)
	}
	return sig, nil
}

// pssVerify is the verification option of every RSA-PSS scheme: the
// salt MUST be as long as the digest (RFC 8446 section 4.2.3).
var pssVerify = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}

// Verify checks a handshake signature sig over content by pub under the
// scheme id; tls13 applies TLS 1.3's stricter rules.
//
// A scheme padlock does not implement, a scheme TLS 1.3 forbids for
// handshake signatures (RSASSA-PKCS1-v1_5, SHA-1), or a key that cannot
// make the scheme's signatures (wrong type, such as an rsaEncryption
// key under rsa_pss_pss_*; in TLS 1.3, an ECDSA key on another curve
// than the scheme names) fails with illegal_parameter.
// A signature that does not verify fails with decrypt_error (RFC 8446
// section 4.4.3).
func Verify(id uint16, pub crypto.PublicKey, content, sig []byte, tls13 bool) error {
	s := SchemeByID(id)
	if s == nil {
		return alert.New(alert.IllegalParameter, "unsupported signature scheme %s", SchemeName(id))
	}
	if tls13 && !s.TLS13 {
		return alert.New(alert.IllegalParameter, "%s is not allowed for TLS 1.3 handshake signatures", s.Name)
	}
	if err := s.checkKey(pub, tls13); err != nil {
		return alert.New(alert.IllegalParameter, "%v", err)
	}
	var ok bool
	switch s.alg {
	case sigECDSA:
		ok = ecdsa.VerifyASN1(pub.(*ecdsa.PublicKey), digest(s.Hash, content), sig)
	case sigEd25519:
		ok = ed25519.Verify(pub.(ed25519.PublicKey), content, sig)
	case sigRSAPSS:
		ok = rsa.VerifyPSS(pub.(*rsa.PublicKey), s.Hash, digest(s.Hash, content), sig, pssVerify) == nil
	case sigPKCS1:
		ok = rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), s.Hash, digest(s.Hash, content), sig) == nil
	}
	if !ok {
		return alert.New(alert.DecryptError, "invalid %s signature", s.Name)
	}
	return nil
}

// KeyMatches reports whether the holder of pub's private key can make
// signatures of scheme id that a peer would accept: the key type is
// right (an RSA key is rsaEncryption, so never rsa_pss_pss_*), in TLS 1.3
// the scheme is allowed and an ECDSA key lies on the scheme's curve, and
// an RSA key is large enough for PSS with the scheme's hash.
func KeyMatches(id uint16, pub crypto.PublicKey, tls13 bool) bool {
	s := SchemeByID(id)
	if s == nil || tls13 && !s.TLS13 {
		return false
	}
	return s.checkKey(pub, tls13) == nil
}

// checkKey says why pub cannot make s's signatures, or returns nil.
func (s *Scheme) checkKey(pub crypto.PublicKey, tls13 bool) error {
	switch s.alg {
	case sigECDSA:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k == nil || k.Curve == nil || k.X == nil || k.Y == nil {
			return fmt.Errorf("%s needs an ECDSA key, not %T", s.Name, pub)
		}
		// Compare parameters, not curves: an interface comparison
		// panics if a caller's curve type is not comparable.
		if tls13 && k.Curve.Params() != s.curve.Params() {
			return fmt.Errorf("%s needs a key on %s", s.Name, s.curve.Params().Name)
		}
	case sigEd25519:
		k, ok := pub.(ed25519.PublicKey)
		if !ok || len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%s needs an Ed25519 key, not %T", s.Name, pub)
		}
	case sigRSAPSS, sigPKCS1:
		k, ok := pub.(*rsa.PublicKey)
		if !ok || k == nil || k.N == nil {
			return fmt.Errorf("%s needs an RSA key, not %T", s.Name, pub)
		}
		// RFC 8446 section 4.2.3: an *rsa.PublicKey comes from an
		// rsaEncryption certificate (see schemes), and such a key may
		// make only rsa_pss_rsae_* PSS signatures.
		if s.pssOID {
			return fmt.Errorf("%s needs a key certified with the RSASSA-PSS OID, not an rsaEncryption RSA key", s.Name)
		}
		// RFC 8017 section 9.1.1: emLen >= hLen + sLen + 2, with the
		// salt as long as the hash.
		emLen := (k.N.BitLen() - 1 + 7) / 8
		if s.alg == sigRSAPSS && emLen < 2*s.Hash.Size()+2 {
			return fmt.Errorf("%s needs an RSA key larger than %d bits", s.Name, k.N.BitLen())
		}
	default:
		return errors.New("unknown signature algorithm")
	}
	return nil
}

// digest hashes content with h, one of the hashes the schemes name.
func digest(h crypto.Hash, content []byte) []byte {
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(content)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(content)
		return d[:]
	case crypto.SHA512:
		d := sha512.Sum512(content)
		return d[:]
	case crypto.SHA1:
		d := sha1.Sum(content)
		return d[:]
	}
	panic("suites: scheme with unexpected hash " + h.String())
}

// The context strings of RFC 8446 section 4.4.3.
const (
	serverContext13 = "TLS 1.3, server CertificateVerify"
	clientContext13 = "TLS 1.3, client CertificateVerify"
)

// SignedContent13 returns what a TLS 1.3 CertificateVerify signs
// (RFC 8446 section 4.4.3): 64 bytes of 0x20, the context string for the
// signer's role, a zero byte, then the transcript hash. The padding
// defeats attacks that choose a prefix; the context keeps a server's
// signature from passing as a client's.
func SignedContent13(server bool, transcriptHash []byte) []byte {
	context := clientContext13
	if server {
		context = serverContext13
	}
	out := make([]byte, 64, 64+len(context)+1+len(transcriptHash))
	for i := range out {
		out[i] = 0x20
	}
	out = append(out, context...)
	out = append(out, 0)
	return append(out, transcriptHash...)
}
