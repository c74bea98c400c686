package record

import (
	"encoding/binary"

	"padlock/internal/alert"
)

// sealedLen12 is the length of a TLS 1.2 AEAD record carrying n plaintext
// bytes: header, nonce_explicit, ciphertext and tag.
func (c *Cipher) sealedLen12(n int) int {
	return HeaderLen + c.explicit + n + c.overhead
}

// setAAD fills the TLS 1.2 additional_data: seq_num || type || version ||
// length, the length being that of the plaintext (RFC 5246 6.2.3.3).
func (c *Cipher) setAAD(t ContentType, vmajor, vminor byte, n int) []byte {
	binary.BigEndian.PutUint64(c.aad[:8], c.seq)
	c.aad[8] = byte(t)
	c.aad[9] = vmajor
	c.aad[10] = vminor
	c.aad[11] = byte(n >> 8)
	c.aad[12] = byte(n)
	return c.aad[:]
}

// seal12 builds a protected TLS 1.2 record (GenericAEADCipher, RFC 5246
// section 6.2.3.3) in rec, which must be exactly sealedLen12(len(frag))
// bytes long. The AEAD reads frag where the caller keeps it
// and writes straight into rec, so the plaintext is never copied.
func (c *Cipher) seal12(rec []byte, t ContentType, frag []byte) error {
	aead, err := c.active()
	if err != nil {
		return err
	}
	nonce, err := c.nextNonce()
	if err != nil {
		return err
	}
	length := c.explicit + len(frag) + c.overhead
	putHeader(rec[:HeaderLen], t, Version12, length)
	body := rec[HeaderLen:]
	// With an explicit nonce, the last 8 nonce bytes are the sequence
	// number, sent as nonce_explicit (RFC 5288 section 3).
	copy(body[:c.explicit], nonce[len(nonce)-c.explicit:])
	aad := c.setAAD(t, rec[1], rec[2], len(frag))
	aead.Seal(body[c.explicit:c.explicit], nonce, frag, aad)
	c.seq++
	return nil
}

// open12 decrypts the fragment frag of a TLS 1.2 AEAD record, hdr being
// the record header as received, into dst if the plaintext fits there
// and in place otherwise, and returns the plaintext.
func (c *Cipher) open12(hdr, frag, dst []byte) ([]byte, error) {
	if len(frag) < c.explicit+c.overhead {
		return nil, alert.New(alert.BadRecordMAC, "record: %d-byte TLS 1.2 record is shorter than the AEAD expansion", len(frag))
	}
	n := len(frag) - c.explicit - c.overhead
	if n > MaxPlaintext {
		return nil, alert.New(alert.RecordOverflow, "record: %d-byte TLS 1.2 plaintext", n)
	}
	aead, err := c.active()
	if err != nil {
		return nil, err
	}
	nonce, err := c.nextNonce()
	if err != nil {
		return nil, err
	}
	// The peer chooses nonce_explicit; use what it sent (RFC 5288 3).
	copy(nonce[len(nonce)-c.explicit:], frag[:c.explicit])
	ct := frag[c.explicit:]
	aad := c.setAAD(ContentType(hdr[0]), hdr[1], hdr[2], n)
	out := ct[:0]
	if len(dst) >= n {
		out = dst[:0]
	}
	pt, err := aead.Open(out, nonce, ct, aad)
	if err != nil {
		return nil, alert.Wrap(alert.BadRecordMAC, err)
	}
	c.seq++
	return pt, nil
}
