package padlock

import (
	"testing"

	"padlock/internal/pki"
	"padlock/internal/wire"
)

// TestCompatCCSAfterServerHello checks that a padlock client drops the
// server's compatibility ChangeCipherSpec where RFC 8446 appendix D.4
// puts it, right after the ServerHello or after a HelloRetryRequest, now
// that a CCS before any ServerHello is unexpected_message (the alert
// table has those rows).
func TestCompatCCSAfterServerHello(t *testing.T) {
	cert, pool := testCert(t, pki.Ed25519)
	for _, tc := range []struct {
		name         string
		client, serv []CurveID
	}{
		{"after ServerHello", []CurveID{X25519}, []CurveID{X25519}},
		{"after HelloRetryRequest", []CurveID{X25519, CurveP256}, []CurveID{CurveP256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := &Config{RootCAs: pool, ServerName: "localhost", CurvePreferences: tc.client,
				MinVersion: VersionTLS12, MaxVersion: VersionTLS13}
			sc := &Config{Certificates: []Certificate{cert}, CurvePreferences: tc.serv}
			client, server, cerr, serr := runPair(t, cc, sc)
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			st := client.ConnectionState()
			if st.Version != VersionTLS13 || st.CurveID != tc.serv[0] {
				t.Fatalf("negotiated %s with %s", VersionName(st.Version), st.CurveID)
			}
			// Each side sent one compatibility CCS and dropped the
			// other's.
			if client.in.ccsSeen != 1 || server.in.ccsSeen != 1 {
				t.Errorf("CCS dropped: client %d, server %d; want 1 each", client.in.ccsSeen, server.in.ccsSeen)
			}
		})
	}
}

// TestCompatCCSWithoutSessionID checks that a server sends its
// compatibility ChangeCipherSpec even to a client that sent no session
// ID, as RFC 8446 appendix D.4 allows and OpenSSL, BoringSSL and
// crypto/tls do; the client drops it (section 5).
func TestCompatCCSWithoutSessionID(t *testing.T) {
	cert, pool := testCert(t, pki.Ed25519)
	for _, tc := range []struct {
		name         string
		client, serv []CurveID
	}{
		{"after ServerHello", []CurveID{X25519}, []CurveID{X25519}},
		{"after HelloRetryRequest", []CurveID{X25519, CurveP256}, []CurveID{CurveP256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tcpPair(t)
			client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", CurvePreferences: tc.client})
			client.testHooks.editHello = func(h *wire.ClientHello) { h.SessionID = nil }
			server := Server(b, &Config{Certificates: []Certificate{cert}, CurvePreferences: tc.serv})
			if cerr, serr := handshakeBoth(client, server, a); cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			if client.in.ccsSeen != 1 {
				t.Errorf("the client dropped %d CCS records, want the server's one", client.in.ccsSeen)
			}
		})
	}
}
