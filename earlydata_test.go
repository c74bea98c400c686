package padlock

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
	"padlock/trace"
)

// fixedSessionCache returns the same session every time and keeps none
// of the later ones: a client that offers one ticket again and again, as
// an attacker replaying it would.
type fixedSessionCache struct{ s *ClientSessionState }

func (c *fixedSessionCache) Get(string) (*ClientSessionState, bool) { return c.s, c.s != nil }
func (c *fixedSessionCache) Put(string, *ClientSessionState)        {}

// earlyConfigs returns a client and server config for 0-RTT, and a
// session from a first connection between them.
func earlyConfigs(t *testing.T) (cc, sc *Config, s *ClientSessionState) {
	t.Helper()
	cert, pool := testCert(t, pki.ECDSAP256)
	now := time.Now()
	clock := func() time.Time { return now }
	cache := NewLRUClientSessionCache(4)
	cc = &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: cache, Time: clock, SendEarlyData: true}
	sc = &Config{Certificates: []Certificate{cert}, Time: clock, MaxEarlyData: 1024}
	connectAndRead(t, cc, sc)
	s, ok := cache.Get(cc.ServerName)
	if !ok || s.maxEarlyData != 1024 {
		t.Fatalf("no session allowing 1024 bytes of early data: %+v", s)
	}
	cc.ClientSessionCache = &fixedSessionCache{s}
	return cc, sc, s
}

// earlyConnect resumes with early data, then sends "after" as 1-RTT data
// and returns both sides and what the server read, early data first.
func earlyConnect(t *testing.T, cc, sc *Config, early []byte) (client, server *Conn, read []byte) {
	t.Helper()
	client, server, read, _ = earlyConnectState(t, cc, sc, early)
	return client, server, read
}

// earlyConnectState is earlyConnect that also returns the server's state
// when Handshake returned, and the first Read after it.
func earlyConnectState(t *testing.T, cc, sc *Config, early []byte) (client, server *Conn, read []byte, first [2]ConnectionState) {
	t.Helper()
	a, b := tcpPair(t)
	client, server = Client(a, cc), Server(b, sc)
	if _, err := client.WriteEarly(early); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		if err := server.Handshake(); err != nil {
			errc <- err
			return
		}
		first[0] = server.ConnectionState()
		buf := make([]byte, 1<<16)
		n, err := server.Read(buf)
		first[1], read = server.ConnectionState(), buf[:n]
		if err == nil {
			var rest []byte
			rest, err = io.ReadAll(server)
			read = append(read, rest...)
		}
		errc <- err
	}()
	if err := client.Handshake(); err != nil {
		t.Fatalf("client: %v (server: %v)", err, <-errc)
	}
	if _, err := client.Write([]byte("after")); err != nil {
		t.Fatal(err)
	}
	client.CloseWrite()
	if err := <-errc; err != nil {
		t.Fatalf("server: %v", err)
	}
	return client, server, read, first
}

func TestEarlyDataAccepted(t *testing.T) {
	cc, sc, _ := earlyConfigs(t)
	var keylog bytes.Buffer
	cc.KeyLogWriter = &keylog
	early := []byte("GET / HTTP/1.1\r\n\r\n")
	client, server, read, first := earlyConnectState(t, cc, sc, early)
	cs, ss := client.ConnectionState(), server.ConnectionState()
	if !cs.DidResume || !cs.EarlyDataAccepted || !ss.EarlyDataAccepted || !ss.HandshakeComplete {
		t.Fatalf("early data not accepted: client %+v, server %+v", cs, ss)
	}
	// Handshake returned before the client's Finished, and the first
	// Read returned the early data with the handshake still incomplete.
	if first[0].HandshakeComplete || !first[0].EarlyDataAccepted {
		t.Errorf("after Handshake: %+v", first[0])
	}
	if first[1].HandshakeComplete || first[1].EarlyDataLen != len(early) {
		t.Errorf("after the first Read: %+v", first[1])
	}
	if ss.EarlyDataLen != len(early) {
		t.Errorf("EarlyDataLen = %d, want %d", ss.EarlyDataLen, len(early))
	}
	if want := string(early) + "after"; string(read) != want {
		t.Errorf("server read %q, want %q", read, want)
	}
	if !bytes.Contains(keylog.Bytes(), []byte("CLIENT_EARLY_TRAFFIC_SECRET ")) {
		t.Error("key log lacks CLIENT_EARLY_TRAFFIC_SECRET")
	}
}

func TestEarlyDataRejected(t *testing.T) {
	check := func(t *testing.T, cc, sc *Config) {
		t.Helper()
		client, server, read := earlyConnect(t, cc, sc, []byte("early"))
		cs, ss := client.ConnectionState(), server.ConnectionState()
		if !cs.DidResume {
			t.Fatal("did not resume: the early data was not rejected on its own")
		}
		if cs.EarlyDataAccepted || ss.EarlyDataAccepted || ss.EarlyDataLen != 0 {
			t.Fatalf("early data accepted: client %+v, server %+v", cs, ss)
		}
		if string(read) != "after" {
			t.Errorf("server read %q, want only the 1-RTT data", read)
		}
	}
	t.Run("replay", func(t *testing.T) {
		cc, sc, _ := earlyConfigs(t)
		if c, _, _ := earlyConnect(t, cc, sc, []byte("early")); !c.ConnectionState().EarlyDataAccepted {
			t.Fatal("first use of the ticket rejected")
		}
		check(t, cc, sc)
	})
	t.Run("replay across clones", func(t *testing.T) {
		cc, sc, _ := earlyConfigs(t)
		earlyConnect(t, cc, sc, []byte("early"))
		check(t, cc, sc.Clone())
	})
	t.Run("server off", func(t *testing.T) {
		cc, sc, _ := earlyConfigs(t)
		sc.MaxEarlyData = 0
		check(t, cc, sc)
	})
	t.Run("ALPN changed", func(t *testing.T) {
		cc, sc, _ := earlyConfigs(t)
		sc.NextProtos = []string{"h2", "http/1.1"}
		cc.NextProtos = []string{"h2"}
		cc.ClientSessionCache = NewLRUClientSessionCache(4)
		connectAndRead(t, cc, sc)
		s, _ := cc.ClientSessionCache.Get(cc.ServerName)
		cc.ClientSessionCache = &fixedSessionCache{s}
		// The client still offers the session's protocol, so it sends
		// the early data; the server no longer speaks it.
		cc.NextProtos = []string{"h2", "http/1.1"}
		sc.NextProtos = []string{"http/1.1"}
		check(t, cc, sc)
	})
	t.Run("ticket age", func(t *testing.T) {
		cc, sc, _ := earlyConfigs(t)
		later := time.Now().Add(30 * time.Second)
		sc.Time = func() time.Time { return later } // within resumption's window, not early data's
		client, _, _ := earlyConnect(t, cc, sc, []byte("early"))
		if !client.ConnectionState().DidResume {
			t.Fatal("did not resume")
		}
		check(t, cc, sc)
	})
}

func TestEarlyDataNotSent(t *testing.T) {
	cc, sc, _ := earlyConfigs(t)
	cc.SendEarlyData = false
	client, server, read := earlyConnect(t, cc, sc, []byte("early"))
	if client.ConnectionState().EarlyDataAccepted || server.ConnectionState().EarlyDataAccepted || string(read) != "after" {
		t.Fatalf("early data sent without SendEarlyData: read %q", read)
	}
	if _, err := client.WriteEarly([]byte("x")); err == nil {
		t.Error("WriteEarly after the handshake succeeded")
	}
}

func TestEarlyDataOverLimit(t *testing.T) {
	cc, sc, s := earlyConfigs(t)
	s.maxEarlyData = 1 << 20 // the client believes the ticket allows more than the server does
	a, b := tcpPair(t)
	client, server := Client(a, cc), Server(b, sc)
	client.WriteEarly(make([]byte, 2000))
	cerr := make(chan error, 1)
	go func() {
		// The client's handshake ends with its Finished; the alert
		// comes to its next Read.
		err := client.Handshake()
		if err == nil {
			_, err = client.Read(make([]byte, 1))
		}
		cerr <- err
	}()
	// RFC 8446 section 4.2.10: a server receiving more early data than
	// max_early_data_size "SHOULD terminate the connection with an
	// "unexpected_message" alert".
	err := server.Handshake()
	if err == nil {
		_, err = io.ReadAll(server) // the early data comes to Read
	}
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Description != alert.UnexpectedMessage {
		t.Fatalf("server: %v, want unexpected_message", err)
	}
	if err := <-cerr; err == nil || !strings.Contains(err.Error(), "remote alert: unexpected_message") {
		t.Errorf("client: %v, want the server's unexpected_message", err)
	}
}

// TestEarlyDataRetry sends early data to a server that asks for another
// key share: the retry rejects the early data, the server skips it, and
// the second ClientHello goes in plaintext.
func TestEarlyDataRetry(t *testing.T) {
	cc, sc, _ := earlyConfigs(t)
	cc.CurvePreferences = []CurveID{X25519, CurveP256}
	sc.CurvePreferences = []CurveID{CurveP256}
	var retried, rejected bool
	cc.Trace = func(e trace.Event) {
		retried = retried || e.Name == "retrying the hello"
		rejected = rejected || e.Name == "early data rejected"
	}
	client, server, read := earlyConnect(t, cc, sc, []byte("early"))
	if !retried || !rejected {
		t.Fatalf("retried %v, early data rejected %v", retried, rejected)
	}
	if !client.ConnectionState().DidResume || client.ConnectionState().EarlyDataAccepted || server.ConnectionState().EarlyDataAccepted {
		t.Fatalf("after a retry: client %+v", client.ConnectionState())
	}
	if string(read) != "after" {
		t.Errorf("server read %q", read)
	}
}

// TestEarlyDataTrace checks that both sides explain their early data,
// and name the early traffic secret without its value.
func TestEarlyDataTrace(t *testing.T) {
	cc, sc, _ := earlyConfigs(t)
	var events []trace.Event
	var mu sync.Mutex
	tracer := func(e trace.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
	// Clones: the priming connection's goroutines may still read the
	// originals.
	cc, sc = cc.Clone(), sc.Clone()
	cc.Trace, sc.Trace = tracer, tracer
	var keylog bytes.Buffer
	cc.KeyLogWriter = &keylog
	earlyConnect(t, cc, sc, []byte("early"))
	names := map[string]int{}
	for _, e := range events {
		names[e.Name]++
	}
	for _, want := range []string{"early data sent", "early data accepted", "early data received", "early secrets derived",
		"client early keys installed for writing", "client early keys installed for reading", "EndOfEarlyData"} {
		if names[want] == 0 {
			t.Errorf("no %q event in %v", want, names)
		}
	}
	// The key log line's secret must appear in no event.
	for _, line := range strings.Split(keylog.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || f[0] != "CLIENT_EARLY_TRAFFIC_SECRET" {
			continue
		}
		secret, _ := hex.DecodeString(f[2])
		for _, e := range events {
			if bytes.Contains(e.Raw, secret) || strings.Contains(e.Explain, f[2]) {
				t.Errorf("event %q carries the early traffic secret", e.Name)
			}
		}
	}
}

// TestEarlyDataSecretsWiped checks that client_early_traffic_secret lives
// only until EndOfEarlyData on both sides: both key logs have it, neither
// Conn holds it after the handshake, and the slices that held it are
// zeroed.
func TestEarlyDataSecretsWiped(t *testing.T) {
	cc, sc, _ := earlyConfigs(t)
	cc, sc = cc.Clone(), sc.Clone()
	var client, server *Conn
	hc, hs := &heldSecrets{c: &client}, &heldSecrets{c: &server}
	var klc, kls keyLog
	cc.KeyLogWriter, cc.Trace = &klc, hc.trace
	sc.KeyLogWriter, sc.Trace = &kls, hs.trace
	a, b := tcpPair(t)
	client, server = Client(a, cc), Server(b, sc)
	client.WriteEarly([]byte("early"))
	errc := make(chan error, 1)
	go func() {
		err := server.Handshake()
		if err == nil {
			_, err = io.ReadFull(server, make([]byte, len("early")+len("after")))
		}
		errc <- err
	}()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Write([]byte("after")); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !server.ConnectionState().HandshakeComplete || !client.ConnectionState().EarlyDataAccepted {
		t.Fatal("early data not accepted, or the handshake not completed")
	}
	for _, side := range []struct {
		name string
		c    *Conn
		h    *heldSecrets
		log  *keyLog
	}{{"client", client, hc, &klc}, {"server", server, hs, &kls}} {
		early := side.log.secret(keyLogClientEarly, 0)
		if len(early) == 0 || allZero(early) {
			t.Fatalf("%s: key log lacks %s", side.name, keyLogClientEarly)
		}
		for _, s := range tls13Slices(side.c) {
			if bytes.Equal(s, early) {
				t.Errorf("%s still holds the early traffic secret", side.name)
			}
		}
		keep := tls13Slices(side.c)
		for _, s := range side.h.seen {
			if !slicesHas(keep, s) && !allZero(s) {
				t.Errorf("%s dropped a secret without zeroing it", side.name)
			}
		}
	}
}

// TestEarlyDataRenewsTicket: a connection whose early data was accepted
// used its ticket up, and it issues a new one (after the client's
// EndOfEarlyData and Finished, which its resumption secret covers), on
// which the next connection sends early data again.
func TestEarlyDataRenewsTicket(t *testing.T) {
	cc, sc, first := earlyConfigs(t)
	cache := NewLRUClientSessionCache(4)
	cache.Put(cc.ServerName, first)
	cc.ClientSessionCache = cache
	for i := range 2 {
		client, server, read := earlyConnect(t, cc, sc, []byte("early"))
		if !client.ConnectionState().EarlyDataAccepted || string(read) != "earlyafter" {
			t.Fatalf("connection %d: early data accepted %v, server read %q", i, client.ConnectionState().EarlyDataAccepted, read)
		}
		server.Close()
		if _, err := io.ReadAll(client); err != nil {
			t.Fatalf("connection %d: reading the ticket: %v", i, err)
		}
		s, ok := cache.Get(cc.ServerName)
		if !ok || s == first || string(s.ticket) == string(first.ticket) || s.maxEarlyData == 0 {
			t.Fatalf("connection %d: no new ticket allowing early data", i)
		}
		first = s
	}
}

// TestSessionMaxEarlyData checks that a client's session reports the
// max_early_data_size of its ticket, and 0 for a ticket without one.
func TestSessionMaxEarlyData(t *testing.T) {
	_, _, s := earlyConfigs(t)
	if got := s.MaxEarlyData(); got != 1024 {
		t.Errorf("MaxEarlyData() = %d, want 1024", got)
	}
	cert, pool := testCert(t, pki.ECDSAP256)
	cache := NewLRUClientSessionCache(4)
	cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: cache}
	connectAndRead(t, cc, &Config{Certificates: []Certificate{cert}})
	s, ok := cache.Get(cc.ServerName)
	if !ok {
		t.Fatal("no session")
	}
	if got := s.MaxEarlyData(); got != 0 {
		t.Errorf("MaxEarlyData() of a ticket without early_data = %d, want 0", got)
	}
}

// TestEarlyDataALPNDropped checks that a client whose NextProtos no longer
// has the session's ALPN protocol sends no early data: the early data
// would speak that protocol (RFC 8446 section 4.2.10).
func TestEarlyDataALPNDropped(t *testing.T) {
	cc, sc, s := earlyConfigs(t)
	s.alpn = "h2"
	cc.NextProtos, sc.NextProtos = []string{"http/1.1"}, []string{"http/1.1"}
	var rec trace.Recorder
	cc.Trace = rec.Trace
	client, _, read := earlyConnect(t, cc, sc, []byte("early"))
	if client.ConnectionState().EarlyDataAccepted || string(read) != "after" {
		t.Fatalf("early data accepted for another protocol: read %q", read)
	}
	for _, e := range rec.Events() {
		if e.Name == "early data sent" {
			t.Fatal("the client sent early data for a protocol it no longer offers")
		}
	}
}

// TestEarlyDataVersionDowngrade checks that a client which sent early
// data fails the connection when the server answers with TLS 1.2, as RFC
// 8446 appendix D.3 says it MUST: the server took the early data for
// records of its own version.
func TestEarlyDataVersionDowngrade(t *testing.T) {
	cc, sc, _ := earlyConfigs(t)
	sc.MaxVersion = VersionTLS12
	a, b := tcpPair(t)
	client, server := Client(a, cc), Server(b, sc)
	if _, err := client.WriteEarly([]byte("early")); err != nil {
		t.Fatal(err)
	}
	cerr, _ := handshakeBoth(client, server, a)
	var ae *AlertError
	if !errors.As(cerr, &ae) || ae.Description != alert.ProtocolVersion {
		t.Fatalf("client error %v, want protocol_version", cerr)
	}
}
