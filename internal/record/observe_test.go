package record

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestObserverReopens checks what an Observer is told: the record as on
// the wire, the same on both ends, and a nonce, content and padding with
// which the AEAD opens the wire bytes again to the same content.
func TestObserverReopens(t *testing.T) {
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			var sent, got []*Observed
			var wire bytes.Buffer
			w := s.writer(t, &wire)
			w.SetObserver(func(o *Observed) { sent = append(sent, o) })
			w.SetPadding(func(int) int { return 3 })
			for _, m := range []string{"first", "second record"} {
				if _, err := w.WriteRecord(Handshake, []byte(m)); err != nil {
					t.Fatal(err)
				}
			}
			r := s.reader(t, bytes.NewReader(wire.Bytes()))
			r.SetObserver(func(o *Observed) { got = append(got, o) })
			for range sent {
				if _, _, err := r.ReadRecord(); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(sent) {
				t.Fatalf("%d records observed read, %d written", len(got), len(sent))
			}
			for i, o := range sent {
				g := got[i]
				if !bytes.Equal(o.Wire, g.Wire) || !bytes.Equal(o.Content, g.Content) || !bytes.Equal(o.Nonce, g.Nonce) ||
					o.Seq != uint64(i) && o.Protected || o.Seq != g.Seq || o.Padding != g.Padding || o.Type != Handshake || g.Type != Handshake {
					t.Errorf("record %d: written %+v, read %+v", i, o, g)
				}
				if !o.Protected {
					continue
				}
				if s.version == Version13 && o.Padding != 3 {
					t.Errorf("record %d: padding %d, want 3", i, o.Padding)
				}
				reopen(t, s, o)
			}
		})
	}
}

// reopen opens o.Wire with a fresh AEAD of s's key and o's nonce and
// checks that it gives o's content.
func reopen(t *testing.T, s suite, o *Observed) {
	t.Helper()
	aead := s.make(t).aead
	hdr, body := o.Wire[:HeaderLen], o.Wire[HeaderLen+o.Explicit:]
	aad := hdr
	if o.Version == Version12 {
		aad = binary.BigEndian.AppendUint64(nil, o.Seq)
		aad = append(aad, hdr[:3]...)
		aad = binary.BigEndian.AppendUint16(aad, uint16(len(body)-o.TagLen))
	}
	pt, err := aead.Open(nil, o.Nonce, body, aad)
	if err != nil {
		t.Fatalf("reopening with the observed nonce: %v", err)
	}
	if o.Version == Version13 {
		pt = pt[:len(pt)-1-o.Padding]
	}
	if !bytes.Equal(pt, o.Content) {
		t.Errorf("reopened %q, observed %q", pt, o.Content)
	}
}
