package padlock

import (
	"testing"

	"padlock/internal/pki"
	"padlock/trace"
)

// TestTraceDetailOnDemand: with TraceDetailOnDemand, message events come
// without their fields and byte map, and once completed they equal the
// events of a Config that builds them at once.
func TestTraceDetailOnDemand(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	run := func(onDemand bool) []trace.Event {
		var raw []trace.Event
		sc := &Config{Certificates: []Certificate{cert}, TraceAfterFlight: true, TraceDetailOnDemand: onDemand,
			Trace: func(e trace.Event) { raw = append(raw, e) }}
		cc := &Config{RootCAs: pool, ServerName: "localhost", DisableECHGREASE: true}
		if _, _, cerr, serr := runPair(t, cc, sc); cerr != nil || serr != nil {
			t.Fatalf("client %v, server %v", cerr, serr)
		}
		return raw
	}
	lazy, eager := run(true), run(false)
	if len(lazy) != len(eager) {
		t.Fatalf("%d events on demand, %d at once", len(lazy), len(eager))
	}
	deferred := 0
	for i := range lazy {
		if lazy[i].Kind == trace.KindMessage && lazy[i].Fields == nil && lazy[i].Layout == nil {
			deferred++
		}
		lazy[i].Complete()
		a, b := lazy[i], eager[i]
		a.Time, b.Time = 0, 0
		if a.Name != b.Name || len(a.Fields) != len(b.Fields) || len(a.Layout) != len(b.Layout) {
			t.Errorf("event %d: on demand %s with %d fields, %d spans; at once %s with %d, %d",
				i, a.Name, len(a.Fields), len(a.Layout), b.Name, len(b.Fields), len(b.Layout))
		}
	}
	if deferred == 0 {
		t.Error("no message event came deferred")
	}
}
