package wire

import "errors"

// builder writes a message in one growing buffer, with the methods of
// cryptobyte.Builder that the marshal code uses. Unlike cryptobyte, a
// length-prefixed vector costs no allocation: the prefix is reserved in
// place, the contents are appended after it, and the length is filled in
// when the continuation returns. The continuations do not escape, so the
// closures that marshal code passes stay on the stack, and a message is
// built with no allocation but its buffer's growth.
type builder struct {
	buf []byte
	err error // the first error; later writes are ignored
}

// errVectorTooLong is the error of a vector that its length prefix
// cannot express.
var errVectorTooLong = errors.New("wire: vector too long for its length prefix")

// SetError records err, unless an error was recorded before.
func (b *builder) SetError(err error) {
	if b.err == nil {
		b.err = err
	}
}

// AddUint8 appends v.
func (b *builder) AddUint8(v uint8) { b.buf = append(b.buf, v) }

// AddUint16 appends v, big-endian.
func (b *builder) AddUint16(v uint16) { b.buf = append(b.buf, byte(v>>8), byte(v)) }

// AddUint24 appends the low 24 bits of v, big-endian.
func (b *builder) AddUint24(v uint32) { b.buf = append(b.buf, byte(v>>16), byte(v>>8), byte(v)) }

// AddUint32 appends v, big-endian.
func (b *builder) AddUint32(v uint32) {
	b.buf = append(b.buf, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// AddBytes appends v.
func (b *builder) AddBytes(v []byte) { b.buf = append(b.buf, v...) }

// addZeros appends n zero bytes.
func (b *builder) addZeros(n int) { b.buf = append(b.buf, make([]byte, n)...) }

// AddUint8LengthPrefixed appends what f adds, after its length in one byte.
func (b *builder) AddUint8LengthPrefixed(f func(*builder)) { b.addLengthPrefixed(1, f) }

// AddUint16LengthPrefixed appends what f adds, after its length in two bytes.
func (b *builder) AddUint16LengthPrefixed(f func(*builder)) { b.addLengthPrefixed(2, f) }

// AddUint24LengthPrefixed appends what f adds, after its length in three bytes.
func (b *builder) AddUint24LengthPrefixed(f func(*builder)) { b.addLengthPrefixed(3, f) }

func (b *builder) addLengthPrefixed(n int, f func(*builder)) {
	start := len(b.buf)
	b.buf = append(b.buf, make([]byte, n)...) // the prefix, filled in below
	f(b)
	length := len(b.buf) - start - n
	if length >= 1<<(8*n) {
		b.SetError(errVectorTooLong)
		return
	}
	for i := n - 1; i >= 0; i-- {
		b.buf[start+i] = byte(length)
		length >>= 8
	}
}

// bytesOrPanic returns the message, or panics with the first error: a
// marshal error is a bug in the caller (a field out of range), never a
// property of network input.
func (b *builder) bytesOrPanic() []byte {
	if b.err != nil {
		panic(b.err)
	}
	return b.buf
}
