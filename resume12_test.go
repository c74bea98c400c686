package padlock

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// resumeSuites12 are the suites resumption is tested with: one of each
// key exchange, with the key type that serves it.
var resumeSuites12 = []struct {
	kt    pki.KeyType
	suite uint16
}{
	{pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
	{pki.RSA2048, TLS_RSA_WITH_AES_256_GCM_SHA384},
}

// configs12 returns a TLS 1.2 client config with a session cache and a
// server config for kt, both on a clock the test may move.
func configs12(t *testing.T, kt pki.KeyType, suite uint16, clock *time.Time) (*Config, *Config) {
	t.Helper()
	cert, pool := testCert(t, kt)
	now := func() time.Time { return *clock }
	return &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, CipherSuites: []uint16{suite},
			ClientSessionCache: NewLRUClientSessionCache(4), Time: now},
		&Config{Certificates: []Certificate{cert}, EnableRSAKeyExchange: true, Time: now}
}

// connect12 runs one handshake that must succeed and reports whether it
// resumed, which both sides must agree on.
func connect12(t *testing.T, cc, sc *Config) (client, server *Conn, resumed bool) {
	t.Helper()
	client, server, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	cs, ss := client.ConnectionState(), server.ConnectionState()
	if cs.DidResume != ss.DidResume {
		t.Fatalf("client DidResume %v, server %v", cs.DidResume, ss.DidResume)
	}
	if cs.Version != VersionTLS12 || !cs.ExtendedMasterSecret || !ss.ExtendedMasterSecret {
		t.Fatalf("state %+v", cs)
	}
	return client, server, cs.DidResume
}

// cached returns the client's cached session for localhost.
func cached(t *testing.T, cc *Config) *ClientSessionState {
	t.Helper()
	s, ok := cc.ClientSessionCache.Get("localhost")
	if !ok || s == nil {
		t.Fatal("no session cached")
	}
	return s
}

func TestResumption12(t *testing.T) {
	for _, rs := range resumeSuites12 {
		for _, byTicket := range []bool{true, false} {
			name := fmt.Sprintf("%s/ticket=%v", CipherSuiteName(rs.suite), byTicket)
			t.Run(name, func(t *testing.T) {
				clock := time.Now()
				cc, sc := configs12(t, rs.kt, rs.suite, &clock)
				sc.SessionTicketsDisabled = !byTicket
				var klc bytes.Buffer
				cc.KeyLogWriter = &klc
				first, _, resumed := connect12(t, cc, sc)
				if resumed {
					t.Fatal("first connection resumed")
				}
				group := first.ConnectionState().CurveID
				if (group != 0) != (rs.kt != pki.RSA2048) {
					t.Fatalf("first connection's group %v", group)
				}
				s := cached(t, cc)
				if (s.ticket != nil) != byTicket || (s.sessionID != nil) == byTicket {
					t.Fatalf("cached ticket %d bytes, session ID %x", len(s.ticket), s.sessionID)
				}
				firstLog := klc.String()
				klc.Reset()
				var rc, rsr trace.Recorder
				cc.Trace, sc.Trace = rc.Trace, rsr.Trace
				client, server, resumed := connect12(t, cc, sc)
				if !resumed {
					t.Fatal("second connection did not resume")
				}
				checkResumed12(t, client, server, rs.suite, group)
				// Same master secret, new client random.
				if firstLog[len(firstLog)-97:] != klc.String()[len(klc.String())-97:] || firstLog[:78] == klc.String()[:78] {
					t.Errorf("key logs %q then %q", firstLog, klc.String())
				}
				want := "[ServerHello ChangeCipherSpec Finished]"
				if byTicket {
					want = "[ServerHello NewSessionTicket ChangeCipherSpec Finished]"
				}
				if got := fmt.Sprint(messageNames(rc.Events(), trace.Received)); got != want {
					t.Errorf("client received %v, want %v", got, want)
				}
				for _, r := range []*trace.Recorder{&rc, &rsr} {
					if !slices.ContainsFunc(r.Events(), func(e trace.Event) bool {
						return e.Step == trace.StepResumption && e.Name == "session resumed"
					}) {
						t.Error("no \"session resumed\" step traced")
					}
					checkLayouts(t, r.Events())
				}
				echo(t, client, server, 1000)
				// The session, renewed or not, resumes once more.
				client, server, resumed = connect12(t, cc, sc)
				if !resumed {
					t.Fatal("third connection did not resume")
				}
				checkResumed12(t, client, server, rs.suite, group)
			})
		}
	}
}

// checkResumed12 checks what a resumed connection reports on both sides:
// among it, the group of the session's full handshake, whose exchange the
// keys still stem from (BoGo CurveID-Resume-Client/Server).
func checkResumed12(t *testing.T, client, server *Conn, suite uint16, group CurveID) {
	t.Helper()
	cs, ss := client.ConnectionState(), server.ConnectionState()
	if cs.CipherSuite != suite || ss.CipherSuite != suite {
		t.Errorf("suites %s, %s", CipherSuiteName(cs.CipherSuite), CipherSuiteName(ss.CipherSuite))
	}
	if cs.CurveID != group || ss.CurveID != group {
		t.Errorf("groups %v, %v; want the session's %v", cs.CurveID, ss.CurveID, group)
	}
	if len(cs.PeerCertificates) == 0 || len(cs.VerifiedChains) == 0 {
		t.Error("resumed client lost the server's certificates")
	}
	var ekm [2][]byte
	for i, st := range []ConnectionState{cs, ss} {
		var err error
		if ekm[i], err = st.ExportKeyingMaterial("EXPERIMENTAL padlock", nil, 32); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(ekm[0], ekm[1]) {
		t.Error("exported keying material differs")
	}
}

// checkLayouts checks that every message event's layout covers all its
// bytes.
func checkLayouts(t *testing.T, events []trace.Event) {
	t.Helper()
	for _, e := range events {
		if e.Kind != trace.KindMessage || e.Name == "ChangeCipherSpec" {
			continue
		}
		covered := make([]bool, len(e.Raw))
		for _, f := range e.Layout {
			for i := f.Start; i < f.End && i < len(covered); i++ {
				covered[i] = true
			}
		}
		if i := slices.Index(covered, false); i >= 0 {
			t.Errorf("%s %s: byte %d is in no field of the layout", e.Side, e.Name, i)
		}
	}
}

// messageNames lists the handshake messages traced in one direction.
func messageNames(events []trace.Event, dir trace.Direction) []string {
	var names []string
	for _, e := range events {
		if e.Kind == trace.KindMessage && e.Dir == dir {
			names = append(names, e.Name)
		}
	}
	return names
}

// TestResumption12Refused covers sessions the server must not resume:
// each ends in a full handshake whose new session replaces the old.
func TestResumption12Refused(t *testing.T) {
	tests := []struct {
		name   string
		ticket bool
		traced string // the server's reason, if it saw the session
		change func(t *testing.T, cc, sc *Config, clock *time.Time)
	}{
		{"expired ticket", true, "session not resumed", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			later := clock.Add(ticketLifetime + time.Minute)
			sc.Time = func() time.Time { return later } // the client still offers it
		}},
		{"expired session ID", false, "session not resumed", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			later := clock.Add(ticketLifetime + time.Minute)
			sc.Time = func() time.Time { return later }
		}},
		{"tampered ticket", true, "ticket not accepted", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			cached(t, cc).ticket[40] ^= 1
		}},
		{"rotated-out key", true, "ticket not accepted", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			sc.SetSessionTicketKeys([]TicketKey{{2}})
		}},
		{"another server's ticket", true, "ticket not accepted", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			*sc = Config{Certificates: sc.Certificates, EnableRSAKeyExchange: true}
		}},
		{"another server's session ID", false, "", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			*sc = Config{Certificates: sc.Certificates, EnableRSAKeyExchange: true, SessionTicketsDisabled: true}
		}},
		{"suite no longer enabled", true, "session not resumed", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			cc.CipherSuites = append(cc.CipherSuites, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)
			sc.CipherSuites = []uint16{TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}
		}},
		{"client certificate now required", false, "session not resumed", func(t *testing.T, cc, sc *Config, clock *time.Time) {
			is := pki.TestClient(pki.ECDSAP256)
			cc.Certificates = []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}
			sc.ClientAuth = RequireAnyClientCert
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := time.Now()
			cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
			sc.SetSessionTicketKeys([]TicketKey{{1}})
			sc.SessionTicketsDisabled = !tc.ticket
			connect12(t, cc, sc)
			old := cached(t, cc)
			tc.change(t, cc, sc, &clock)
			var rec trace.Recorder
			sc.Trace = rec.Trace
			if _, _, resumed := connect12(t, cc, sc); resumed {
				t.Fatal("resumed")
			}
			var reasons []string
			for _, e := range rec.Events() {
				if e.Step == trace.StepResumption && e.Kind == trace.KindInfo && strings.Contains(e.Name, "not") {
					reasons = append(reasons, e.Name)
				}
			}
			if want := []string{tc.traced}; tc.traced == "" && len(reasons) > 0 || tc.traced != "" && !slices.Equal(reasons, want) {
				t.Errorf("server traced %q, want %q", reasons, tc.traced)
			}
			if s := cached(t, cc); s == old || bytes.Equal(s.secret, old.secret) {
				t.Error("the refused session was not replaced")
			}
		})
	}
}

func TestResumption12ServerName(t *testing.T) {
	clock := time.Now()
	cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
	connect12(t, cc, sc)
	// The same session offered without SNI, as an IP address sends none.
	cc.ClientSessionCache.Put("127.0.0.1 (unverified)", cached(t, cc))
	cc.ServerName, cc.InsecureSkipVerify = "127.0.0.1", true
	var rec trace.Recorder
	sc.Trace = rec.Trace
	if _, _, resumed := connect12(t, cc, sc); resumed {
		t.Fatal("resumed a session for another server name")
	}
	if !slices.ContainsFunc(rec.Events(), func(e trace.Event) bool { return e.Name == "session not resumed" }) {
		t.Error("server did not trace why it did not resume")
	}
}

func TestResumption12ClientAuth(t *testing.T) {
	clock := time.Now()
	cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
	is := pki.TestClient(pki.ECDSAP256)
	cc.Certificates = []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}
	_, pool := testCert(t, pki.ECDSAP256)
	sc.ClientAuth, sc.ClientCAs = RequireAndVerifyClientCert, pool
	connect12(t, cc, sc)
	_, server, resumed := connect12(t, cc, sc)
	if !resumed {
		t.Fatal("not resumed")
	}
	st := server.ConnectionState()
	if len(st.PeerCertificates) == 0 || len(st.VerifiedChains) == 0 || st.PeerCertificates[0].Subject.CommonName != "padlock test client" {
		t.Errorf("resumed server sees client chain %v", st.PeerCertificates)
	}
	// A CA no longer trusted: the chain fails verification again, so the
	// session is not resumed and the full handshake refuses the client.
	sc.ClientCAs = nil
	if _, _, cerr, serr := runPair(t, cc, sc); serr == nil {
		t.Errorf("handshake with an untrusted client chain succeeded (client: %v)", cerr)
	}
}

func TestServerSessionCache12(t *testing.T) {
	clock := time.Now()
	_, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
	sc.SessionTicketsDisabled = true
	sc.ServerSessionCacheSize = 2
	var clients []*Config
	for range 3 {
		cc, _ := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
		connect12(t, cc, sc)
		clients = append(clients, cc)
	}
	if n := sc.sessionCache12().len(); n != 2 {
		t.Fatalf("cache holds %d sessions, want 2", n)
	}
	if _, _, resumed := connect12(t, clients[0], sc); resumed {
		t.Error("the first session was not evicted")
	}
	// The clone shares the cache: the third session is still there.
	if _, _, resumed := connect12(t, clients[2], sc.Clone()); !resumed {
		t.Error("the third session was evicted")
	}
	if n := sc.sessionCache12().len(); n != 2 {
		t.Fatalf("cache holds %d sessions, want 2", n)
	}

	t.Run("disabled", func(t *testing.T) {
		cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
		sc.SessionTicketsDisabled, sc.ServerSessionCacheSize = true, -1
		connect12(t, cc, sc)
		if _, ok := cc.ClientSessionCache.Get("localhost"); ok || sc.sessionCache12() != nil {
			t.Error("a session was kept with the cache off")
		}
	})
}

// TestResumption12TicketAndSessionID checks RFC 5077 section 3.4: with a
// ticket presented, even one that does not open, the session ID is not
// looked up.
func TestResumption12TicketAndSessionID(t *testing.T) {
	clock := time.Now()
	cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
	sc.SessionTicketsDisabled = true
	connect12(t, cc, sc)
	id := cached(t, cc).sessionID
	sc.SessionTicketsDisabled = false
	a, b := tcpPair(t)
	client := Client(a, &Config{RootCAs: cc.RootCAs, ServerName: "localhost", MaxVersion: VersionTLS12})
	client.testHooks.editHello = func(h *wire.ClientHello) {
		h.SessionID, h.SessionTicketSupported, h.SessionTicket = id, true, make([]byte, 64)
	}
	server := Server(b, sc)
	if cerr, serr := handshakeBoth(client, server, a); cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	if server.ConnectionState().DidResume {
		t.Error("resumed by session ID although a ticket was presented")
	}
}

// TestResumption12EMS covers RFC 7627 section 5.3.
func TestResumption12EMS(t *testing.T) {
	const suite = TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
	t.Run("session with EMS, ClientHello without", func(t *testing.T) {
		clock := time.Now()
		cc, sc := configs12(t, pki.ECDSAP256, suite, &clock)
		connect12(t, cc, sc)
		ticket := cached(t, cc).ticket
		a, b := tcpPair(t)
		client := Client(a, &Config{RootCAs: cc.RootCAs, ServerName: "localhost", MaxVersion: VersionTLS12, DisableExtendedMasterSecret: true})
		client.testHooks.editHello = func(h *wire.ClientHello) {
			h.SessionID, h.SessionTicketSupported, h.SessionTicket = make([]byte, 32), true, ticket
		}
		cerr, serr := handshakeBoth(client, Server(b, sc), a)
		wantAlerts(t, serr, cerr, AlertHandshakeFailure)
		if serr == nil || !strings.Contains(serr.Error(), "RFC 7627 section 5.3") {
			t.Errorf("server error %v", serr)
		}
	})
	t.Run("session without EMS", func(t *testing.T) {
		clock := time.Now()
		cc, sc := configs12(t, pki.ECDSAP256, suite, &clock)
		master := bytes.Repeat([]byte{7}, 48)
		ticket, err := sc.sealTicket((&sessionState{version: VersionTLS12, suite: suite, created: uint64(clock.Unix()),
			authenticated: uint64(clock.Unix()), secret: master, serverName: "localhost"}).marshal())
		if err != nil {
			t.Fatal(err)
		}
		// A session of an unverified server, so that the client offers
		// it without a certificate to check again.
		cc.InsecureSkipVerify = true
		cc.ClientSessionCache.Put("localhost (unverified)", &ClientSessionState{version: VersionTLS12, suite: suite, ticket: ticket,
			secret: master, received: clock, lifetime: time.Hour, ems: true})
		var rec trace.Recorder
		sc.Trace = rec.Trace
		if _, _, resumed := connect12(t, cc, sc); resumed {
			t.Fatal("resumed a session without the extended master secret")
		}
		if !slices.ContainsFunc(rec.Events(), func(e trace.Event) bool {
			return e.Name == "session not resumed" && strings.Contains(fmt.Sprint(e.Fields), "extended master secret")
		}) {
			t.Error("server did not trace why it did not resume")
		}
	})
	t.Run("server no longer with EMS", func(t *testing.T) {
		// The server answers the session offered with a full handshake
		// without the extended master secret: that session will not be
		// resumed there again, and the new one must not be (section
		// 5.3), so the client keeps neither.
		clock := time.Now()
		cc, sc := configs12(t, pki.ECDSAP256, suite, &clock)
		connect12(t, cc, sc)
		cached(t, cc)
		sc.DisableExtendedMasterSecret = true
		client, _, cerr, serr := runPair(t, cc, sc)
		if cerr != nil || serr != nil {
			t.Fatalf("client: %v; server: %v", cerr, serr)
		}
		if st := client.ConnectionState(); st.DidResume || st.ExtendedMasterSecret {
			t.Fatalf("DidResume %v, ExtendedMasterSecret %v; want a full handshake without it", st.DidResume, st.ExtendedMasterSecret)
		}
		if s, ok := cc.ClientSessionCache.Get("localhost"); ok && s != nil {
			t.Error("the client still keeps a session for this server")
		}
	})
	t.Run("resuming ServerHello without EMS", func(t *testing.T) {
		cerr, serr := resumeWithEditedServerHello(t, func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = false })
		wantAlerts(t, cerr, serr, AlertHandshakeFailure)
		if cerr == nil || !strings.Contains(cerr.Error(), "RFC 7627 section 5.3") {
			t.Errorf("client error %v", cerr)
		}
	})
}

// TestResumption12ClientChecks covers what a client refuses in a
// resuming server, and that it forgets a session whose resumption failed
// (RFC 5077 section 3.2).
func TestResumption12ClientChecks(t *testing.T) {
	t.Run("another suite", func(t *testing.T) {
		cerr, serr := resumeWithEditedServerHello(t, func(sh *wire.ServerHello) {
			sh.CipherSuite = TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
		})
		wantAlerts(t, cerr, serr, AlertIllegalParameter)
	})
	t.Run("session ID echoed without a session", func(t *testing.T) {
		clock := time.Now()
		cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
		cc.MaxVersion = 0 // a TLS 1.3 compatibility session ID
		sc.MaxVersion = VersionTLS12
		a, b := tcpPair(t)
		var id []byte
		client := Client(&serverHelloEditor{Conn: a, edit: func(sh *wire.ServerHello) { sh.SessionID = id }}, cc)
		client.testHooks.editHello = func(h *wire.ClientHello) { id = h.SessionID }
		cerr, serr := handshakeBoth(client, Server(b, sc), a)
		wantAlerts(t, cerr, serr, AlertIllegalParameter)
	})
	t.Run("bad server Finished", func(t *testing.T) {
		clock := time.Now()
		cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
		connect12(t, cc, sc)
		a, b := tcpPair(t)
		server := Server(b, sc)
		server.testHooks.corruptFinished = true
		cerr, serr := handshakeBoth(Client(a, cc), server, a)
		wantAlerts(t, cerr, serr, AlertDecryptError)
		if _, ok := cc.ClientSessionCache.Get("localhost"); ok {
			t.Error("the session whose resumption failed is still cached")
		}
	})
}

// resumeWithEditedServerHello makes a session, then resumes it with the
// server's ServerHello changed by edit on its way to the client.
func resumeWithEditedServerHello(t *testing.T, edit func(*wire.ServerHello)) (cerr, serr error) {
	t.Helper()
	clock := time.Now()
	cc, sc := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
	cc.CipherSuites = append(cc.CipherSuites, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)
	connect12(t, cc, sc)
	a, b := tcpPair(t)
	return handshakeBoth(Client(&serverHelloEditor{Conn: a, edit: edit}, cc), Server(b, sc), a)
}

// serverHelloEditor plays a man in the middle on a client's connection:
// it changes the ServerHello, which padlock sends alone in one record.
type serverHelloEditor struct {
	net.Conn
	edit    func(*wire.ServerHello)
	started bool
	pending []byte
}

func (e *serverHelloEditor) Read(p []byte) (int, error) {
	if !e.started {
		e.started = true
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(e.Conn, hdr); err != nil {
			return 0, err
		}
		body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
		if _, err := io.ReadFull(e.Conn, body); err != nil {
			return 0, err
		}
		var sh wire.ServerHello
		if err := sh.Unmarshal(body); err != nil {
			return 0, err
		}
		e.edit(&sh)
		msg := sh.Marshal()
		e.pending = append(append(hdr[:3], byte(len(msg)>>8), byte(len(msg))), msg...)
	}
	if len(e.pending) > 0 {
		n := copy(p, e.pending)
		e.pending = e.pending[n:]
		return n, nil
	}
	return e.Conn.Read(p)
}

// TestResumption12CryptoTLS resumes sessions between padlock and
// crypto/tls, both ways: by ticket, and by session ID where crypto/tls
// can.
func TestResumption12CryptoTLS(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	tlsCert := tls.Certificate{Certificate: is.DER, PrivateKey: is.Key}
	for _, byTicket := range []bool{true, false} {
		t.Run(fmt.Sprintf("padlock client/ticket=%v", byTicket), func(t *testing.T) {
			tc := &tls.Config{Certificates: []tls.Certificate{tlsCert}, MaxVersion: tls.VersionTLS12, SessionTicketsDisabled: !byTicket}
			// TLS 1.3 enabled too: the compatibility session ID goes
			// with the ticket.
			cc := &Config{RootCAs: ca.Pool(), ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4)}
			var resumed []bool
			for range 3 {
				a, b := tcpPair(t)
				client, server := Client(a, cc), tls.Server(b, tc)
				errc := make(chan error, 1)
				go func() { errc <- server.Handshake() }()
				cerr := client.Handshake()
				if serr := <-errc; cerr != nil || serr != nil {
					t.Fatalf("padlock client: %v; crypto/tls server: %v", cerr, serr)
				}
				if c, s := client.ConnectionState().DidResume, server.ConnectionState().DidResume; c != s {
					t.Fatalf("padlock client DidResume %v, crypto/tls server %v", c, s)
				}
				resumed = append(resumed, client.ConnectionState().DidResume)
			}
			if !byTicket {
				if !slices.Equal(resumed, []bool{false, false, false}) {
					t.Fatalf("resumed %v", resumed)
				}
				t.Log("as expected, nothing resumed: crypto/tls servers resume only by ticket, never by session ID")
				return
			}
			if !slices.Equal(resumed, []bool{false, true, true}) {
				t.Fatalf("resumed %v, want [false true true]", resumed)
			}
		})
		t.Run(fmt.Sprintf("crypto/tls client/ticket=%v", byTicket), func(t *testing.T) {
			tc := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: tls.VersionTLS12,
				ClientSessionCache: tls.NewLRUClientSessionCache(4)}
			sc := &Config{Certificates: []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}, SessionTicketsDisabled: !byTicket}
			var resumed []bool
			for range 3 {
				a, b := tcpPair(t)
				client, server := tls.Client(a, tc), Server(b, sc)
				errc := make(chan error, 1)
				go func() { errc <- server.Handshake() }()
				cerr := client.Handshake()
				if serr := <-errc; cerr != nil || serr != nil {
					t.Fatalf("crypto/tls client: %v; padlock server: %v", cerr, serr)
				}
				if c, s := client.ConnectionState().DidResume, server.ConnectionState().DidResume; c != s {
					t.Fatalf("crypto/tls client DidResume %v, padlock server %v", c, s)
				}
				if !server.ConnectionState().ExtendedMasterSecret {
					t.Fatal("no extended master secret")
				}
				resumed = append(resumed, client.ConnectionState().DidResume)
			}
			if !byTicket {
				if !slices.Equal(resumed, []bool{false, false, false}) {
					t.Fatalf("resumed %v", resumed)
				}
				t.Log("as expected, nothing resumed: crypto/tls clients resume only by ticket, never by session ID")
				return
			}
			if !slices.Equal(resumed, []bool{false, true, true}) {
				t.Fatalf("resumed %v, want [false true true]", resumed)
			}
		})
	}
}

// TestResumption12Versions checks that a TLS 1.2 session and a TLS 1.3
// one give way to each other when the server's versions change.
func TestResumption12Versions(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4)}
	sc12 := &Config{Certificates: []Certificate{cert}, MaxVersion: VersionTLS12}
	sc13 := &Config{Certificates: []Certificate{cert}}
	steps := []struct {
		sc      *Config
		resumed bool
		version uint16 // of the session cached after
	}{
		{sc12, false, VersionTLS12},
		{sc12, true, VersionTLS12},
		{sc13, false, VersionTLS13},
		{sc13, true, VersionTLS13},
		{sc12, false, VersionTLS12},
		{sc12, true, VersionTLS12},
	}
	for i, st := range steps {
		client, _ := connectAndRead(t, cc, st.sc)
		if got := client.ConnectionState().DidResume; got != st.resumed {
			t.Fatalf("step %d: DidResume %v, want %v", i, got, st.resumed)
		}
		if s := cached(t, cc); s.version != st.version {
			t.Fatalf("step %d: cached a %s session, want %s", i, VersionName(s.version), VersionName(st.version))
		}
	}
}

// TestResumption12OpenSSLClient resumes padlock server sessions with
// `openssl s_client -reconnect`, which connects six times and prints
// "Reused, TLSv1.2" for every connection that resumed.
func TestResumption12OpenSSLClient(t *testing.T) {
	openssl := requireOpenSSL(t)
	files := writeOpenSSLFiles(t)
	cert, _ := testCert(t, pki.ECDSAP256)
	for _, tc := range []struct {
		name        string
		ticketsOff  bool     // on the padlock server
		clientFlags []string // more s_client flags
	}{
		{"ticket", false, nil},
		{"session ID", true, nil},
		{"session ID, s_client -no_ticket", false, []string{"-no_ticket"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			sc := &Config{Certificates: []Certificate{cert}, SessionTicketsDisabled: tc.ticketsOff}
			resumed := make(chan bool, 6)
			go func() {
				for range 6 {
					raw, err := l.Accept()
					if err != nil {
						return
					}
					raw.SetDeadline(time.Now().Add(10 * time.Second))
					c := Server(raw, sc)
					if c.Handshake() == nil {
						resumed <- c.ConnectionState().DidResume
						io.Copy(io.Discard, c)
					}
					c.Close()
				}
			}()
			args := append([]string{"s_client", "-tls1_2", "-connect", l.Addr().String(), "-CAfile", files.ca,
				"-servername", "localhost", "-verify_return_error", "-reconnect"}, tc.clientFlags...)
			out := runOpenSSL(t, openssl, args...)
			if n := strings.Count(out, "Reused, TLSv1.2"); n != 5 {
				t.Errorf("s_client resumed %d of 5 reconnections:\n%s", n, out)
			}
			for i := range 6 {
				select {
				case r := <-resumed:
					if r != (i > 0) {
						t.Errorf("connection %d: padlock DidResume %v", i, r)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("connection %d: no handshake", i)
				}
			}
		})
	}
}

// TestResumption12OpenSSLServer resumes sessions of `openssl s_server
// -tls1_2` with a padlock client, by ticket and (-no_ticket) by session
// ID.
func TestResumption12OpenSSLServer(t *testing.T) {
	openssl := requireOpenSSL(t)
	files := writeOpenSSLFiles(t)
	_, pool := testCert(t, pki.ECDSAP256)
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"ticket", nil},
		{"session ID", []string{"-no_ticket"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, done := startSServer12(t, openssl, files, tc.flags...)
			cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4)}
			for i := range 2 {
				raw, err := net.DialTimeout("tcp", addr, 10*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				raw.SetDeadline(time.Now().Add(10 * time.Second))
				c := Client(raw, cc)
				if err := c.Handshake(); err != nil {
					t.Fatalf("connection %d: %v", i, err)
				}
				if got := c.ConnectionState().DidResume; got != (i == 1) {
					t.Errorf("connection %d: DidResume %v", i, got)
				}
				// s_server -rev answers a line reversed; the exchange
				// proves the keys agree.
				if _, err := c.Write([]byte("padlock\n")); err != nil {
					t.Fatal(err)
				}
				line := make([]byte, 8)
				if _, err := io.ReadFull(c, line); err != nil || string(line) != "kcoldap\n" {
					t.Fatalf("connection %d: s_server answered %q, %v", i, line, err)
				}
				c.Close()
			}
			// s_server counts a resumption by ticket as a cache hit too.
			if out := done(); !strings.Contains(out, " 1 session cache hits") {
				t.Errorf("s_server saw no resumption:\n%s", out)
			}
		})
	}
}

// requireOpenSSL returns the path of openssl. When it is missing the test
// fails in CI, which must install it, and is skipped elsewhere.
func requireOpenSSL(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("openssl not found (%v): CI must install it", err)
	}
	t.Skipf("openssl not found (%v)", err)
	return ""
}

// openSSLFiles are the PEM files of the ECDSA P-256 test chain.
type openSSLFiles struct{ cert, key, ca string }

func writeOpenSSLFiles(t *testing.T) openSSLFiles {
	t.Helper()
	ca, is := pki.TestChain(pki.ECDSAP256)
	dir := t.TempDir()
	f := openSSLFiles{filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")}
	for path, data := range map[string][]byte{f.cert: is.ChainPEM, f.key: is.KeyPEM, f.ca: ca.CertPEM} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// runOpenSSL runs openssl with no input and returns its output, stdout
// and stderr together.
func runOpenSSL(t *testing.T, openssl string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, openssl, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// startSServer12 starts `openssl s_server -tls1_2 -rev` for two
// connections and returns its address and a function that waits for it
// to end and returns its output.
func startSServer12(t *testing.T, openssl string, f openSSLFiles, flags ...string) (string, func() string) {
	t.Helper()
	return startSServer(t, openssl, f, "-tls1_2", flags...)
}

// startSServer is startSServer12 for the version of versionFlag
// ("-tls1_2", "-tls1_3").
func startSServer(t *testing.T, openssl string, f openSSLFiles, versionFlag string, flags ...string) (string, func() string) {
	t.Helper()
	return startSServerMode(t, openssl, f, "-rev", append([]string{versionFlag}, flags...)...)
}

// startSServerMode is startSServer with the mode flag ("-rev", or "" for
// s_server's default of printing what it reads) and every other flag.
func startSServerMode(t *testing.T, openssl string, f openSSLFiles, mode string, flags ...string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	args := []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "2", "-cert", f.cert, "-key", f.key}
	if mode != "" {
		args = append(args, mode)
	}
	args = append(args, flags...)
	cmd := exec.CommandContext(ctx, openssl, args...)
	if mode == "" {
		// The default mode sends what it reads from stdin, and ends at
		// its end: a pipe that stays open until the test's end.
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { in.Close() })
	}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); pw.Close(); close(exited) }()
	var out strings.Builder
	sc := bufio.NewScanner(pr)
	accept := regexp.MustCompile(`^ACCEPT .*:(\d+)$`)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if m := accept.FindStringSubmatch(sc.Text()); m != nil {
			addr := net.JoinHostPort("127.0.0.1", m[1])
			rest := make(chan string, 1)
			go func() {
				for sc.Scan() {
					out.WriteString(sc.Text() + "\n")
				}
				rest <- out.String()
			}()
			return addr, func() string {
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					cancel()
				}
				return <-rest
			}
		}
	}
	t.Fatalf("s_server did not start:\n%s", out.String())
	return "", nil
}
