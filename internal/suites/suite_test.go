package suites

import (
	"bytes"
	"crypto"
	"strings"
	"testing"
)

func TestSuiteAEADs(t *testing.T) {
	for _, s := range suites {
		t.Run(s.Name, func(t *testing.T) {
			key := bytes.Repeat([]byte{0x42}, s.KeyLen)
			aead, err := s.NewAEAD(key)
			if err != nil {
				t.Fatal(err)
			}
			if aead.NonceSize() != 12 || aead.Overhead() != 16 {
				t.Fatalf("nonce %d overhead %d, want 12 and 16", aead.NonceSize(), aead.Overhead())
			}
			nonce := make([]byte, 12)
			ad := []byte("header")
			sealed := aead.Seal(nil, nonce, []byte("hello, world"), ad)
			opened, err := aead.Open(nil, nonce, sealed, ad)
			if err != nil || string(opened) != "hello, world" {
				t.Fatalf("Open = %q, %v", opened, err)
			}
			sealed[0] ^= 1
			if _, err := aead.Open(nil, nonce, sealed, ad); err == nil {
				t.Fatal("tampered record opened")
			}
			if _, err := s.NewAEAD(key[:s.KeyLen-1]); err == nil {
				t.Fatal("short key accepted")
			}
		})
	}
}

func TestSuiteParameters(t *testing.T) {
	for _, s := range suites {
		switch {
		case s.TLS13:
			if s.FixedIVLen != 12 || s.ExplicitNonceLen != 0 || s.KX != KXNone || s.Auth != AuthAny {
				t.Errorf("%s: TLS 1.3 parameters wrong: %+v", s.Name, s)
			}
		case strings.Contains(s.Name, "CHACHA20"): // RFC 7905
			if s.FixedIVLen != 12 || s.ExplicitNonceLen != 0 {
				t.Errorf("%s: ChaCha20 nonce wrong: %+v", s.Name, s)
			}
		default: // AES-GCM, RFC 5288
			if s.FixedIVLen != 4 || s.ExplicitNonceLen != 8 {
				t.Errorf("%s: GCM nonce wrong: %+v", s.Name, s)
			}
		}
		wantHash := crypto.SHA256
		if strings.HasSuffix(s.Name, "SHA384") {
			wantHash = crypto.SHA384
		}
		wantKey := 32
		if strings.Contains(s.Name, "AES_128") {
			wantKey = 16
		}
		if s.KeyLen != wantKey {
			t.Errorf("%s: key length %d, want %d", s.Name, s.KeyLen, wantKey)
		}
		if s.Hash != wantHash {
			t.Errorf("%s: hash %v, want %v", s.Name, s.Hash, wantHash)
		}
	}
	rsa := SuiteByID(TLS_RSA_WITH_AES_256_GCM_SHA384)
	if rsa.KX != KXRSA || rsa.Auth != AuthRSA || rsa.TLS13 {
		t.Errorf("RSA key transport suite: %+v", rsa)
	}
	ecdsa := SuiteByID(TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)
	if ecdsa.KX != KXECDHE || ecdsa.Auth != AuthECDSA {
		t.Errorf("ECDHE_ECDSA suite: %+v", ecdsa)
	}
}

func TestSuiteLookups(t *testing.T) {
	for _, list := range [][]uint16{Default13, Default12, RSAKeyTransport12} {
		for _, id := range list {
			s := SuiteByID(id)
			if s == nil {
				t.Fatalf("default suite 0x%04X not implemented", id)
			}
			if SuiteByName(s.Name) != s || SuiteName(id) != s.Name {
				t.Errorf("lookups of %s disagree", s.Name)
			}
		}
	}
	for _, id := range Default13 {
		if !SuiteByID(id).TLS13 {
			t.Errorf("Default13 has TLS 1.2 suite 0x%04X", id)
		}
	}
	for _, id := range Default12 {
		if s := SuiteByID(id); s.TLS13 || s.KX != KXECDHE {
			t.Errorf("Default12 has %s", s.Name)
		}
	}
	if len(Default12) != 6 || len(Default13) != 3 || len(RSAKeyTransport12) != 2 {
		t.Error("default lists have the wrong length")
	}
	if s := SuiteByName("tls_ecdhe_rsa_with_aes_128_gcm_sha256"); s == nil || s.ID != 0xC02F {
		t.Errorf("case-insensitive lookup = %v", s)
	}
	if SuiteByName("TLS_RSA_WITH_AES_128_CBC_SHA") != nil || SuiteByID(0x002F) != nil {
		t.Error("CBC suite is implemented?")
	}
}

func TestSuiteName(t *testing.T) {
	for id, want := range map[uint16]string{
		0x1301: "TLS_AES_128_GCM_SHA256",
		0xCCA9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
		0xC013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
		0x000A: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
		0x0005: "TLS_RSA_WITH_RC4_128_SHA",
		0x00FF: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
		0x5600: "TLS_FALLBACK_SCSV",
		0x1304: "TLS_AES_128_CCM_SHA256",
		0x3A3A: "GREASE(0x3A3A)",
		0x3A3B: "0x3A3B",
		0xABCD: "0xABCD",
	} {
		if got := SuiteName(id); got != want {
			t.Errorf("SuiteName(0x%04X) = %q, want %q", id, got, want)
		}
	}
}

func TestIsGREASE(t *testing.T) {
	n := 0
	for v := range 1 << 16 {
		if isGREASE(uint16(v)) {
			n++
		}
	}
	if n != 16 || !isGREASE(0x0A0A) || !isGREASE(0xFAFA) || isGREASE(0x0A1A) {
		t.Errorf("isGREASE matches %d values", n)
	}
}
