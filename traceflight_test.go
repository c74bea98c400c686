package padlock

import (
	"net"
	"slices"
	"sync"
	"testing"

	"padlock/internal/pki"
	"padlock/trace"
)

// flightConn counts the writes to a connection.
type flightConn struct {
	net.Conn
	mu     sync.Mutex
	writes int
}

func (c *flightConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *flightConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// TestTraceAfterFlight checks that a server with TraceAfterFlight reports
// the same steps, in the same order, as one without, and reports the
// messages it sends only once they are written.
func TestTraceAfterFlight(t *testing.T) {
	type step struct {
		dir  trace.Direction
		name string
	}
	run := func(after bool) []step {
		cert, pool := testCert(t, pki.ECDSAP256)
		var steps []step
		a, b := tcpPair(t)
		fc := &flightConn{Conn: b}
		sc := &Config{Certificates: []Certificate{cert}, TraceAfterFlight: after}
		sc.Trace = func(e trace.Event) {
			steps = append(steps, step{e.Dir, e.Name})
			if e.Kind == trace.KindMessage && e.Name != "ChangeCipherSpec" && len(e.Layout) == 0 {
				t.Errorf("%s: no layout", e.Name)
			}
			if after && e.Dir == trace.Sent && e.Kind == trace.KindMessage && fc.count() == 0 {
				t.Errorf("%s reported before it was written", e.Name)
			}
		}
		client := Client(a, &Config{RootCAs: pool, ServerName: "localhost"})
		server := Server(fc, sc)
		errc := make(chan error, 1)
		go func() { errc <- client.Handshake() }()
		if err := server.Handshake(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		return steps
	}
	now, later := run(false), run(true)
	if !slices.Equal(now, later) {
		t.Errorf("steps differ:\nat once:      %v\nafter flight: %v", now, later)
	}
}
