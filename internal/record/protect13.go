package record

import "padlock/internal/alert"

// sealedLen13 is the length of a TLS 1.3 record carrying n content bytes
// and pad padding bytes: header, TLSInnerPlaintext (content, type,
// zeros) and the AEAD expansion.
func (c *Cipher) sealedLen13(n, pad int) int {
	return HeaderLen + n + 1 + pad + c.overhead
}

// seal13 builds a protected TLS 1.3 record (RFC 8446 section 5.2) in rec,
// which must be exactly sealedLen13(len(frag), pad) bytes long. The TLSInnerPlaintext is assembled in place after the header and
// encrypted where it lies.
func (c *Cipher) seal13(rec []byte, t ContentType, frag []byte, pad int) error {
	aead, err := c.active()
	if err != nil {
		return err
	}
	nonce, err := c.nextNonce()
	if err != nil {
		return err
	}
	inner := rec[HeaderLen : HeaderLen+len(frag)+1+pad]
	copy(inner, frag)
	inner[len(frag)] = byte(t)
	// The buffer holds old records: padding MUST be zeros (section 5.4).
	clear(inner[len(frag)+1:])
	length := len(inner) + c.overhead
	hdr := rec[:HeaderLen]
	// The outer type is always application_data and legacy_record_version
	// always 0x0303; the header is the additional data.
	putHeader(hdr, ApplicationData, Version12, length)
	aead.Seal(inner[:0], nonce, inner, hdr)
	c.seq++
	return nil
}

// open13 decrypts the encrypted_record frag of a TLS 1.3 record, hdr
// being the record header as received, into dst if the plaintext fits
// there and in place otherwise, and returns the real content type and
// content.
func (c *Cipher) open13(hdr, frag, dst []byte) (ContentType, []byte, error) {
	if len(frag) < c.overhead {
		// Too short to carry a tag: it cannot authenticate (section 5.2).
		return 0, nil, alert.New(alert.BadRecordMAC, "record: %d-byte TLS 1.3 record is shorter than the AEAD expansion", len(frag))
	}
	// The full TLSInnerPlaintext, padding included, MUST NOT exceed
	// 2^14 + 1 octets (section 5.4). The expansion of our AEADs is fixed,
	// so an oversized record is refused before the work of decrypting it.
	if len(frag)-c.overhead > MaxPlaintext+1 {
		return 0, nil, alert.New(alert.RecordOverflow, "record: TLSInnerPlaintext of %d bytes", len(frag)-c.overhead)
	}
	aead, err := c.active()
	if err != nil {
		return 0, nil, err
	}
	nonce, err := c.nextNonce()
	if err != nil {
		return 0, nil, err
	}
	out := frag[:0]
	if len(dst) >= len(frag)-c.overhead {
		out = dst[:0]
	}
	inner, err := aead.Open(out, nonce, frag, hdr)
	if err != nil {
		return 0, nil, alert.Wrap(alert.BadRecordMAC, err)
	}
	c.seq++
	if len(inner) > MaxPlaintext+1 {
		return 0, nil, alert.New(alert.RecordOverflow, "record: TLSInnerPlaintext of %d bytes", len(inner))
	}
	return innerType(inner)
}

// innerType splits a decrypted TLSInnerPlaintext into content type and
// content: the type is the last non-zero byte, the zeros after it are
// padding (RFC 8446 section 5.4).
func innerType(inner []byte) (ContentType, []byte, error) {
	i := len(inner) - 1
	for i >= 0 && inner[i] == 0 {
		i--
	}
	if i < 0 {
		return 0, nil, alert.New(alert.UnexpectedMessage, "record: TLSInnerPlaintext has no content type")
	}
	t, content := ContentType(inner[i]), inner[:i]
	switch t {
	case ChangeCipherSpec:
		// Only the plaintext record is tolerated (section 5).
		return 0, nil, alert.New(alert.UnexpectedMessage, "record: protected change_cipher_spec record")
	case Handshake, Alert:
		// Section 5.4: such records MUST NOT have zero-length content.
		if len(content) == 0 {
			return 0, nil, alert.New(alert.UnexpectedMessage, "record: empty protected %v record", t)
		}
	case ApplicationData:
	default:
		return 0, nil, alert.New(alert.UnexpectedMessage, "record: unknown inner content type %d", t)
	}
	return t, content, nil
}
