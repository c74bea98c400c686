package pki

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"testing"
)

func TestParseKeyType(t *testing.T) {
	for _, k := range KeyTypes() {
		got, err := ParseKeyType(" " + string(k) + "\n")
		if err != nil || got != k {
			t.Errorf("ParseKeyType(%q) = %q, %v", k, got, err)
		}
	}
	if got, err := ParseKeyType("ECDSA-P384"); err != nil || got != ECDSAP384 {
		t.Errorf("ParseKeyType is case-sensitive: %q, %v", got, err)
	}
	for _, s := range []string{"", "rsa", "rsa-1024", "ecdsa-p521", "x25519"} {
		if _, err := ParseKeyType(s); err == nil {
			t.Errorf("ParseKeyType(%q) succeeded", s)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	// RSA generation is covered by the issuing tests; keep this one fast.
	for _, k := range []KeyType{ECDSAP256, ECDSAP384, Ed25519} {
		key, err := GenerateKey(k, nil)
		if err != nil {
			t.Fatalf("GenerateKey(%s): %v", k, err)
		}
		switch pub := key.Public().(type) {
		case *ecdsa.PublicKey:
			want := map[KeyType]int{ECDSAP256: 256, ECDSAP384: 384}[k]
			if pub.Curve.Params().BitSize != want {
				t.Errorf("%s: curve %s", k, pub.Curve.Params().Name)
			}
		case ed25519.PublicKey:
			if k != Ed25519 {
				t.Errorf("%s: got an Ed25519 key", k)
			}
		default:
			t.Errorf("%s: got %T", k, pub)
		}
	}
	if _, err := GenerateKey("dsa", nil); err == nil {
		t.Error("GenerateKey accepted an unknown type")
	}
}
