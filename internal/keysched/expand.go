package keysched

import (
	"crypto"
	"crypto/hkdf"
)

// infoLen is the room an expander keeps for an HkdfLabel and the block
// counter: enough for every label of the protocol with a transcript hash
// as context. Longer ones (exporter labels chosen by the application)
// take a buffer of their own.
const infoLen = 128

// expander derives HKDF-Expand-Label outputs (RFC 8446 section 7.1) from
// one secret.
//
// It builds each HkdfLabel in a buffer it keeps, and calls crypto/hkdf
// for the expansion.
type expander struct {
	h      crypto.Hash
	secret []byte
	info   [infoLen]byte
}

func newExpander(h crypto.Hash, secret []byte) *expander {
	return &expander{h: h, secret: secret}
}

// expand appends HKDF-Expand-Label(secret, label, context, length) to
// out. It panics on arguments out of the range of HkdfLabel (see
// ExpandLabel).
func (e *expander) expand(out []byte, label string, context []byte, length int) []byte {
	if len(labelPrefix)+len(label) > 255 || len(context) > 255 || length < 0 || length > 0xffff {
		panic("keysched: HKDF-Expand-Label argument out of range")
	}
	// struct {
	//     uint16 length = Length;
	//     opaque label<7..255> = "tls13 " + Label;
	//     opaque context<0..255> = Context;
	// } HkdfLabel;
	info := e.info[:0]
	if n := 2 + 1 + len(labelPrefix) + len(label) + 1 + len(context) + 1; n > len(e.info) {
		info = make([]byte, 0, n)
	}
	info = append(info, byte(length>>8), byte(length), byte(len(labelPrefix)+len(label)))
	info = append(append(info, labelPrefix...), label...)
	info = append(append(info, byte(len(context))), context...)
	// HKDF itself always comes from crypto/hkdf: padlock writes no
	// primitive of its own, not even HKDF-Expand's single HMAC block.
	okm, err := hkdf.Expand(e.h.New, e.secret, string(info), length)
	if err != nil {
		panic("keysched: HKDF-Expand: " + err.Error())
	}
	return append(out, okm...)
}

// expandNew returns HKDF-Expand-Label(secret, label, context, length) in
// a new slice.
func (e *expander) expandNew(label string, context []byte, length int) []byte {
	return e.expand(make([]byte, 0, max(length, e.h.Size())), label, context, length)[:length:length]
}
