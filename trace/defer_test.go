package trace

import (
	"strings"
	"testing"
)

// TestDefer: a deferred event's detail is computed once, by Complete,
// which the Recorder, the renderers and MarshalJSON call.
func TestDefer(t *testing.T) {
	calls := 0
	e := Defer(Event{Name: "ClientHello", Kind: KindMessage, Raw: []byte{1, 0, 0, 0}}, func(e *Event) {
		calls++
		e.Fields = []Field{{Name: "legacy_version", Value: "TLS 1.2"}}
	})
	if e.Fields != nil {
		t.Fatal("the detail was computed before it was asked for")
	}
	var r Recorder
	r.Trace(e)
	got := r.Events()
	if len(got) != 1 || got[0].Field("legacy_version") != "TLS 1.2" {
		t.Fatalf("Recorder.Events: %+v", got)
	}
	r.Events()
	if calls != 1 {
		t.Errorf("detail computed %d times", calls)
	}
	b, err := Defer(Event{Name: "x"}, func(e *Event) { e.Fields = []Field{{Name: "f", Value: "v"}} }).MarshalJSON()
	if err != nil || !strings.Contains(string(b), `"name":"f"`) {
		t.Errorf("MarshalJSON: %s %v", b, err)
	}
}
