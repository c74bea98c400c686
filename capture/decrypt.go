package capture

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"

	"padlock/internal/keysched"
	"padlock/internal/suites"
)

// opener opens the records of one direction, as the receiver would.
type opener struct {
	aead     cipher.AEAD
	iv       []byte // 12 bytes, or the 4-byte salt of TLS 1.2 AES-GCM
	explicit int    // the explicit nonce carried in each TLS 1.2 AES-GCM record
	tls13    bool
	early    bool // keyed with the client's early traffic secret (0-RTT)
	seq      uint64
}

var errOpen = errors.New("the record does not open with these keys")

// newOpener13 keys a TLS 1.3 direction from its traffic secret (RFC 8446
// section 7.3).
func newOpener13(s *suites.Suite, secret []byte) (*opener, error) {
	key, iv := keysched.TrafficKeys(s.Hash, secret, s.KeyLen, s.FixedIVLen)
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, err
	}
	return &opener{aead: aead, iv: iv, tls13: true}, nil
}

// newOpeners12 keys both TLS 1.2 directions from the master secret
// (RFC 5246 section 6.3): the client's first, then the server's.
func newOpeners12(s *suites.Suite, master, clientRandom, serverRandom []byte) ([2]*opener, error) {
	ck, sk, civ, siv := keysched.KeyBlock12(s.Hash, master, clientRandom, serverRandom, s.KeyLen, s.FixedIVLen)
	var o [2]*opener
	for i, k := range [][2][]byte{{ck, civ}, {sk, siv}} {
		aead, err := s.NewAEAD(k[0])
		if err != nil {
			return o, err
		}
		o[i] = &opener{aead: aead, iv: k[1], explicit: s.ExplicitNonceLen}
	}
	return o, nil
}

// open decrypts r and returns its content type and plaintext: for TLS
// 1.3 the inner type, found after stripping the padding (RFC 8446
// section 5.2), for TLS 1.2 the record's own.
func (o *opener) open(r *record) (uint8, []byte, error) {
	seq := o.seq
	o.seq++
	if o.tls13 {
		return o.open13(r, seq)
	}
	return o.open12(r, seq)
}

func (o *opener) open13(r *record, seq uint64) (uint8, []byte, error) {
	plain, err := o.aead.Open(nil, xorNonce(o.iv, seq), r.body, r.header)
	if err != nil {
		return 0, nil, errOpen
	}
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 {
		return 0, nil, errors.New("the record holds only padding, no content type")
	}
	return plain[i], plain[:i], nil
}

// open12 opens a TLS 1.2 AEAD record: the additional data is the
// sequence number and the plaintext's header (RFC 5246 section 6.2.3.3);
// AES-GCM's nonce is the salt and the record's explicit nonce (RFC 5288
// section 3), ChaCha20-Poly1305's the IV XOR the sequence number
// (RFC 7905 section 2).
func (o *opener) open12(r *record, seq uint64) (uint8, []byte, error) {
	body := r.body
	var nonce []byte
	if o.explicit > 0 {
		if len(body) < o.explicit {
			return 0, nil, errOpen
		}
		nonce = append(append([]byte(nil), o.iv...), body[:o.explicit]...)
		body = body[o.explicit:]
	} else {
		nonce = xorNonce(o.iv, seq)
	}
	if len(body) < o.aead.Overhead() {
		return 0, nil, errOpen
	}
	var ad [13]byte
	binary.BigEndian.PutUint64(ad[:], seq)
	copy(ad[8:11], r.header[:3])
	binary.BigEndian.PutUint16(ad[11:], uint16(len(body)-o.aead.Overhead()))
	plain, err := o.aead.Open(nil, nonce, body, ad[:])
	if err != nil {
		return 0, nil, errOpen
	}
	return r.typ, plain, nil
}

// xorNonce is the 12-byte IV XOR the sequence number, right-aligned.
func xorNonce(iv []byte, seq uint64) []byte {
	n := append([]byte(nil), iv...)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	for i := range s {
		n[len(n)-8+i] ^= s[i]
	}
	return n
}
