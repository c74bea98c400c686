package pki

import (
	"fmt"
	"sync"
	"time"
)

// TestHosts are the names and addresses in the TestChain leaf.
var TestHosts = []string{"localhost", "127.0.0.1", "::1", "example.com"}

// fixture is one key type's memoized test CA and certificates. The client
// certificate is made only when asked for, as an RSA key costs time.
type fixture struct {
	chainOnce sync.Once
	ca        *CA
	server    *Issued
	chainErr  error

	clientOnce sync.Once
	client     *Issued
	clientErr  error
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[KeyType]*fixture{}
)

// TestChain returns a CA and a server certificate for TestHosts, both with
// keys of type t, valid from an hour ago for ten years. It is a fixture for
// tests: the result is made once per key type and process (RSA keys are
// slow to generate) and shared, so callers must not modify it. It panics
// if t is unknown.
func TestChain(t KeyType) (*CA, *Issued) {
	f := getFixture(t)
	return f.ca, f.server
}

// TestClient returns a client certificate (CN "padlock test client") with
// a key of type t, issued by the CA of TestChain(t), for tests of client
// authentication. It is memoized and shared like TestChain.
func TestClient(t KeyType) *Issued {
	f := getFixture(t)
	f.clientOnce.Do(func() {
		f.client, f.clientErr = f.ca.Issue(IssueOptions{
			CommonName: "padlock test client",
			Client:     true,
			KeyType:    t,
			NotBefore:  f.server.Cert.NotBefore,
			NotAfter:   f.server.Cert.NotAfter,
		})
	})
	if f.clientErr != nil {
		panic(fmt.Sprintf("pki: test client certificate %q: %v", t, f.clientErr))
	}
	return f.client
}

// getFixture returns the fixture for t with its CA and server certificate
// built. Building happens outside the map lock so parallel tests can
// generate different key types at once.
func getFixture(t KeyType) *fixture {
	fixturesMu.Lock()
	f := fixtures[t]
	if f == nil {
		f = new(fixture)
		fixtures[t] = f
	}
	fixturesMu.Unlock()
	f.chainOnce.Do(func() { f.ca, f.server, f.chainErr = buildChain(t) })
	if f.chainErr != nil {
		panic(fmt.Sprintf("pki: test chain %q: %v", t, f.chainErr))
	}
	return f
}

func buildChain(t KeyType) (*CA, *Issued, error) {
	now := time.Now()
	notBefore, notAfter := now.Add(-clockSkew), now.Add(caLifetime)
	ca, err := NewCA("padlock test CA", t, notBefore, notAfter)
	if err != nil {
		return nil, nil, err
	}
	server, err := ca.Issue(IssueOptions{
		Hosts:     TestHosts,
		KeyType:   t,
		NotBefore: notBefore,
		NotAfter:  notAfter,
	})
	if err != nil {
		return nil, nil, err
	}
	return ca, server, nil
}
