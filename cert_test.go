package padlock

import (
	"testing"

	"padlock/internal/pki"
)

// TestX509KeyPair loads every key type and refuses a key that belongs to
// another certificate.
func TestX509KeyPair(t *testing.T) {
	for _, kt := range []pki.KeyType{pki.ECDSAP256, pki.RSA2048, pki.Ed25519} {
		_, is := pki.TestChain(kt)
		if _, err := X509KeyPair(is.ChainPEM, is.KeyPEM); err != nil {
			t.Errorf("%s: %v", kt, err)
		}
	}
	_, a := pki.TestChain(pki.ECDSAP256)
	_, b := pki.TestChain(pki.Ed25519)
	if _, err := X509KeyPair(a.ChainPEM, b.KeyPEM); err == nil {
		t.Error("a key of another certificate was accepted")
	}
	if _, err := X509KeyPair([]byte("no PEM here"), a.KeyPEM); err == nil {
		t.Error("a chain without certificates was accepted")
	}
}
