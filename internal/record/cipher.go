package record

import (
	"crypto/cipher"
	"encoding/binary"
	"math"
	"weak"

	"padlock/internal/alert"
)

// maxExpansion bounds what a Cipher may add to a record's plaintext: the
// AEAD expansion of a TLS 1.3 cipher MUST NOT exceed 255 octets (RFC 8446
// section 5.2). Holding TLS 1.2 ciphers to the same bound (the explicit
// nonce included) lets one buffer size serve both versions; the AEADs of
// RFC 5288 and RFC 7905 add 24 and 16 bytes.
const maxExpansion = 255

// maxNonce is the longest AEAD nonce a Cipher holds: XChaCha20-Poly1305's.
// Every suite of TLS uses 12.
const maxNonce = 24

// Cipher protects the records of one direction under one traffic key: it
// holds the AEAD, the static IV and the sequence number that RFC 8446
// section 5.3 and RFC 5246 section 6.1 keep per key. A Cipher belongs to
// exactly one Reader or Writer; give each direction its own.
type Cipher struct {
	aead     cipher.AEAD // nil while idle: see Idle
	version  uint16
	overhead int            // aead.Overhead(), cached off the hot path
	explicit int            // TLS 1.2 nonce_explicit length on the wire: 0 or 8
	ivLow    uint64         // last 8 IV bytes, XORed with seq; 0 with an explicit nonce
	nonce    [maxNonce]byte // per-record nonce; all but the last 8 bytes are fixed
	nonceLen int
	aad      [13]byte // TLS 1.2 additional_data scratch space
	seq      uint64

	// With KeepKey, the AEAD can be dropped while the connection is idle
	// and made again from the key; see Idle.
	remake func(key []byte) (cipher.AEAD, error)
	key    [32]byte
	keyLen int
	state  *aeadState              // the AEAD, held while active
	weak   weak.Pointer[aeadState] // finds it again, if no GC freed it
}

// aeadState boxes an AEAD, so that a weak pointer can refer to it.
type aeadState struct{ aead cipher.AEAD }

// NewCipher13 returns a TLS 1.3 Cipher. The per-record nonce is the IV
// XORed with the sequence number (RFC 8446 section 5.3) and the additional
// data is the record header (section 5.2). iv must be aead.NonceSize()
// bytes long, at least 8. It panics on misuse, which is a bug in the
// caller, never a property of network input.
func NewCipher13(aead cipher.AEAD, iv []byte) *Cipher {
	if len(iv) != aead.NonceSize() || len(iv) < 8 {
		panic("record: TLS 1.3 IV length does not match the AEAD nonce size")
	}
	return newCipher(aead, Version13, iv, 0)
}

// NewCipher12 returns a TLS 1.2 AEAD Cipher.
//
// With explicitNonceLen 8 (AES-GCM, RFC 5288 section 3) fixedIV is the
// 4-byte salt and the nonce is salt || nonce_explicit, where
// nonce_explicit is the sequence number, sent in front of each record.
// With explicitNonceLen 0 (ChaCha20-Poly1305, RFC 7905 section 2) fixedIV
// is the full-length IV and the nonce is fixedIV XORed with the sequence
// number. In both cases the additional data is seq_num || type || version
// || length (RFC 5246 section 6.2.3.3). It panics on misuse.
func NewCipher12(aead cipher.AEAD, fixedIV []byte, explicitNonceLen int) *Cipher {
	n := aead.NonceSize()
	switch {
	case explicitNonceLen == 8 && len(fixedIV)+8 == n:
	case explicitNonceLen == 0 && len(fixedIV) == n && n >= 8:
	default:
		panic("record: TLS 1.2 IV and explicit nonce lengths do not match the AEAD nonce size")
	}
	return newCipher(aead, Version12, fixedIV, explicitNonceLen)
}

func newCipher(aead cipher.AEAD, version uint16, iv []byte, explicit int) *Cipher {
	if aead.Overhead()+explicit > maxExpansion {
		panic("record: AEAD expansion exceeds 255 bytes")
	}
	if aead.NonceSize() > maxNonce {
		panic("record: AEAD nonce longer than 24 bytes")
	}
	c := &Cipher{
		aead:     aead,
		version:  version,
		overhead: aead.Overhead(),
		explicit: explicit,
		nonceLen: aead.NonceSize(),
	}
	copy(c.nonce[:], iv)
	if explicit == 0 {
		c.ivLow = binary.BigEndian.Uint64(iv[len(iv)-8:])
	}
	return c
}

// KeepKey lets the Cipher drop its AEAD while the connection is idle
// (see Idle) and make it again, when it is next needed, with remake(key).
// key is copied; it is at most 32 bytes.
func (c *Cipher) KeepKey(key []byte, remake func(key []byte) (cipher.AEAD, error)) {
	if len(key) > len(c.key) {
		panic("record: key longer than 32 bytes")
	}
	c.keyLen = copy(c.key[:], key)
	c.remake = remake
}

// Idle tells a Cipher made with KeepKey that its connection has nothing
// to protect or open for now. It drops its reference to the AEAD's state
// (for AES-GCM the key schedule and the GHASH table, some 750 bytes, most
// of what an idle connection would hold) and keeps only a weak one: used
// again before the next garbage collection, the Cipher finds the same
// AEAD at no cost; after it, the Cipher makes a new one from the key, a
// key setup of a microsecond or so. A busy connection therefore pays
// nothing, and one idle across a collection holds 32 bytes of key per
// direction instead.
func (c *Cipher) Idle() {
	if c.remake == nil || c.aead == nil {
		return
	}
	if c.state == nil {
		// The first time: box the AEAD for the weak pointer. (Made
		// here, not in KeepKey, so that Ciphers replaced before they
		// ever idle, as a handshake's are, cost no weak pointer.)
		c.state = &aeadState{c.aead}
		c.weak = weak.Make(c.state)
	}
	c.aead, c.state = nil, nil
}

// active returns the AEAD, taking it back, or making it again, when the
// Cipher was idle.
func (c *Cipher) active() (cipher.AEAD, error) {
	if c.aead != nil {
		return c.aead, nil
	}
	if s := c.weak.Value(); s != nil {
		c.aead, c.state = s.aead, s
		return c.aead, nil
	}
	aead, err := c.remake(c.key[:c.keyLen])
	if err != nil {
		return nil, alert.New(alert.InternalError, "record: remaking the AEAD: %v", err)
	}
	c.aead, c.state = aead, &aeadState{aead}
	c.weak = weak.Make(c.state)
	return aead, nil
}

// Seq returns how many records this Cipher has protected or opened, which
// is also the sequence number of the next one. The connection compares it
// with the key usage limits of RFC 8446 section 5.5.
func (c *Cipher) Seq() uint64 { return c.seq }

// Version returns the protocol version whose record rules the Cipher
// follows: Version13 or Version12.
func (c *Cipher) Version() uint16 { return c.version }

// nextNonce returns the nonce for the current sequence number, formed as
// RFC 8446 section 5.3 and RFC 7905 section 2 describe: the sequence
// number, left-padded to the IV length, XORed with the IV. With an explicit
// nonce ivLow is zero, so the result is salt || seq (RFC 5288 section 3).
//
// Sequence numbers MUST NOT wrap (RFC 8446 section 5.3, RFC 5246 section
// 6.1), so the last value is never used: the connection must rekey or close
// long before.
func (c *Cipher) nextNonce() ([]byte, error) {
	if c.seq == math.MaxUint64 {
		return nil, alert.New(alert.InternalError, "record: sequence number exhausted")
	}
	nonce := c.nonce[:c.nonceLen]
	binary.BigEndian.PutUint64(nonce[len(nonce)-8:], c.ivLow^c.seq)
	return nonce, nil
}

// checkVersion reports an error when the connection's negotiated version
// v (0 while unknown) does not match the Cipher's, a bug in the caller that
// would otherwise produce records the peer cannot open.
func (c *Cipher) checkVersion(v uint16) error {
	if v != 0 && v != c.version {
		return alert.New(alert.InternalError, "record: cipher for version %#04x used on a %#04x connection", c.version, v)
	}
	return nil
}
