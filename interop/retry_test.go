package interop

import (
	"crypto/tls"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"padlock"
	"padlock/internal/pki"
	"padlock/trace"
)

// A padlock server checks that the second ClientHello repeats the first
// but for what RFC 8446 section 4.1.2 lets change. These tests hold it to
// what real clients send after a HelloRetryRequest: resuming (a ticket
// with a new age and binder) and dropping a ticket whose hash no longer
// fits the suite.

// TestCryptoTLS13HelloRetryResumption resumes crypto/tls sessions on a
// padlock server that asks every client for a secp256r1 share, which
// crypto/tls does not send first.
func TestCryptoTLS13HelloRetryResumption(t *testing.T) {
	pcert, _, ca := chain(pki.ECDSAP256)
	keys := []padlock.TicketKey{{7}}
	stateless := false
	var cookies atomic.Int32 // checked by a stateless server
	server := func(suite uint16) *padlock.Config {
		c := &padlock.Config{Certificates: []padlock.Certificate{pcert}, StatelessRetry: stateless,
			CurvePreferences: []padlock.CurveID{padlock.CurveP256}, CipherSuites: []uint16{suite},
			Trace: func(e trace.Event) {
				if e.Name == "cookie checked" {
					cookies.Add(1)
				}
			}}
		c.SetSessionTicketKeys(keys)
		return c
	}
	connect := func(t *testing.T, cache tls.ClientSessionCache, sc *padlock.Config) (tls.ConnectionState, padlock.ConnectionState) {
		t.Helper()
		a, b := tcpPair(t)
		client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", ClientSessionCache: cache})
		srv := padlock.Server(b, sc)
		if cerr, serr := handshakeBoth(client, srv, a, b); cerr != nil || serr != nil {
			t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
		}
		ts, ps := client.ConnectionState(), srv.ConnectionState()
		if !ts.HelloRetryRequest {
			t.Fatal("no HelloRetryRequest: the test lost its point")
		}
		if got := cookies.Swap(0) == 1; got != stateless {
			t.Fatalf("server went on from a cookie: %v, want %v", got, stateless)
		}
		echoExchange(t, client, srv) // the client reads the ticket on the way
		return ts, ps
	}

	for _, stateless = range []bool{false, true} {
		t.Run(map[bool]string{false: "in memory", true: "stateless"}[stateless], func(t *testing.T) {
			t.Run("keeps the PSK", func(t *testing.T) {
				cache := tls.NewLRUClientSessionCache(4)
				sc := server(padlock.TLS_AES_128_GCM_SHA256)
				connect(t, cache, sc)
				ts, ps := connect(t, cache, sc)
				if !ts.DidResume || !ps.DidResume {
					t.Errorf("resumed: crypto/tls %v, padlock %v; want both", ts.DidResume, ps.DidResume)
				}
			})
			t.Run("drops a PSK of another hash", func(t *testing.T) {
				cache := tls.NewLRUClientSessionCache(4)
				connect(t, cache, server(padlock.TLS_AES_256_GCM_SHA384))
				ts, ps := connect(t, cache, server(padlock.TLS_AES_128_GCM_SHA256))
				if ts.DidResume || ps.DidResume {
					t.Errorf("resumed a SHA-384 ticket with a SHA-256 suite: crypto/tls %v, padlock %v", ts.DidResume, ps.DidResume)
				}
			})
		})
	}
}

// TestOpenSSLHelloRetry connects openssl s_client, which sends an x25519
// share first, to a padlock server that wants secp256r1: once for a full
// handshake and once resuming its session, both after a retry.
//
// With Config.StatelessRetry the server keeps nothing between the hellos:
// openssl must echo the cookie, and the server goes on from it.
func TestOpenSSLHelloRetry(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	t.Run("in memory", func(t *testing.T) { openSSLHelloRetry(t, openssl, false) })
	t.Run("stateless", func(t *testing.T) { openSSLHelloRetry(t, openssl, true) })
}

func openSSLHelloRetry(t *testing.T, openssl string, stateless bool) {
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, _ := chain(pki.ECDSAP256)
	var rec trace.Recorder
	addr, stop := serveHandshakes(t, &padlock.Config{Certificates: []padlock.Certificate{pcert},
		CurvePreferences: []padlock.CurveID{padlock.CurveP256}, Trace: rec.Trace, StatelessRetry: stateless}, []byte("hi\n"))
	session := filepath.Join(t.TempDir(), "session.pem")
	for _, sess := range []string{"-sess_out", "-sess_in"} {
		p := start(t, strings.NewReader("x\n"), openssl, append(sClientArgs(addr, f,
			"-tls1_3", "-groups", "X25519:P-256", sess, session), "-ign_eof")...)
		if err := p.wait(t); err != nil {
			t.Fatalf("s_client %s: %v\n%s", sess, err, p.Output())
		}
	}
	results := stop()
	if len(results) != 2 {
		t.Fatalf("%d connections, want 2", len(results))
	}
	var states []padlock.ConnectionState
	for i, r := range results {
		if r.err != nil {
			t.Errorf("connection %d: padlock server: %v", i+1, r.err)
		}
		states = append(states, r.state)
	}
	retries, cookies := 0, 0
	for _, e := range rec.Events() {
		if e.Kind == trace.KindMessage && e.Name == "HelloRetryRequest" {
			retries++
		}
		if e.Name == "cookie checked" {
			cookies++
		}
	}
	if retries != 2 {
		t.Errorf("padlock sent %d HelloRetryRequests, want one per connection", retries)
	}
	if want := map[bool]int{false: 0, true: 2}[stateless]; cookies != want {
		t.Errorf("padlock checked %d cookies, want %d", cookies, want)
	}
	if states[0].DidResume || !states[1].DidResume {
		t.Errorf("resumed: first %v, second %v; want only the second", states[0].DidResume, states[1].DidResume)
	}
	if states[1].CurveID != padlock.CurveP256 {
		t.Errorf("second connection's group %v, want secp256r1", states[1].CurveID)
	}
}
