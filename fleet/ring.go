package fleet

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"padlock"
)

// The ring as Redis holds it, under Options.Prefix + "ring": JSON, the
// newest key first. Only the wrapped form of a key is there.
//
//	{"period":86400,"keys":[{"id":"9f2c…","created":1765170000,"wrapped":"…"}]}
//
// wrapped is base64 of nonce[12] || AES-256-GCM(KEK, key[32]), with the
// entry's id and created as additional data, so that neither can be
// changed (an old key passed off as new) without the entry failing to
// open.

// ringDoc is the ring's JSON.
type ringDoc struct {
	// Period is the rotation period, in seconds, of the server that
	// last wrote the ring: what `padlock fleet status` dates the next
	// rotation by.
	Period int64       `json:"period"`
	Keys   []ringEntry `json:"keys"`
}

// ringEntry is one wrapped ticket key.
type ringEntry struct {
	ID      string `json:"id"`      // 16 hex digits, random: names the key, reveals nothing of it
	Created int64  `json:"created"` // Unix seconds
	Wrapped string `json:"wrapped"`
}

// maxRingEntries bounds the ring a server accepts from Redis, and
// maxRingBytes the JSON it parses.
const (
	maxRingEntries = 64
	maxRingBytes   = 64 << 10
)

// ErrMalformedRing is the error of a ring in Redis that does not parse.
var ErrMalformedRing = errors.New("fleet: malformed ticket key ring")

// parseRing decodes the ring's JSON, checking its shape; it opens no key.
func parseRing(b []byte) (*ringDoc, error) {
	if len(b) > maxRingBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformedRing, len(b))
	}
	var d ringDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedRing, err)
	}
	if len(d.Keys) > maxRingEntries || d.Period < 0 {
		return nil, fmt.Errorf("%w: %d keys, period %d", ErrMalformedRing, len(d.Keys), d.Period)
	}
	return &d, nil
}

// encode is the ring's JSON.
func (d *ringDoc) encode() []byte {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // strings and integers always encode
	}
	return b
}

// entryAAD binds an entry's id and date to its wrapped key.
func entryAAD(id string, created int64) []byte {
	return []byte("padlock fleet ticket key v1 " + id + " " + strconv.FormatInt(created, 10))
}

// kekAEAD is the AES-256-GCM of a KEK.
func kekAEAD(kek KEK) cipher.AEAD {
	block, err := aes.NewCipher(kek[:])
	if err != nil {
		panic(err) // 32 bytes is a valid AES key
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// newEntry makes a fresh ticket key, wrapped under aead, created at now.
func newEntry(aead cipher.AEAD, rand io.Reader, now time.Time) (ringEntry, padlock.TicketKey, error) {
	var key padlock.TicketKey
	var id [8]byte
	nonce := make([]byte, aead.NonceSize())
	for _, b := range [][]byte{key[:], id[:], nonce} {
		if _, err := io.ReadFull(rand, b); err != nil {
			return ringEntry{}, key, err
		}
	}
	e := ringEntry{ID: fmt.Sprintf("%x", id), Created: now.Unix()}
	sealed := aead.Seal(nonce, nonce, key[:], entryAAD(e.ID, e.Created))
	e.Wrapped = base64.StdEncoding.EncodeToString(sealed)
	return e, key, nil
}

// errTampered is why an entry does not open: a wrong KEK, or bytes
// that are not an entry's.
var errTampered = errors.New("does not open under this KEK (a wrong KEK, or tampered with)")

// unwrap opens an entry's key.
func (e *ringEntry) unwrap(aead cipher.AEAD) (padlock.TicketKey, error) {
	var key padlock.TicketKey
	b, err := base64.StdEncoding.DecodeString(e.Wrapped)
	if err != nil || len(b) < aead.NonceSize() {
		return key, errTampered
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], entryAAD(e.ID, e.Created))
	if err != nil || len(plain) != len(key) {
		return key, errTampered
	}
	copy(key[:], plain)
	clear(plain)
	return key, nil
}
