package wire

import (
	"errors"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// decodeError returns the alert for a message that does not parse.
func decodeError(msg, what string) error {
	return alert.New(alert.DecodeError, "wire: %s: malformed %s", msg, what)
}

// readBody checks the handshake header of msg (RFC 8446 section 4: type,
// then uint24 length) and returns the body, which must fill the rest of
// msg exactly.
func readBody(msg []byte, typ uint8) (cryptobyte.String, error) {
	s := cryptobyte.String(msg)
	var t uint8
	if !s.ReadUint8(&t) {
		return nil, alert.New(alert.DecodeError, "wire: empty handshake message")
	}
	if t != typ {
		return nil, alert.New(alert.UnexpectedMessage, "wire: got %s, want %s", TypeName(t), TypeName(typ))
	}
	var body cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&body) {
		return nil, decodeError(TypeName(typ), "length")
	}
	if !s.Empty() {
		return nil, decodeError(TypeName(typ), "message: trailing bytes")
	}
	return body, nil
}

// message writes a handshake message of type typ: its header (RFC 8446
// section 4: type, then uint24 length) around the body that addBody
// produces.
func (b *builder) message(typ uint8, addBody func(*builder)) {
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(addBody)
}

// marshalMessage returns a handshake message of type typ around the body
// that addBody produces; sizeHint is the expected size of the whole
// message, to allocate once.
func marshalMessage(typ uint8, sizeHint int, addBody func(*builder)) []byte {
	return marshalWith(sizeHint, func(b *builder) { b.message(typ, addBody) })
}

// marshalWith returns what build writes into a new buffer of sizeHint
// bytes' capacity.
func marshalWith(sizeHint int, build func(*builder)) []byte {
	b := &builder{buf: make([]byte, 0, sizeHint)}
	build(b)
	return b.bytesOrPanic()
}

// builds is a Message that can write itself into a builder: every
// message but the empty ones.
type builds interface {
	build(b *builder)
}

// Encoder marshals messages into one buffer that it reuses. A message's
// own Marshal allocates its buffer, and the builder that fills it, which
// escapes to the heap through the closures that write the vectors; a
// handshake that builds its messages with an Encoder allocates only when
// the buffer grows. The zero Encoder is ready to use; it is not safe for
// concurrent use.
type Encoder struct {
	b builder
}

// Marshal returns the complete message m. The result aliases the
// Encoder's buffer and is valid until the next call.
func (e *Encoder) Marshal(m Message) []byte {
	e.b.buf, e.b.err = e.b.buf[:0], nil
	if bm, ok := m.(builds); ok {
		bm.build(&e.b)
	} else {
		e.b.buf = append(e.b.buf, m.Marshal()...)
	}
	return e.b.bytesOrPanic()
}

// Release lets go of the Encoder's buffer, for an Encoder kept after its
// last message.
func (e *Encoder) Release() { e.b.buf = nil }

// errRandomLength is the Marshal failure for a Random that is not 32 bytes.
var errRandomLength = errors.New("wire: Random must be 32 bytes")

// errSessionIDLength is the Marshal failure for a SessionID over 32 bytes.
var errSessionIDLength = errors.New("wire: SessionID longer than 32 bytes")

// clip returns v as a []byte with its capacity clipped to its length, so
// that appending to it never writes into the input; nil if v is empty.
func clip(v cryptobyte.String) []byte {
	if len(v) == 0 {
		return nil
	}
	return v[:len(v):len(v)]
}

// readRandom reads the 32-byte Random of a hello message.
func readRandom(s *cryptobyte.String, out *[]byte) bool {
	var r []byte
	if !s.ReadBytes(&r, 32) {
		return false
	}
	*out = r[:32:32]
	return true
}

// addRandom writes a 32-byte Random.
func addRandom(b *builder, r []byte) {
	if len(r) != 32 {
		b.SetError(errRandomLength)
		return
	}
	b.AddBytes(r)
}

// readSessionID reads a SessionID, opaque<0..32> (RFC 5246 section 7.4.1.2).
func readSessionID(s *cryptobyte.String, out *[]byte) bool {
	return readOpaque8(s, 0, out) && len(*out) <= 32
}

// addSessionID writes a SessionID.
func addSessionID(b *builder, id []byte) {
	if len(id) > 32 {
		b.SetError(errSessionIDLength)
		return
	}
	addOpaque8(b, id)
}

// readOpaque8 reads an opaque<min..2^8-1> vector.
func readOpaque8(s *cryptobyte.String, min int, out *[]byte) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = clip(v)
	return true
}

// readOpaque16 reads an opaque<min..2^16-1> vector.
func readOpaque16(s *cryptobyte.String, min int, out *[]byte) bool {
	var v cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = clip(v)
	return true
}

// readOpaque24 reads an opaque<min..2^24-1> vector.
func readOpaque24(s *cryptobyte.String, min int, out *[]byte) bool {
	var v cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&v) || len(v) < min {
		return false
	}
	*out = clip(v)
	return true
}

// addOpaque8 writes an opaque vector with a one-byte length.
func addOpaque8(b *builder, v []byte) {
	b.AddUint8LengthPrefixed(func(b *builder) { b.AddBytes(v) })
}

// addOpaque16 writes an opaque vector with a two-byte length.
func addOpaque16(b *builder, v []byte) {
	b.AddUint16LengthPrefixed(func(b *builder) { b.AddBytes(v) })
}

// addOpaque24 writes an opaque vector with a three-byte length.
func addOpaque24(b *builder, v []byte) {
	b.AddUint24LengthPrefixed(func(b *builder) { b.AddBytes(v) })
}

// readUint8s reads a non-empty vector of uint8 with a one-byte length,
// such as compression_methods<1..2^8-1>.
func readUint8s(s *cryptobyte.String, out *[]uint8) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || v.Empty() {
		return false
	}
	*out = clip(v)
	return true
}

// readUint16s reads a non-empty vector of uint16 with a two-byte length,
// such as cipher_suites<2..2^16-2>. An odd length is malformed.
func readUint16s(s *cryptobyte.String, out *[]uint16) bool {
	var v cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&v) || v.Empty() || len(v)%2 != 0 {
		return false
	}
	*out = uint16s(v)
	return true
}

// readSupportedVersions reads the ClientHello form of supported_versions,
// ProtocolVersion versions<2..254> (RFC 8446 section 4.2.1).
func readSupportedVersions(s *cryptobyte.String, out *[]uint16) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || v.Empty() || len(v)%2 != 0 {
		return false
	}
	*out = uint16s(v)
	return true
}

// uint16s decodes v, of even length, as a list of uint16.
func uint16s(v cryptobyte.String) []uint16 {
	list := make([]uint16, 0, len(v)/2)
	for !v.Empty() {
		var x uint16
		v.ReadUint16(&x) // cannot fail: the length is even
		list = append(list, x)
	}
	return list
}

// addUint8s writes a vector of uint8 with a one-byte length.
func addUint8s(b *builder, v []uint8) {
	addOpaque8(b, v)
}

// addUint16s writes a vector of uint16 with a two-byte length.
func addUint16s(b *builder, v []uint16) {
	b.AddUint16LengthPrefixed(func(b *builder) {
		for _, x := range v {
			b.AddUint16(x)
		}
	})
}

// readDistinguishedNames reads DistinguishedName authorities<min..2^16-1>
// with DistinguishedName opaque<1..2^16-1> (RFC 8446 section 4.2.4, RFC
// 5246 section 7.4.4). The names stay DER; empty is nil.
func readDistinguishedNames(s *cryptobyte.String, allowEmpty bool, out *[][]byte) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || (list.Empty() && !allowEmpty) {
		return false
	}
	var names [][]byte
	for !list.Empty() {
		var dn []byte
		if !readOpaque16(&list, 1, &dn) {
			return false
		}
		names = append(names, dn)
	}
	*out = names
	return true
}

// addDistinguishedNames writes a list of DER names.
func addDistinguishedNames(b *builder, names [][]byte) {
	b.AddUint16LengthPrefixed(func(b *builder) {
		for _, dn := range names {
			addOpaque16(b, dn)
		}
	})
}
