package capture

import (
	"testing"
	"time"
)

// TestManyHoles: a stream with a hole between every two segments is
// assembled up to the first hole, in time linear in its segments.
func TestManyHoles(t *testing.T) {
	s := &Stream{}
	s.add(segment{seq: 99, syn: true})
	data := []byte("x")
	for i := range 200000 {
		s.add(segment{seq: uint32(100 + 2*i), data: data, t: time.Unix(int64(i), 0)})
	}
	start := time.Now()
	s.assemble()
	if len(s.Data) != 1 || s.Missing != 1 {
		t.Errorf("data %d bytes, missing %d", len(s.Data), s.Missing)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("assembling took %v", d)
	}
}
