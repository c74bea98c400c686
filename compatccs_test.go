package padlock

import (
	"testing"

	"padlock/internal/pki"
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
