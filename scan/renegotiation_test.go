package scan

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// startReading serves l, reading each connection until it ends, so that
// a renegotiation ClientHello reaches the TLS stack behind l.
func startReading(t *testing.T, l net.Listener) string {
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				io.Copy(io.Discard, c)
			}()
		}
	}()
	return l.Addr().String()
}

// TestScanClientRenegotiation asks each server to renegotiate: openssl
// s_server with -client_renegotiation and gnutls-serv (which allows it
// by default, and even with %DISABLE_SAFE_RENEGOTIATION) must answer with a ServerHello; openssl by default or with
// -no_renegotiation (no_renegotiation alerts), crypto/tls
// (unexpected_message) and padlock (no_renegotiation) refuse.
func TestScanClientRenegotiation(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	_, rsaIs := pki.TestChain(pki.RSA2048)
	ec := writeChain(t, ca, is)
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) string
		allow bool
	}{
		// OpenSSL 3.0 refuses client-initiated renegotiation unless
		// told otherwise (SSL_OP_ALLOW_CLIENT_RENEGOTIATION).
		{"openssl", func(t *testing.T) string { return startSServerEnv(t, nil, ec) }, false},
		{"openssl -client_renegotiation", func(t *testing.T) string { return startSServerEnv(t, nil, ec, "-client_renegotiation") }, true},
		{"openssl -no_renegotiation", func(t *testing.T) string { return startSServerEnv(t, nil, ec, "-no_renegotiation") }, false},
		{"gnutls-serv", func(t *testing.T) string { return startGnuTLS(t, writeChain(t, ca, rsaIs)) }, true},
		// Without RFC 5746 gnutls still renegotiates, now unsafely.
		{"gnutls-serv %DISABLE_SAFE_RENEGOTIATION", func(t *testing.T) string {
			return startGnuTLS(t, writeChain(t, ca, rsaIs), "--priority", "NORMAL:%DISABLE_SAFE_RENEGOTIATION")
		}, true},
		{"crypto/tls", func(t *testing.T) string {
			l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
			if err != nil {
				t.Fatal(err)
			}
			return startReading(t, l)
		}, false},
		{"padlock", func(t *testing.T) string {
			l, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
			if err != nil {
				t.Fatal(err)
			}
			return startReading(t, l)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.start(t)
			start := time.Now()
			ts := &targetScan{s: New(Options{Timeout: 2 * time.Second}), r: &Report{Target: addr}, addr: addr, host: "127.0.0.1"}
			ts.probeClientRenegotiation(t.Context())
			t.Logf("%s: %s in %v; errors %q", tc.name, ts.renegotiation, time.Since(start).Round(time.Millisecond), ts.r.Errors)
			if len(ts.r.Features.Untested) > 0 {
				t.Fatalf("untested: %v", ts.r.Errors)
			}
			if got := ts.r.Features.ClientRenegotiation; got != tc.allow {
				t.Errorf("client_renegotiation %v, want %v (%s)", got, tc.allow, ts.renegotiation)
			}
		})
	}
}
