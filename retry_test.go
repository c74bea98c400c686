package padlock

import (
	"testing"

	"padlock/internal/pki"
	"padlock/internal/wire"
)

// TestSecondClientHelloCannotSwitchName is the attack of a client that
// names a.example in its first ClientHello and b.example in its second
// (RFC 8446 section 4.1.2 forbids it). A server that takes the name from
// one hello and everything else from the other reports a.example to the
// application while it served b.example's certificate, or resumed
// b.example's ticket. The server must refuse the second hello with
// illegal_parameter.
func TestSecondClientHelloCannotSwitchName(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	issue := func(host string) Certificate {
		is, err := ca.Issue(pki.IssueOptions{Hosts: []string{host}, KeyType: pki.ECDSAP256})
		if err != nil {
			t.Fatal(err)
		}
		return Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}
	}
	a, b := issue("a.example"), issue("b.example")
	var seen []string // the names GetCertificate was asked for
	sc := &Config{
		// The client's x25519 share misses, so the server asks again.
		CurvePreferences: []CurveID{CurveP256},
		GetCertificate: func(info *ClientHelloInfo) (*Certificate, error) {
			seen = append(seen, info.ServerName)
			if info.ServerName == "b.example" {
				return &b, nil
			}
			return &a, nil
		},
	}
	sc.SetSessionTicketKeys([]TicketKey{{1}})
	// attack runs a client that sends a.example first and b.example
	// after the retry, and returns what each side ended with.
	attack := func(t *testing.T, cache ClientSessionCache) (cerr error, server *Conn, serr error) {
		t.Helper()
		seen = nil
		cc := &Config{ServerName: "a.example", InsecureSkipVerify: true, ClientSessionCache: cache,
			// Its x25519 share misses the server's choice: a HelloRetryRequest.
			CurvePreferences: []CurveID{X25519, CurveP256}}
		x, y := tcpPair(t)
		client, server := Client(x, cc), Server(y, sc)
		client.testHooks.editRetryHello = func(h *wire.ClientHello) { h.ServerName = "b.example" }
		errc := make(chan error, 1)
		go func() { errc <- server.Handshake(); y.Close() }()
		cerr = client.Handshake()
		x.Close()
		return cerr, server, <-errc
	}
	refused := func(t *testing.T, cerr error, server *Conn, serr error) {
		t.Helper()
		if serr == nil {
			st := server.ConnectionState()
			t.Fatalf("server accepted the switch: ServerName %q, GetCertificate saw %q, resumed %v",
				st.ServerName, seen, st.DidResume)
		}
		wantAlerts(t, serr, cerr, AlertIllegalParameter)
	}

	t.Run("certificate", func(t *testing.T) {
		cerr, server, serr := attack(t, nil)
		refused(t, cerr, server, serr)
		if len(seen) > 0 {
			t.Errorf("GetCertificate was asked for %q before the hellos were checked", seen)
		}
	})

	t.Run("ticket", func(t *testing.T) {
		// A ticket for b.example, in the attacker's cache under a.example.
		cache := NewLRUClientSessionCache(2)
		connectAndRead(t, &Config{RootCAs: ca.Pool(), ServerName: "b.example", ClientSessionCache: cache}, sc)
		s, ok := cache.Get("b.example")
		if !ok {
			t.Fatal("no ticket from b.example")
		}
		cache.Put("a.example", s)
		cerr, server, serr := attack(t, cache)
		refused(t, cerr, server, serr)
	})
}
