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

// TestCompatCCSWithoutSessionID: the server sends its compatibility
// ChangeCipherSpec even to a client whose ClientHello has an empty
// legacy_session_id (a JDK 11 client resuming with a TLS 1.3 PSK, for
// one). RFC 8446 appendix D.4 makes the server's CCS part of the mode
// without tying it to the client's session ID, BoringSSL, OpenSSL and
// crypto/tls all send it, and BoringSSL's runner, as a client, expects
// it (Server-JDK11-NoWorkaround-3).
func TestCompatCCSWithoutSessionID(t *testing.T) {
	cert, pool := testCert(t, pki.Ed25519)
	a, b := tcpPair(t)
	client := Client(a, &Config{RootCAs: pool, ServerName: "localhost"})
	client.testHooks.editHello = func(h *wire.ClientHello) { h.SessionID = nil }
	server := Server(b, &Config{Certificates: []Certificate{cert}})
	if cerr, serr := handshakeBoth(client, server, a); cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	if client.in.ccsSeen != 1 {
		t.Errorf("client dropped %d compatibility CCS, want 1", client.in.ccsSeen)
	}
}
