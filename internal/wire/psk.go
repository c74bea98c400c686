package wire

import (
	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// readOfferedPSKs reads the ClientHello form of pre_shared_key,
// OfferedPsks (RFC 8446 section 4.2.11): identities<7..2^16-1> of
// PskIdentity, then binders<33..2^16-1> of PskBinderEntry opaque<32..255>.
func (m *ClientHello) readOfferedPSKs(s *cryptobyte.String) (bool, error) {
	var ids, binders cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&ids) || ids.Empty() ||
		!s.ReadUint16LengthPrefixed(&binders) || binders.Empty() {
		return false, nil
	}
	for !ids.Empty() {
		var id PSKIdentity
		if !readOpaque16(&ids, 1, &id.Identity) || !ids.ReadUint32(&id.ObfuscatedTicketAge) {
			return false, nil
		}
		m.PSKIdentities = append(m.PSKIdentities, id)
	}
	for !binders.Empty() {
		var binder []byte
		if !readOpaque8(&binders, 32, &binder) {
			return false, nil
		}
		m.PSKBinders = append(m.PSKBinders, binder)
	}
	// "one for each value in the identities list": a count that differs is
	// a field "inconsistent with other fields" (RFC 8446 section 6.2).
	if len(m.PSKBinders) != len(m.PSKIdentities) {
		return false, alert.New(alert.IllegalParameter, "wire: ClientHello: %d PSK identities but %d binders",
			len(m.PSKIdentities), len(m.PSKBinders))
	}
	return true, nil
}

// addOfferedPSKs writes the OfferedPsks of pre_shared_key.
func (m *ClientHello) addOfferedPSKs(b *builder) {
	b.AddUint16LengthPrefixed(func(b *builder) {
		for _, id := range m.PSKIdentities {
			addOpaque16(b, id.Identity)
			b.AddUint32(id.ObfuscatedTicketAge)
		}
	})
	b.AddUint16LengthPrefixed(func(b *builder) {
		for _, binder := range m.PSKBinders {
			addOpaque8(b, binder)
		}
	})
}

// BindersLen returns the length in bytes of the binders list, with its
// 2-byte length prefix, that ends the encoded message when m offers PSKs,
// and 0 when it does not. The partial ClientHello that binders are
// computed over (RFC 8446 section 4.2.11.2) is raw[:len(raw)-BindersLen()]
// for raw from m.Marshal() or m.Raw.
func (m *ClientHello) BindersLen() int {
	if len(m.PSKIdentities) == 0 {
		return 0
	}
	n := 2
	for _, binder := range m.PSKBinders {
		n += 1 + len(binder)
	}
	return n
}

// SetBinders sets the PSK binders that the next Marshal writes. Binders of
// the same lengths (such as zero-filled placeholders) marshal to the same
// prefix, so a client marshals with placeholders, computes the binders
// over that prefix, calls SetBinders and marshals again.
func (m *ClientHello) SetBinders(binders [][]byte) {
	m.PSKBinders = binders
}
