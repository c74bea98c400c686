package wire

import (
	"bytes"
	"slices"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// The byte-level work of ECH on whole hello messages: the
// EncodedClientHelloInner that is encrypted (section 5.1), its decoding
// on the server, and the copies with one field zeroed that the AAD and
// the confirmations are computed over (sections 5.2, 7.2, 7.2.1). They
// work on encodings rather than on the typed structs because ECH binds
// bytes: extensions padlock does not know must survive unchanged.

// helloExt is one extension of a hello message and where its data lies.
type helloExt struct {
	typ        uint16
	start, end int // extension_data is msg[start:end]
	head       int // the extension, type and length included, is msg[head:end]
}

// helloLayout is where the parts of a ClientHello or ServerHello message
// (handshake header included) lie.
type helloLayout struct {
	sessionID  []byte
	fixedStart int // after legacy_session_id: cipher suite(s) and compression
	fixedEnd   int // the extensions block's length prefix starts here
	exts       []helloExt
}

// layoutHello finds the parts of msg, a complete ClientHello (client) or
// ServerHello message.
func layoutHello(msg []byte, client bool) (*helloLayout, error) {
	name := "ServerHello"
	if client {
		name = "ClientHello"
	}
	typ := TypeServerHello
	if client {
		typ = TypeClientHello
	}
	s, err := readBody(msg, typ)
	if err != nil {
		return nil, decodeError(name, "message")
	}
	l := &helloLayout{}
	var random []byte
	var skip cryptobyte.String
	if !s.Skip(2) || !readRandom(&s, &random) || !readSessionID(&s, &l.sessionID) {
		return nil, decodeError(name, "fixed fields")
	}
	l.fixedStart = len(msg) - len(s)
	ok := client && s.ReadUint16LengthPrefixed(&skip) && s.ReadUint8LengthPrefixed(&skip) ||
		!client && s.Skip(3)
	if !ok {
		return nil, decodeError(name, "fixed fields")
	}
	l.fixedEnd = len(msg) - len(s)
	var block cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&block) || !s.Empty() {
		return nil, decodeError(name, "extensions")
	}
	for !block.Empty() {
		e := helloExt{head: len(msg) - len(block)}
		var data cryptobyte.String
		if !block.ReadUint16(&e.typ) || !block.ReadUint16LengthPrefixed(&data) {
			return nil, decodeError(name, "extensions")
		}
		e.end = len(msg) - len(block)
		e.start = e.end - len(data)
		l.exts = append(l.exts, e)
	}
	return l, nil
}

// find returns the extension of type t.
func (l *helloLayout) find(t uint16) (helloExt, bool) {
	for _, e := range l.exts {
		if e.typ == t {
			return e, true
		}
	}
	return helloExt{}, false
}

// ClientHelloOuterAAD returns the AAD that binds a ClientHelloOuter to
// its payload (section 5.2): the message without its handshake header,
// the encrypted_client_hello payload replaced by as many zeros.
func ClientHelloOuterAAD(outer []byte) ([]byte, error) {
	l, err := layoutHello(outer, true)
	if err != nil {
		return nil, err
	}
	e, ok := l.find(ExtEncryptedClientHello)
	if !ok {
		return nil, decodeError("ClientHello", "encrypted_client_hello")
	}
	var ech *ECHClientHello
	data := cryptobyte.String(outer[e.start:e.end])
	if ok, err := readECHClientHello(&data, &ech); !ok || err != nil || !data.Empty() || ech.Type != ECHOuter {
		return nil, decodeError("ClientHello", "encrypted_client_hello")
	}
	aad := bytes.Clone(outer[4:])
	clear(aad[e.end-4-len(ech.Payload) : e.end-4])
	return aad, nil
}

// ZeroECHConfirmation returns a copy of a HelloRetryRequest with the
// confirmation of its encrypted_client_hello extension zeroed, as the
// transcript for hrr_accept_confirmation has it (section 7.2.1). A
// message without the extension comes back unchanged.
func ZeroECHConfirmation(hrr []byte) ([]byte, error) {
	l, err := layoutHello(hrr, false)
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(hrr)
	if e, ok := l.find(ExtEncryptedClientHello); ok {
		clear(out[e.start:e.end])
	}
	return out, nil
}

// EncodeClientHelloInner returns the EncodedClientHelloInner of inner, a
// complete ClientHello message (section 5.1): without its handshake
// header, legacy_session_id emptied, and the longest run of extensions
// that outer, the ClientHelloOuter built so far, repeats byte for byte
// and in the same order replaced by one ech_outer_extensions; then pad
// zeros, as padding computes from the encoded length.
func EncodeClientHelloInner(inner, outer []byte, padding func(n int) int) ([]byte, error) {
	li, err := layoutHello(inner, true)
	if err != nil {
		return nil, err
	}
	lo, err := layoutHello(outer, true)
	if err != nil {
		return nil, err
	}
	from, to := compressibleRun(inner, li.exts, outer, lo.exts)
	out := marshalWith(len(inner), func(b *builder) {
		b.AddBytes(inner[4 : 4+2+32])
		b.AddUint8(0) // legacy_session_id, empty
		b.AddBytes(inner[li.fixedStart:li.fixedEnd])
		b.AddUint16LengthPrefixed(func(b *builder) {
			for i, e := range li.exts {
				switch {
				case i == from && to > from:
					addExtension(b, ExtECHOuterExtensions, func(b *builder) {
						b.AddUint8LengthPrefixed(func(b *builder) {
							for _, r := range li.exts[from:to] {
								b.AddUint16(r.typ)
							}
						})
					})
				case i > from && i < to:
				default:
					b.AddBytes(inner[e.head:e.end])
				}
			}
		})
	})
	return append(out, make([]byte, padding(len(out)))...), nil
}

// compressibleRun finds the run inner[from:to] of inner's extensions,
// the one saving the most bytes, that outer has byte for byte and in the
// same relative order. encrypted_client_hello and pre_shared_key never
// take part, nor server_name: padding hides the inner name's length only
// when the name is in the encoding (section 6.1.3), so an inner name that
// equals the public one must not shrink it. A run of one short extension
// is not worth its overhead.
func compressibleRun(inner []byte, ie []helloExt, outer []byte, oe []helloExt) (from, to int) {
	same := func(i, j int) bool {
		return ie[i].typ == oe[j].typ && bytes.Equal(inner[ie[i].head:ie[i].end], outer[oe[j].head:oe[j].end])
	}
	best := 6 // an ech_outer_extensions of one type costs 7 bytes
	for i := range ie {
		saved, j := 0, 0
		for k := i; k < len(ie); k++ {
			if ie[k].typ == ExtEncryptedClientHello || ie[k].typ == ExtPreSharedKey || ie[k].typ == ExtServerName {
				break
			}
			for j < len(oe) && !same(k, j) {
				j++
			}
			if j == len(oe) || k-i >= 127 {
				break
			}
			j++
			saved += ie[k].end - ie[k].head
			if saved-2*(k-i) > best {
				best, from, to = saved-2*(k-i), i, k+1
			}
		}
	}
	return from, to
}

// DecodeClientHelloInner rebuilds the ClientHelloInner, as a complete
// ClientHello message, from the decrypted EncodedClientHelloInner and the
// ClientHelloOuter it came in (section 5.1): padding must be zeros,
// legacy_session_id comes from outer, and ech_outer_extensions is
// replaced by the extensions of outer it names, each once, in outer's
// order, never encrypted_client_hello, in time linear in the sizes.
func DecodeClientHelloInner(encoded, outer []byte) ([]byte, error) {
	lo, err := layoutHello(outer, true)
	if err != nil {
		return nil, err
	}
	// Parse encoded as the body of a ClientHello followed by padding.
	s := cryptobyte.String(encoded)
	var random, sessionID []byte
	var skip, block cryptobyte.String
	if !s.Skip(2) || !readRandom(&s, &random) || !readSessionID(&s, &sessionID) {
		return nil, decodeError("EncodedClientHelloInner", "fixed fields")
	}
	if len(sessionID) != 0 {
		return nil, alert.New(alert.IllegalParameter, "wire: EncodedClientHelloInner: legacy_session_id is not empty")
	}
	fixedStart := len(encoded) - len(s)
	if !s.ReadUint16LengthPrefixed(&skip) || !s.ReadUint8LengthPrefixed(&skip) {
		return nil, decodeError("EncodedClientHelloInner", "fixed fields")
	}
	fixedEnd := len(encoded) - len(s)
	if !s.ReadUint16LengthPrefixed(&block) {
		return nil, decodeError("EncodedClientHelloInner", "extensions")
	}
	if slices.ContainsFunc(s, func(b byte) bool { return b != 0 }) {
		return nil, alert.New(alert.IllegalParameter, "wire: EncodedClientHelloInner: padding is not zeros")
	}
	var expandErr error
	msg := marshalWith(len(outer)+len(encoded), func(b *builder) {
		b.message(TypeClientHello, func(b *builder) {
			b.AddBytes(encoded[:2+32])
			addSessionID(b, lo.sessionID)
			b.AddBytes(encoded[fixedStart:fixedEnd])
			b.AddUint16LengthPrefixed(func(b *builder) {
				expandErr = expandOuterExtensions(b, block, outer, lo)
			})
		})
	})
	if expandErr != nil {
		return nil, expandErr
	}
	return msg, nil
}

// expandOuterExtensions copies the extension list block, replacing an
// ech_outer_extensions with the extensions of outer it references.
func expandOuterExtensions(b *builder, block cryptobyte.String, outer []byte, lo *helloLayout) error {
	used := false
	for !block.Empty() {
		start := block
		var typ uint16
		var data cryptobyte.String
		if !block.ReadUint16(&typ) || !block.ReadUint16LengthPrefixed(&data) {
			return decodeError("EncodedClientHelloInner", "extensions")
		}
		if typ != ExtECHOuterExtensions {
			b.AddBytes(start[:len(start)-len(block)])
			continue
		}
		var list cryptobyte.String
		if used || !data.ReadUint8LengthPrefixed(&list) || !data.Empty() || len(list) < 2 || len(list)%2 != 0 {
			return decodeError("EncodedClientHelloInner", "ech_outer_extensions")
		}
		used = true
		j := 0 // the references walk outer's extensions forward only
		for !list.Empty() {
			var ref uint16
			list.ReadUint16(&ref)
			// encrypted_client_hello may not be referenced; nor can
			// ech_outer_extensions, which ClientHelloOuter must not
			// have and ClientHelloInner must not get.
			if ref == ExtEncryptedClientHello || ref == ExtECHOuterExtensions {
				return alert.New(alert.IllegalParameter, "wire: ech_outer_extensions references %s", ExtensionName(ref))
			}
			for j < len(lo.exts) && lo.exts[j].typ != ref {
				j++
			}
			if j == len(lo.exts) {
				return alert.New(alert.IllegalParameter, "wire: ech_outer_extensions references %s, missing, repeated or out of order in ClientHelloOuter", ExtensionName(ref))
			}
			b.AddBytes(outer[lo.exts[j].head:lo.exts[j].end])
			j++
		}
	}
	return nil
}
