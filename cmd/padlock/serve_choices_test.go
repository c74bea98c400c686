package main

import (
	"strings"
	"testing"

	"padlock"
	"padlock/internal/wire"
	"padlock/trace"
)

func TestExplainChoices(t *testing.T) {
	ch := &wire.ClientHello{
		Vers:                padlock.VersionTLS12,
		SupportedVersions:   []uint16{0x0a0a, padlock.VersionTLS13, padlock.VersionTLS12},
		CipherSuites:        []uint16{0x1302, 0x1301},
		SupportedGroups:     []uint16{0x001d, 0x0017},
		KeyShares:           []wire.KeyShare{{Group: 0x001d, Data: make([]byte, 32)}},
		SignatureAlgorithms: []uint16{0x0403, 0x0804},
		ALPNProtocols:       []string{"h2", "http/1.1"},
	}
	hrr := []trace.Event{{Name: "ClientHello"}, {Name: "HelloRetryRequest"}}
	for _, tc := range []struct {
		name   string
		cfg    *padlock.Config
		st     padlock.ConnectionState
		events []trace.Event
		want   map[string]string // parameter: part of the reason
	}{
		{"TLS 1.3, key share taken", &padlock.Config{NextProtos: []string{"http/1.1", "h2"}},
			padlock.ConnectionState{Version: padlock.VersionTLS13, CipherSuite: 0x1301, CurveID: padlock.X25519,
				SignatureScheme: padlock.ECDSAWithP256AndSHA256, NegotiatedProtocol: "http/1.1"}, nil,
			map[string]string{
				"version":                     "supported_versions GREASE(0x0A0A), TLS 1.3, TLS 1.2; the server speaks TLS 1.2 to TLS 1.3",
				"cipher suite":                "its order of preference (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)",
				"key exchange group":          "sent key shares for x25519. The server takes, in its own order (X25519MLKEM768, x25519",
				"signature scheme":            "accepts (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256)",
				"application protocol (ALPN)": "its own list (http/1.1, h2)",
			}},
		{"HelloRetryRequest", &padlock.Config{CurvePreferences: []padlock.CurveID{padlock.CurveP256}},
			padlock.ConnectionState{Version: padlock.VersionTLS13, CipherSuite: 0x1301, CurveID: padlock.CurveP256}, hrr,
			map[string]string{"key exchange group": "asked for a key share for it with a HelloRetryRequest"}},
		{"TLS 1.2 ECDHE", &padlock.Config{},
			padlock.ConnectionState{Version: padlock.VersionTLS12, CipherSuite: 0xc02b, CurveID: padlock.X25519, ExtendedMasterSecret: true}, nil,
			map[string]string{"key exchange group": "in its own order (x25519, secp256r1, secp384r1, secp521r1), the first group in your supported_groups",
				"cipher suite":           "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
				"extended master secret": "yes: Your client offered the extended master secret (RFC 7627)"}},
		// The ClientHello above offers no extended master secret.
		{"TLS 1.2 without EMS", &padlock.Config{},
			padlock.ConnectionState{Version: padlock.VersionTLS12, CipherSuite: 0xc02b, CurveID: padlock.X25519}, nil,
			map[string]string{"extended master secret": "no: Your client did not offer the extended master secret (RFC 7627)"}},
		{"RSA key transport", &padlock.Config{EnableRSAKeyExchange: true},
			padlock.ConnectionState{Version: padlock.VersionTLS12, CipherSuite: 0x009c, ExtendedMasterSecret: true}, nil,
			map[string]string{"key exchange": "RSA key of the server's certificate", "cipher suite": "TLS_RSA_WITH_AES_128_GCM_SHA256"}},
		{"client order", &padlock.Config{PreferClientCipherSuites: true},
			padlock.ConnectionState{Version: padlock.VersionTLS13, CipherSuite: 0x1302, CurveID: padlock.X25519}, nil,
			map[string]string{"cipher suite": "follows your client's order", "key exchange group": "in your client's order"}},
		{"resumed TLS 1.2", &padlock.Config{},
			padlock.ConnectionState{Version: padlock.VersionTLS12, CipherSuite: 0xc02b, DidResume: true, ExtendedMasterSecret: true}, nil,
			map[string]string{"key exchange": "none (resumed session)", "authentication": "no certificate was sent"}},
		{"resumed TLS 1.2 RSA key transport", &padlock.Config{EnableRSAKeyExchange: true},
			padlock.ConnectionState{Version: padlock.VersionTLS12, CipherSuite: 0x009c, DidResume: true, ExtendedMasterSecret: true}, nil,
			map[string]string{"key exchange": "none (resumed session)"}},
		{"resumed", &padlock.Config{},
			padlock.ConnectionState{Version: padlock.VersionTLS13, CipherSuite: 0x1301, CurveID: padlock.X25519, DidResume: true}, nil,
			map[string]string{"authentication": "no certificate was sent"}},
	} {
		got := map[string]string{}
		for _, c := range explainChoices(tc.cfg, tc.st, ch, tc.events) {
			got[c.Parameter] = c.Value + ": " + c.Why
			if c.Weak != (c.Parameter == "extended master secret" && c.Value == "no") {
				t.Errorf("%s: %s marked weak %v", tc.name, c.Parameter, c.Weak)
			}
		}
		if _, ok := got["extended master secret"]; ok != (tc.st.Version == padlock.VersionTLS12) {
			t.Errorf("%s: extended master secret explained %v, want it for TLS 1.2 only", tc.name, ok)
		}
		if w, ok := got["extended master secret"]; ok && !tc.st.ExtendedMasterSecret {
			for _, part := range []string{"triple handshake", "not resume", "no keying material", "--require-ems"} {
				if !strings.Contains(w, part) {
					t.Errorf("%s: extended master secret = %q, want it to say %q", tc.name, w, part)
				}
			}
		}
		for p, w := range tc.want {
			if !strings.Contains(got[p], w) {
				t.Errorf("%s: %s = %q\nwant it to contain %q", tc.name, p, got[p], w)
			}
		}
	}
}
