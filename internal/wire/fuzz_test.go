package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// checkRoundTrip parses msg and, if it parses, checks that the message
// marshals to bytes that parse to the same message and marshal the same
// again. Raw and the Extensions lists are left out of the comparison:
// Marshal writes the typed fields in its own order and drops unknown
// extensions.
func checkRoundTrip(t *testing.T, msg []byte, tls13 bool) {
	t.Helper()
	m, err := Parse(msg, tls13)
	if err != nil {
		return
	}
	raw := m.Marshal()
	m2, err := Parse(raw, tls13)
	if err != nil {
		t.Fatalf("%T re-marshaled to %x, which does not parse: %v\ninput %x", m, raw, err, msg)
	}
	if again := m2.Marshal(); !bytes.Equal(again, raw) {
		t.Fatalf("%T: second Marshal differs:\n%x\n%x", m, again, raw)
	}
	if !reflect.DeepEqual(normalize(m), normalize(m2)) {
		t.Fatalf("%T: re-parsed message differs:\n%+v\n%+v", m, m, m2)
	}
}

// FuzzParse feeds arbitrary bytes to Parse in both versions: nothing may
// panic, and whatever parses must round-trip.
func FuzzParse(f *testing.F) {
	for _, s := range samples() {
		f.Add(s.msg.Marshal())
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		checkRoundTrip(t, msg, true)
		checkRoundTrip(t, msg, false)
		if n, ok := SplitMessage(msg); ok && n < 4 {
			t.Fatalf("SplitMessage = %d", n)
		}
	})
}
