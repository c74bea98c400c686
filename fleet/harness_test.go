package fleet

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// testClock is a clock the test moves, shared by the fleet's servers.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// logBuffer collects what a fleet logs.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// node is one padlock server of a test fleet, listening on loopback:
// each connection is a handshake, one read (the early data or the
// client's first write), "ok\n" back, and close.
type node struct {
	name  string
	fleet *Fleet
	cfg   *padlock.Config
	ln    net.Listener
	log   *logBuffer
	wg    sync.WaitGroup
}

var testKEK = KEK{1, 2, 3}

// testOptions are the fleet options of the tests: the ring refreshed
// only when the test says so (Refresh), new keys sealing at once.
func testOptions(r *redisServer, clock *testClock) Options {
	return Options{RotationPeriod: time.Hour, Keep: 2, Refresh: time.Hour, Activation: time.Nanosecond,
		KEK: testKEK, Now: clock.Now, Timeout: 500 * time.Millisecond}
}

// startNode starts a server of the fleet in r with opt.
func startNode(t *testing.T, name string, r *redisServer, opt Options) *node {
	t.Helper()
	n := &node{name: name, log: &logBuffer{}}
	opt.Logger = slog.New(slog.NewTextHandler(n.log, nil))
	opt.Redis = r.client(t)
	f, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	n.fleet = f
	_, is := pki.TestChain(pki.ECDSAP256)
	n.cfg = &padlock.Config{Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}},
		MaxEarlyData: 1024}
	f.Configure(n.cfg)
	if n.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	n.wg.Add(1)
	go n.serve()
	t.Cleanup(func() {
		n.ln.Close()
		n.wg.Wait()
		f.Close()
	})
	return n
}

func (n *node) serve() {
	defer n.wg.Done()
	for {
		c, err := n.ln.Accept()
		if err != nil {
			return
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.handle(c)
		}()
	}
}

func (n *node) handle(raw net.Conn) {
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(3 * time.Second))
	c := padlock.Server(raw, n.cfg)
	err := c.Handshake()
	if err == nil {
		buf := make([]byte, 1024)
		_, err = c.Read(buf)
		if err == nil || err == io.EOF {
			_, err = c.Write([]byte("ok\n"))
		}
		c.Close()
	}
	n.fleet.Metrics().Observe(c.ConnectionState(), err)
}

func (n *node) addr() string { return n.ln.Addr().String() }

// testClient is a padlock client of the fleet: it trusts the test CA
// and keeps its sessions.
func testClient(t *testing.T, version uint16) *padlock.Config {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	return &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", MinVersion: version, MaxVersion: version,
		ClientSessionCache: padlock.NewLRUClientSessionCache(4)}
}

// dial runs one connection of cc to n: the handshake, early as 0-RTT
// data when given (else a line after it), and the server's answer read
// to the end, so that a TLS 1.3 ticket is taken in.
func dial(t *testing.T, cc *padlock.Config, n *node, early string) padlock.ConnectionState {
	t.Helper()
	raw, err := net.DialTimeout("tcp", n.addr(), 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(3 * time.Second))
	c := padlock.Client(raw, cc)
	if early != "" {
		cc.SendEarlyData = true
		c.WriteEarly([]byte(early))
	}
	if err := c.Handshake(); err != nil {
		t.Fatalf("handshake with %s: %v", n.name, err)
	}
	if !c.ConnectionState().EarlyDataAccepted {
		if _, err := c.Write([]byte("hello\n")); err != nil {
			t.Fatalf("write to %s: %v", n.name, err)
		}
	}
	if _, err := io.ReadAll(c); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read from %s: %v", n.name, err)
	}
	return c.ConnectionState()
}

// keepSession returns a client cache holding only the current session
// of cache, so that a later connection offers that very ticket again.
func keepSession(t *testing.T, cache padlock.ClientSessionCache) padlock.ClientSessionCache {
	t.Helper()
	s, ok := cache.Get("localhost")
	if !ok {
		t.Fatal("the client holds no session")
	}
	c := padlock.NewLRUClientSessionCache(1)
	c.Put("localhost", s)
	return c
}

// recordingDialer dials as dial does, keeping the client's first flight:
// every byte written before the first read.
type recordingDialer struct {
	mu      sync.Mutex
	written []byte
	reading bool
}

func (r *recordingDialer) flight() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.written)
}

func (r *recordingDialer) dial(t *testing.T, cc *padlock.Config, n *node, early string) padlock.ConnectionState {
	t.Helper()
	raw, err := net.DialTimeout("tcp", n.addr(), 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(3 * time.Second))
	c := padlock.Client(&recordingConn{Conn: raw, r: r}, cc)
	cc.SendEarlyData = true
	c.WriteEarly([]byte(early))
	if err := c.Handshake(); err != nil {
		t.Fatalf("handshake with %s: %v", n.name, err)
	}
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("read from %s: %v", n.name, err)
	}
	return c.ConnectionState()
}

type recordingConn struct {
	net.Conn
	r *recordingDialer
}

func (c *recordingConn) Write(b []byte) (int, error) {
	c.r.mu.Lock()
	if !c.r.reading {
		c.r.written = append(c.r.written, b...)
	}
	c.r.mu.Unlock()
	return c.Conn.Write(b)
}

func (c *recordingConn) Read(b []byte) (int, error) {
	c.r.mu.Lock()
	c.r.reading = true
	c.r.mu.Unlock()
	return c.Conn.Read(b)
}

// replayFlight sends a client's recorded first flight to n, as an
// attacker replaying it would, and reads the server's answer: the
// server decides on the early data before it answers.
func replayFlight(t *testing.T, n *node, flight []byte) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", n.addr(), 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := raw.Write(flight); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Read(make([]byte, 1)); err != nil {
		t.Fatalf("%s did not answer the replayed flight: %v", n.name, err)
	}
}

// metricsText is the fleet's Prometheus text.
func (f *Fleet) metricsText(t *testing.T) string {
	var b bytes.Buffer
	if err := f.Metrics().WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// withCache is a copy of cc keeping its sessions in cache.
func withCache(cc *padlock.Config, cache padlock.ClientSessionCache) *padlock.Config {
	n := cc.Clone()
	n.ClientSessionCache = cache
	return n
}
