package padlock

import (
	"sync"
	"testing"

	"padlock/internal/pki"
	"padlock/trace"
)

// TestTraceConnIDs traces two concurrent connections, each side and each
// version, into one Recorder: every event names its connection, and the
// four connections' events never share an ID.
func TestTraceConnIDs(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var rec trace.Recorder
	var wg sync.WaitGroup
	conns := make([][2]*Conn, 2)
	for i, vers := range []uint16{VersionTLS13, VersionTLS12} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// TraceAfterFlight on the server: queued events name their
			// connection too.
			c, s, cerr, serr := runPair(t,
				&Config{RootCAs: pool, ServerName: "localhost", Trace: rec.Trace, MaxVersion: vers},
				&Config{Certificates: []Certificate{cert}, Trace: rec.Trace, TraceAfterFlight: true})
			if cerr != nil || serr != nil {
				t.Error(cerr, serr)
			}
			conns[i] = [2]*Conn{c, s}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	count := map[uint64]int{}
	for _, e := range rec.Events() {
		if e.Conn == 0 {
			t.Fatalf("event %q (%s) names no connection", e.Name, e.Side)
		}
		count[e.Conn]++
	}
	for _, pair := range conns {
		for _, c := range pair {
			if count[c.ID()] == 0 {
				t.Errorf("no events for connection %d", c.ID())
			}
			delete(count, c.ID())
		}
	}
	if len(count) != 0 {
		t.Errorf("events of unknown connections: %v", count)
	}
}
