package hello

import (
	"testing"

	"padlock/internal/wire"
)

// FuzzHello feeds any ClientHello that wire accepts to everything this
// package does with one: none of it may panic, and the fingerprints keep
// their shape.
func FuzzHello(f *testing.F) {
	f.Add(chromeLike(f).Raw)
	f.Add(buildHello(f, 0x0301, []uint16{4, 5}, nil).Raw)
	f.Fuzz(func(t *testing.T, msg []byte) {
		m, err := wire.Parse(msg, true)
		if err != nil {
			return
		}
		ch, ok := m.(*wire.ClientHello)
		if !ok {
			return
		}
		o := Describe(ch)
		if len(o.Extensions) != len(ch.Extensions) {
			t.Fatalf("%d extensions described of %d", len(o.Extensions), len(ch.Extensions))
		}
		if _, h := JA3(ch); len(h) != 32 {
			t.Fatalf("JA3 hash %q", h)
		}
		if fp, _ := JA4(ch); len(fp) != 36 {
			t.Fatalf("JA4 %q", fp)
		}
		if r := Rate(ch); r.Grade == "" || r.Summary == "" {
			t.Fatalf("rating %+v", r)
		}
	})
}
