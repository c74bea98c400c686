package padlock

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// noEMSWarning is the trace event of a TLS 1.2 handshake that goes on
// without the extended master secret.
const noEMSWarning = "no extended master secret"

// hasNoEMSWarning reports whether events hold the warning, with an
// explanation that names the attack it leaves open.
func hasNoEMSWarning(events []trace.Event) bool {
	return slices.ContainsFunc(events, func(e trace.Event) bool {
		return e.Kind == trace.KindWarning && e.Name == noEMSWarning &&
			strings.Contains(e.Explain, "triple handshake") && strings.Contains(e.Explain, "RFC 7627")
	})
}

// sentServerHello12 parses the TLS 1.2 ServerHello of a server's trace.
func sentServerHello12(t *testing.T, events []trace.Event) *wire.ServerHello {
	t.Helper()
	for _, e := range events {
		if e.Name == "ServerHello" && e.Side == trace.Server && e.Dir == trace.Sent {
			m, err := wire.Parse(e.Raw, false)
			if err != nil {
				t.Fatal(err)
			}
			return m.(*wire.ServerHello)
		}
	}
	t.Fatal("no ServerHello in the server's trace")
	return nil
}

// TestEMSLegacyPeers covers the policy for TLS 1.2 peers without the
// extended master secret (RFC 7627): by default both roles go on with
// them (section 5.2 lets them), as every mature stack does, but never
// resume the session (section 5.3: no ticket, no session ID, nothing
// kept), export nothing from it (section 5.4), and say so in the trace.
func TestEMSLegacyPeers(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	legacy := func(c *Config) { c.DisableExtendedMasterSecret = true }
	for _, tc := range []struct {
		name           string
		client, server func(*Config)
	}{
		{"client without EMS", legacy, nil},
		{"server without EMS", nil, legacy},
		{"neither with EMS", legacy, legacy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rc, rs trace.Recorder
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12,
				ClientSessionCache: NewLRUClientSessionCache(4), Trace: rc.Trace}
			sc := &Config{Certificates: []Certificate{cert}, Trace: rs.Trace}
			if tc.client != nil {
				tc.client(cc)
			}
			if tc.server != nil {
				tc.server(sc)
			}
			for i := range 2 {
				a, b := tcpPair(t)
				client, server := Client(a, cc), Server(b, sc)
				// Ask for a ticket and give a session ID as legacy clients
				// do, so that the server has every chance to keep the
				// session (RFC 5077 section 3.2, RFC 5246 section 7.4.1.2).
				client.testHooks.editHello = func(h *wire.ClientHello) {
					h.SessionTicketSupported = true
					h.SessionID = []byte(strings.Repeat("legacy session id ", 2)[:32])
				}
				if cerr, serr := handshakeBoth(client, server, a); cerr != nil || serr != nil {
					t.Fatalf("connection %d: client: %v; server: %v", i+1, cerr, serr)
				}
				for who, c := range map[string]*Conn{"client": client, "server": server} {
					st := c.ConnectionState()
					if st.Version != VersionTLS12 || st.ExtendedMasterSecret || st.DidResume {
						t.Errorf("connection %d: %s: version %s, ExtendedMasterSecret %v, DidResume %v; want TLS 1.2, a full handshake without EMS",
							i+1, who, VersionName(st.Version), st.ExtendedMasterSecret, st.DidResume)
					}
					if _, err := st.ExportKeyingMaterial("EXPERIMENTAL padlock", nil, 32); !errors.Is(err, errNoEKM) {
						t.Errorf("connection %d: %s: ExportKeyingMaterial: %v, want %v", i+1, who, err, errNoEKM)
					}
				}
				echo(t, client, server, 1000)
			}
			if sh := sentServerHello12(t, rs.Events()); sh.ExtendedMasterSecret || len(sh.SessionID) > 0 || sh.SessionTicketSupported {
				t.Errorf("ServerHello: extended_master_secret %v, session ID %x, session_ticket %v; want none of them",
					sh.ExtendedMasterSecret, sh.SessionID, sh.SessionTicketSupported)
			}
			for who, events := range map[string][]trace.Event{"client": rc.Events(), "server": rs.Events()} {
				if !hasNoEMSWarning(events) {
					t.Errorf("%s trace has no %q warning naming the triple handshake and RFC 7627", who, noEMSWarning)
				}
				for _, e := range events {
					switch e.Name {
					case "session ticket issued", "session cached", "session ticket stored", "session ID stored", "session offered":
						t.Errorf("%s trace: %q for a session without the extended master secret", who, e.Name)
					}
				}
			}
			if s, ok := cc.ClientSessionCache.Get("localhost"); ok && s != nil {
				t.Error("client kept a session without the extended master secret")
			}
		})
	}
}

// TestEMSRequired covers RequireExtendedMasterSecret: a peer without the
// extended master secret is refused with handshake_failure (RFC 7627
// section 5.2), one with it, or speaking TLS 1.3, is not.
func TestEMSRequired(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	require := func(c *Config) { c.RequireExtendedMasterSecret = true }
	legacy := func(c *Config) { c.DisableExtendedMasterSecret = true }
	for _, tc := range []struct {
		name           string
		client, server func(*Config)
		clientFinds    bool   // the client detects the failure
		want           string // in the detecting side's error; "" for success
	}{
		{"server requires, client without", legacy, require, false, "client does not offer the extended master secret"},
		{"client requires, server without", require, legacy, true, "server does not support the extended master secret"},
		{"both require", require, require, false, ""},
		{"server both disables and requires", nil, func(c *Config) { legacy(c); require(c) }, false, "DisableExtendedMasterSecret"},
		{"TLS 1.3 client requires", func(c *Config) { require(c); c.MaxVersion = VersionTLS13 }, legacy, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12}
			sc := &Config{Certificates: []Certificate{cert}}
			if tc.client != nil {
				tc.client(cc)
			}
			if tc.server != nil {
				tc.server(sc)
			}
			a, b := tcpPair(t)
			client, server := Client(a, cc), Server(b, sc)
			cerr, serr := handshakeBoth(client, server, a)
			if tc.want == "" {
				if cerr != nil || serr != nil {
					t.Fatalf("client: %v; server: %v", cerr, serr)
				}
				if st := client.ConnectionState(); st.Version == VersionTLS12 && !st.ExtendedMasterSecret {
					t.Error("TLS 1.2 without the extended master secret")
				}
				return
			}
			if serr == nil {
				// The server's flight was its last: the client's alert
				// comes to its first Read.
				_, serr = server.Read(make([]byte, 1))
			}
			local, remote := serr, cerr
			if tc.clientFinds {
				local, remote = cerr, serr
			}
			wantAlerts(t, local, remote, AlertHandshakeFailure)
			if local == nil || !strings.Contains(local.Error(), tc.want) {
				t.Errorf("error %v, want it to say %q", local, tc.want)
			}
		})
	}
}
