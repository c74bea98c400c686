package padlock

import (
	"bytes"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// statelessServer is a server that wants secp256r1, which a client
// preferring x25519 does not send a share for first, and retries
// statelessly.
func statelessServer(t testing.TB, suite uint16) *Config {
	cert, _ := testCert(t, pki.ECDSAP256)
	sc := &Config{Certificates: []Certificate{cert}, CurvePreferences: []CurveID{CurveP256},
		CipherSuites: []uint16{suite}, StatelessRetry: true}
	sc.SetSessionTicketKeys([]TicketKey{{3}})
	return sc
}

// retryingClient is a client whose first share, x25519, misses.
func retryingClient(cache ClientSessionCache) *Config {
	return &Config{InsecureSkipVerify: true, ServerName: "localhost", CurvePreferences: []CurveID{X25519, CurveP256}, ClientSessionCache: cache}
}

// TestStatelessRetry runs padlock against padlock through a stateless
// HelloRetryRequest, for a suite of each hash (the cookie carries a
// ClientHello hash of the suite's size), and resumes through one: the
// PSK's binder covers the transcript rebuilt from the cookie.
func TestStatelessRetry(t *testing.T) {
	for _, suite := range []uint16{TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384} {
		t.Run(CipherSuiteName(suite), func(t *testing.T) {
			var rec trace.Recorder
			sc := statelessServer(t, suite)
			sc.Trace = rec.Trace
			cache := NewLRUClientSessionCache(2)
			for i, wantResume := range []bool{false, true} {
				client, server, cerr, serr := runPair(t, retryingClient(cache), sc)
				if cerr != nil || serr != nil {
					t.Fatalf("handshake %d: client %v, server %v", i, cerr, serr)
				}
				echo(t, client, server, 10) // the client takes its ticket on the way
				if got := server.ConnectionState().DidResume; got != wantResume {
					t.Errorf("handshake %d: resumed %v, want %v", i, got, wantResume)
				}
			}
			var sentCookies, hrrCookies [][]byte
			checked := 0
			for _, e := range rec.Events() {
				switch {
				case e.Kind == trace.KindMessage && e.Name == "HelloRetryRequest":
					var sh wire.ServerHello
					if err := sh.Unmarshal(e.Raw); err != nil {
						t.Fatal(err)
					}
					hrrCookies = append(hrrCookies, sh.Cookie)
				case e.Name == "cookie sent":
					sentCookies = append(sentCookies, e.Raw)
					fallthrough
				case e.Name == "cookie checked":
					if e.Name == "cookie checked" {
						checked++
					}
					end := 0
					for _, f := range e.Layout {
						if f.Start != end {
							t.Errorf("%s: byte map has a gap before %s", e.Name, f.Name)
						}
						end = f.End
					}
					if end != len(e.Raw) {
						t.Errorf("%s: byte map covers %d of %d bytes", e.Name, end, len(e.Raw))
					}
				}
			}
			if len(sentCookies) != 2 || checked != 2 {
				t.Errorf("cookie events: %d sent, %d checked; want 2 of each", len(sentCookies), checked)
			}
			if len(hrrCookies) != 2 || !slices.EqualFunc(hrrCookies, sentCookies, bytes.Equal) {
				t.Error("the HelloRetryRequests do not carry the cookies the events show")
			}
		})
	}
}

// TestStatelessRetryStaleCookie checks a cookie answered after its
// lifetime is refused: the server's clock moves on while the client
// prepares its second ClientHello.
func TestStatelessRetryStaleCookie(t *testing.T) {
	var skew atomic.Int64
	sc := statelessServer(t, TLS_AES_128_GCM_SHA256)
	sc.Time = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	for _, tc := range []struct {
		name  string
		shift time.Duration
		why   string // in the server's error; "" for success
	}{
		{"within its lifetime", cookieLifetime - 5*time.Second, ""},
		{"stale", cookieLifetime + time.Second, "old"},
		{"from the future", -time.Minute, "in the future"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			skew.Store(0)
			a, b := tcpPair(t)
			client, server := Client(a, retryingClient(nil)), Server(b, sc)
			client.testHooks.editRetryHello = func(*wire.ClientHello) { skew.Store(int64(tc.shift)) }
			errc := make(chan error, 1)
			go func() { errc <- server.Handshake(); b.Close() }()
			cerr := client.Handshake()
			a.Close()
			serr := <-errc
			if tc.why == "" {
				if cerr != nil || serr != nil {
					t.Fatalf("client %v, server %v", cerr, serr)
				}
				return
			}
			wantAlerts(t, serr, cerr, AlertIllegalParameter)
			if !strings.Contains(serr.Error(), tc.why) {
				t.Errorf("server refused for another reason: %v", serr)
			}
		})
	}
}

// TestCookieKeysAreNotTicketKeys checks the cookie and ticket uses of one
// TicketKey expand to different keys: a ticket cannot pass as a cookie.
func TestCookieKeysAreNotTicketKeys(t *testing.T) {
	c := &Config{}
	tk, err := c.keyCipher(TicketKey{1}, "ticket")
	if err != nil {
		t.Fatal(err)
	}
	ck, err := c.keyCipher(TicketKey{1}, "cookie")
	if err != nil {
		t.Fatal(err)
	}
	if tk.name == ck.name {
		t.Error("ticket and cookie keys share a name")
	}
	c.SetSessionTicketKeys([]TicketKey{{1}})
	ticket, err := c.sealTicket(bytes.Repeat([]byte{1}, 100))
	if err != nil {
		t.Fatal(err)
	}
	if c.openCookie(ticket) != nil {
		t.Error("a ticket opened as a cookie")
	}
}

// TestCookieKeyRotation checks a cookie opens on any server holding the
// ticket key that sealed it, among its keys in use, and on no other: a
// fleet sharing ticket keys shares cookies, and a key rotated out ends
// its cookies.
func TestCookieKeyRotation(t *testing.T) {
	state := (&retryState{created: 1, suite: TLS_AES_128_GCM_SHA256, group: uint16(CurveP256),
		ch1Hash: make([]byte, 32)}).marshal()
	sealer := &Config{TicketKeys: StaticTicketKeys{{1}}}
	cookie, err := sealer.sealCookie(state)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		keys  StaticTicketKeys
		opens bool
	}{
		{"another server of the fleet", StaticTicketKeys{{1}}, true},
		{"after a rotation, the key kept for opening", StaticTicketKeys{{2}, {1}}, true},
		{"the key retired", StaticTicketKeys{{2}}, false},
	} {
		if got := (&Config{TicketKeys: tc.keys}).openCookie(cookie) != nil; got != tc.opens {
			t.Errorf("%s: opened %v, want %v", tc.name, got, tc.opens)
		}
	}
}

// FuzzRetryState checks a cookie's state decodes strictly (what decodes
// encodes back to the same bytes) and that bytes the server did not seal
// never open as a cookie.
func FuzzRetryState(f *testing.F) {
	f.Add((&retryState{created: 1, suite: TLS_AES_128_GCM_SHA256, group: uint16(CurveP256), ch1Hash: make([]byte, 32),
		psks: [][32]byte{{1}, {2}}, mustKeep: []bool{true, false}}).marshal())
	cfg := &Config{TicketKeys: StaticTicketKeys{{4}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := parseRetryState(data); err == nil && !bytes.Equal(s.marshal(), data) {
			t.Fatal("re-marshal differs")
		}
		if cfg.openCookie(data) != nil {
			t.Fatal("bytes the server did not seal opened as a cookie")
		}
	})
}
