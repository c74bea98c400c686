package padlock

import (
	"io"
	"testing"
	"time"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// resumeOnce runs one full connection, reading until the ticket arrives,
// then returns whether a second connection with the same client config
// resumed.
func connectAndRead(t *testing.T, cc, sc *Config) (*Conn, *Conn) {
	t.Helper()
	client, server, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	// The ticket follows the handshake: a read on the client takes it in.
	go func() { server.Write([]byte("x")); server.CloseWrite() }()
	if _, err := io.ReadAll(client); err != nil {
		t.Fatal(err)
	}
	return client, server
}

func TestResumption13(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	now := time.Now()
	clock := func() time.Time { return now }
	newConfigs := func() (*Config, *Config) {
		return &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4), Time: clock},
			&Config{Certificates: []Certificate{cert}, Time: clock}
	}

	t.Run("resumed", func(t *testing.T) {
		cc, sc := newConfigs()
		first, _ := connectAndRead(t, cc, sc)
		if first.ConnectionState().DidResume {
			t.Fatal("first connection resumed")
		}
		second, server := connectAndRead(t, cc, sc)
		if !second.ConnectionState().DidResume || !server.ConnectionState().DidResume {
			t.Fatal("second connection did not resume")
		}
		if len(second.ConnectionState().PeerCertificates) == 0 {
			t.Error("resumed connection lost the server's certificates")
		}
	})
	t.Run("other server's ticket", func(t *testing.T) {
		cc, sc := newConfigs()
		connectAndRead(t, cc, sc)
		_, sc2 := newConfigs()
		c, _ := connectAndRead(t, cc, sc2)
		if c.ConnectionState().DidResume {
			t.Fatal("resumed with a ticket sealed by another server's key")
		}
	})
	t.Run("rotated-out key", func(t *testing.T) {
		cc, sc := newConfigs()
		var k1, k2 TicketKey
		k1[0], k2[0] = 1, 2
		sc.SetSessionTicketKeys([]TicketKey{k1})
		connectAndRead(t, cc, sc)
		sc.SetSessionTicketKeys([]TicketKey{k2, k1})
		if c, _ := connectAndRead(t, cc, sc); !c.ConnectionState().DidResume {
			t.Fatal("an old key still in the list should open the ticket")
		}
		sc.SetSessionTicketKeys([]TicketKey{k2})
		cc.ClientSessionCache = NewLRUClientSessionCache(4)
		sc.SetSessionTicketKeys([]TicketKey{k1})
		connectAndRead(t, cc, sc)
		sc.SetSessionTicketKeys([]TicketKey{k2})
		if c, _ := connectAndRead(t, cc, sc); c.ConnectionState().DidResume {
			t.Fatal("resumed with a rotated-out key")
		}
	})
	t.Run("expired", func(t *testing.T) {
		cc, sc := newConfigs()
		connectAndRead(t, cc, sc)
		later := now.Add(ticketLifetime + time.Hour)
		sc.Time = func() time.Time { return later }
		cc.Time = func() time.Time { return later }
		if c, _ := connectAndRead(t, cc, sc); c.ConnectionState().DidResume {
			t.Fatal("resumed an expired ticket")
		}
	})
	t.Run("tampered ticket", func(t *testing.T) {
		cc, sc := newConfigs()
		connectAndRead(t, cc, sc)
		s, _ := cc.ClientSessionCache.Get("localhost")
		s.ticket[len(s.ticket)-1] ^= 1
		if c, _ := connectAndRead(t, cc, sc); c.ConnectionState().DidResume {
			t.Fatal("resumed a tampered ticket")
		}
	})
	t.Run("bad binder", func(t *testing.T) {
		cc, sc := newConfigs()
		connectAndRead(t, cc, sc)
		s, _ := cc.ClientSessionCache.Get("localhost")
		s.secret = append([]byte(nil), s.secret...)
		s.secret[0] ^= 1 // the binder is made with the wrong key
		_, _, cerr, serr := runPair(t, cc, sc)
		wantAlerts(t, serr, cerr, AlertDecryptError)
	})
	t.Run("psk_ke", func(t *testing.T) {
		cc, sc := newConfigs()
		cc.PSKWithoutKeyExchange, sc.PSKWithoutKeyExchange = true, true
		connectAndRead(t, cc, sc)
		c, s := connectAndRead(t, cc, sc)
		if !c.ConnectionState().DidResume || c.ConnectionState().CurveID != 0 || s.ConnectionState().CurveID != 0 {
			t.Fatalf("want a psk_ke resumption without a group: %+v", c.ConnectionState())
		}
		// A server that does not allow it keeps psk_dhe_ke.
		sc.PSKWithoutKeyExchange = false
		c, _ = connectAndRead(t, cc, sc)
		if !c.ConnectionState().DidResume || c.ConnectionState().CurveID == 0 {
			t.Fatal("want a psk_dhe_ke resumption")
		}
	})
	t.Run("after HelloRetryRequest", func(t *testing.T) {
		cc, sc := newConfigs()
		connectAndRead(t, cc, sc)
		cc.CurvePreferences = []CurveID{X25519, CurveP384}
		sc.CurvePreferences = []CurveID{CurveP384}
		c, s := connectAndRead(t, cc, sc)
		if !c.ConnectionState().DidResume || !s.ConnectionState().DidResume {
			t.Fatal("no resumption after HelloRetryRequest")
		}
	})
}

func TestSessionStateRoundTrip(t *testing.T) {
	s := &sessionState{version: VersionTLS13, suite: 0x1301, created: 12345, ageAdd: 7, secret: []byte{1, 2, 3},
		ems: true, alpn: "h2", serverName: "example.com", certs: [][]byte{{4, 5}, {6}}, peerScheme: 0x0403}
	got, err := parseSessionState(s.marshal())
	if err != nil {
		t.Fatal(err)
	}
	if string(got.marshal()) != string(s.marshal()) {
		t.Fatalf("round trip changed the state: %+v", got)
	}
}

func FuzzSessionState(f *testing.F) {
	f.Add((&sessionState{version: VersionTLS13, suite: 0x1301, secret: []byte{1}, certs: [][]byte{{1}}}).marshal())
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseSessionState(data)
		if err != nil {
			return
		}
		if string(s.marshal()) != string(data) {
			t.Fatalf("re-marshal differs")
		}
	})
}

func FuzzOpenTicket(f *testing.F) {
	cfg := &Config{}
	cfg.SetSessionTicketKeys([]TicketKey{{1}})
	sealed, _ := cfg.sealTicket((&sessionState{version: VersionTLS13, suite: 0x1301, secret: []byte{1}}).marshal())
	f.Add(sealed)
	f.Fuzz(func(t *testing.T, ticket []byte) {
		if plain := cfg.openTicket(ticket); plain != nil {
			parseSessionState(plain)
		}
	})
}

// TestNoTicketForUnusableModes checks a server sends no NewSessionTicket
// when the client lists no PSK key exchange mode it could resume with
// (RFC 8446 section 4.2.9; BoGo TLS13-ExpectNoSessionTicketOnBadKEMode-Server).
func TestNoTicketForUnusableModes(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, tc := range []struct {
		name      string
		modes     []uint8
		keAllowed bool
		want      bool
	}{
		{"psk_dhe_ke", []uint8{pskModeDHE}, false, true},
		{"psk_ke, not allowed", []uint8{pskModeKE}, false, false},
		{"psk_ke, allowed", []uint8{pskModeKE}, true, true},
		{"unknown mode", []uint8{0x1a}, false, false},
		{"none", nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec trace.Recorder
			a, b := tcpPair(t)
			client := Client(a, &Config{RootCAs: pool, ServerName: "localhost"})
			client.testHooks.editHello = func(h *wire.ClientHello) { h.PSKModes = tc.modes }
			server := Server(b, &Config{Certificates: []Certificate{cert}, PSKWithoutKeyExchange: tc.keAllowed, Trace: rec.Trace})
			errc := make(chan error, 1)
			go func() { errc <- server.Handshake() }()
			if err := client.Handshake(); err != nil {
				t.Fatal(err)
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			sent := false
			for _, e := range rec.Events() {
				sent = sent || e.Kind == trace.KindMessage && e.Dir == trace.Sent && e.Name == "NewSessionTicket"
			}
			if sent != tc.want {
				t.Errorf("server sent a ticket: %t, want %t", sent, tc.want)
			}
		})
	}
}
