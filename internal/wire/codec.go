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

// marshalMessage writes a handshake header of type typ around the body
// that addBody produces. sizeHint is the expected size of the whole
// message, to allocate once.
func marshalMessage(typ uint8, sizeHint int, addBody cryptobyte.BuilderContinuation) []byte {
	b := cryptobyte.NewBuilder(make([]byte, 0, sizeHint))
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(addBody)
	return b.BytesOrPanic()
}

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
func addRandom(b *cryptobyte.Builder, r []byte) {
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
func addSessionID(b *cryptobyte.Builder, id []byte) {
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
func addOpaque8(b *cryptobyte.Builder, v []byte) {
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
}

// addOpaque16 writes an opaque vector with a two-byte length.
func addOpaque16(b *cryptobyte.Builder, v []byte) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
}

// addOpaque24 writes an opaque vector with a three-byte length.
func addOpaque24(b *cryptobyte.Builder, v []byte) {
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
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
func addUint8s(b *cryptobyte.Builder, v []uint8) {
	addOpaque8(b, v)
}

// addUint16s writes a vector of uint16 with a two-byte length.
func addUint16s(b *cryptobyte.Builder, v []uint16) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
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
func addDistinguishedNames(b *cryptobyte.Builder, names [][]byte) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, dn := range names {
			addOpaque16(b, dn)
		}
	})
}
