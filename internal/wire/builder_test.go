package wire

import (
	"bytes"
	"testing"
)

// TestEncoder checks that an Encoder, reused, gives for every sample
// message exactly what Marshal returns.
func TestEncoder(t *testing.T) {
	var e Encoder
	for _, s := range samples() {
		if got, want := e.Marshal(s.msg), s.msg.Marshal(); !bytes.Equal(got, want) {
			t.Errorf("%s: Encoder.Marshal differs from Marshal", s.name)
		}
	}
}

// TestEncoderAllocs checks that an Encoder whose buffer has grown
// marshals without allocating, length prefixes and closures included.
func TestEncoderAllocs(t *testing.T) {
	var e Encoder
	for _, s := range samples() {
		e.Marshal(s.msg)
		if n := testing.AllocsPerRun(100, func() { e.Marshal(s.msg) }); n != 0 {
			t.Errorf("%s: %v allocations, want 0", s.name, n)
		}
	}
}

// TestBuilderLengths checks nested length prefixes and the refusal of a
// vector its prefix cannot express.
func TestBuilderLengths(t *testing.T) {
	var b builder
	b.AddUint16LengthPrefixed(func(b *builder) {
		b.AddUint8LengthPrefixed(func(b *builder) { b.AddBytes([]byte{1, 2, 3}) })
		b.AddUint24LengthPrefixed(func(b *builder) { b.AddUint32(0x01020304) })
	})
	want := []byte{0, 11, 3, 1, 2, 3, 0, 0, 4, 1, 2, 3, 4}
	if got := b.bytesOrPanic(); !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	var long builder
	long.AddUint8LengthPrefixed(func(b *builder) { b.AddBytes(make([]byte, 256)) })
	if long.err == nil {
		t.Error("a 256-byte vector with a one-byte length was accepted")
	}
}
