package padlock

import (
	"bytes"
	"errors"
	"net"
	"testing"

	"padlock/internal/alert"
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

// ccsRepeater writes each compatibility ChangeCipherSpec record its
// Conn sends n times.
type ccsRepeater struct {
	net.Conn
	n int
}

func (c *ccsRepeater) Write(b []byte) (int, error) {
	ccs := []byte{20, 3, 3, 0, 1, 1}
	if _, err := c.Conn.Write(bytes.ReplaceAll(b, ccs, bytes.Repeat(ccs, c.n))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// TestCompatCCSRepeated checks that a server drops every compatibility
// ChangeCipherSpec before the client's Finished, as RFC 8446 section 5
// says it MUST, up to the flood limit, and refuses more.
func TestCompatCCSRepeated(t *testing.T) {
	cert, pool := testCert(t, pki.Ed25519)
	for _, tc := range []struct {
		n       int
		wantErr bool
	}{{2, false}, {DefaultLimits.MaxCompatChangeCipherSpec, false}, {DefaultLimits.MaxCompatChangeCipherSpec + 1, true}} {
		a, b := tcpPair(t)
		client := Client(&ccsRepeater{a, tc.n}, &Config{RootCAs: pool, ServerName: "localhost", MinVersion: VersionTLS13})
		server := Server(b, &Config{Certificates: []Certificate{cert}})
		_, serr := handshakeBoth(client, server, a)
		var ae *AlertError
		switch {
		case tc.wantErr && (!errors.As(serr, &ae) || ae.Description != alert.UnexpectedMessage):
			t.Errorf("%d CCS records: server error %v, want unexpected_message", tc.n, serr)
		case !tc.wantErr && serr != nil:
			t.Errorf("%d CCS records: %v", tc.n, serr)
		case !tc.wantErr && server.in.ccsSeen != tc.n:
			t.Errorf("%d CCS records: the server dropped %d", tc.n, server.in.ccsSeen)
		}
	}
}
