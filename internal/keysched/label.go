package keysched

import (
	"crypto"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
)

// labelPrefix starts every HkdfLabel.label (RFC 8446 section 7.1).
const labelPrefix = "tls13 "

// zeros backs the "0" inputs of the key schedule: Hash.length zero bytes
// (RFC 8446 section 7.1). It is never written.
var zeros [sha512.Size]byte

// The hashes of the empty string, the Transcript-Hash("") used by the
// "derived" secrets and by exporters.
var (
	emptySHA256 = sha256.Sum256(nil)
	emptySHA384 = sha512.Sum384(nil)
)

// emptyHash returns Hash(""). The result must not be modified.
func emptyHash(h crypto.Hash) []byte {
	switch h {
	case crypto.SHA256:
		return emptySHA256[:]
	case crypto.SHA384:
		return emptySHA384[:]
	}
	return h.New().Sum(nil)
}

// ExpandLabel is HKDF-Expand-Label of RFC 8446 section 7.1. The label is
// given without its "tls13 " prefix, which ExpandLabel adds.
//
// It panics if the label (with prefix) or the context is longer than 255
// bytes, or if length is out of range for the hash: no caller derives
// such values from network input.
func ExpandLabel(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	return newExpander(h, secret).expandNew(label, context, length)
}

// DeriveSecret is Derive-Secret(Secret, Label, Messages) of RFC 8446
// section 7.1, given transcriptHash = Transcript-Hash(Messages) rather than
// the messages themselves, so callers can hash incrementally.
func DeriveSecret(h crypto.Hash, secret []byte, label string, transcriptHash []byte) []byte {
	return ExpandLabel(h, secret, label, transcriptHash, h.Size())
}

// extract is HKDF-Extract(salt, ikm) in the RFC's argument order: in the
// schedule diagram the salt is the current secret and the IKM the new one.
func extract(h crypto.Hash, salt, ikm []byte) []byte {
	prk, err := hkdf.Extract(h.New, ikm, salt)
	if err != nil {
		panic("keysched: HKDF-Extract: " + err.Error())
	}
	return prk
}

// ECHConfirmation is the 8-byte signal with which a server that used the
// client's ClientHelloInner says so (draft-ietf-tls-esni sections 7.2,
// 7.2.1): HKDF-Expand-Label(HKDF-Extract(0, ClientHelloInner.random),
// label, transcript, 8), the label "ech accept confirmation" for a
// ServerHello and "hrr ech accept confirmation" for a
// HelloRetryRequest. transcript hashes the inner transcript through the
// server's message with the signal's bytes zeroed.
func ECHConfirmation(h crypto.Hash, innerRandom, transcript []byte, hrr bool) []byte {
	label := "ech accept confirmation"
	if hrr {
		label = "hrr ech accept confirmation"
	}
	return ExpandLabel(h, extract(h, make([]byte, h.Size()), innerRandom), label, transcript, 8)
}
