package keysched

import (
	"crypto"
	"crypto/hmac"
	"crypto/subtle"
)

// TrafficSecret is a TLS 1.3 traffic secret with the HMAC that derives
// from it, so that its key, its IV and, for a handshake traffic secret,
// its finished_key take a single HMAC key setup.
type TrafficSecret struct {
	e *expander
}

// NewTrafficSecret wraps a traffic secret of hash h. The secret is not
// copied.
func NewTrafficSecret(h crypto.Hash, secret []byte) *TrafficSecret {
	return &TrafficSecret{newExpander(h, secret)}
}

// Bytes returns the secret, for the key log and for KeyUpdate.
func (t *TrafficSecret) Bytes() []byte { return t.e.secret }

// Keys returns the record protection key and IV (RFC 8446 section 7.3),
// in one array, capped so that appending to one cannot overwrite the
// other.
func (t *TrafficSecret) Keys(keyLen, ivLen int) (key, iv []byte) {
	out := make([]byte, 0, keyLen+ivLen+t.e.h.Size())
	out = t.e.expand(out, "key", nil, keyLen)
	out = t.e.expand(out, "iv", nil, ivLen)
	return out[:keyLen:keyLen], out[keyLen : keyLen+ivLen : keyLen+ivLen]
}

// FinishedVerifyData returns the verify_data of the Finished message
// whose base key is this handshake traffic secret (RFC 8446 section
// 4.4.4): HMAC(finished_key, transcriptHash).
func (t *TrafficSecret) FinishedVerifyData(transcriptHash []byte) []byte {
	return finishedMAC(t.e, transcriptHash)
}

// TrafficKeys returns the record protection key and IV derived from a
// traffic secret (RFC 8446 section 7.3): labels "key" and "iv".
// The two share one array, capped so that appending to one cannot
// overwrite the other.
func TrafficKeys(h crypto.Hash, trafficSecret []byte, keyLen, ivLen int) (key, iv []byte) {
	return NewTrafficSecret(h, trafficSecret).Keys(keyLen, ivLen)
}

// FinishedKey returns finished_key = HKDF-Expand-Label(BaseKey,
// "finished", "", Hash.length) (RFC 8446 section 4.4.4).
func FinishedKey(h crypto.Hash, baseKey []byte) []byte {
	return ExpandLabel(h, baseKey, "finished", nil, h.Size())
}

// FinishedVerifyData returns HMAC(finished_key, transcriptHash), the
// verify_data of a Finished message (RFC 8446 section 4.4.4). The base key
// is the sender's handshake traffic secret, or, for a PSK binder (section
// 4.2.11.2), the binder_key with transcriptHash the hash of the truncated
// ClientHello.
func FinishedVerifyData(h crypto.Hash, baseKey, transcriptHash []byte) []byte {
	return finishedMAC(newExpander(h, baseKey), transcriptHash)
}

// finishedMAC computes HMAC(finished_key, transcriptHash), finished_key
// coming from e's secret.
func finishedMAC(e *expander, transcriptHash []byte) []byte {
	h := e.h
	out := make([]byte, 0, 2*h.Size())
	key := e.expand(out, "finished", nil, h.Size()) // in out's second half's room
	mac := hmac.New(h.New, key)
	mac.Write(transcriptHash)
	sum := mac.Sum(out[len(key):len(key)])
	clear(key)
	return sum[:h.Size():h.Size()]
}

// NextTrafficSecret returns application_traffic_secret_N+1 from
// application_traffic_secret_N, for KeyUpdate (RFC 8446 section 7.2).
func NextTrafficSecret(h crypto.Hash, secret []byte) []byte {
	return ExpandLabel(h, secret, "traffic upd", nil, h.Size())
}

// ResumptionPSK returns the PSK that a NewSessionTicket with the given
// ticket_nonce stands for (RFC 8446 section 4.6.1).
func ResumptionPSK(h crypto.Hash, resumptionMaster, ticketNonce []byte) []byte {
	return ExpandLabel(h, resumptionMaster, "resumption", ticketNonce, h.Size())
}

// Exporter is TLS-Exporter(label, context_value, key_length) of RFC 8446
// section 7.5, from the exporter_master_secret or the
// early_exporter_master_secret. Unlike TLS 1.2, no context and an empty
// context give the same output, so a nil context is simply empty.
//
// It panics if the label is longer than 249 bytes (255 with the "tls13 "
// prefix) or length exceeds 255*Hash.length; the conn checks both first.
func Exporter(h crypto.Hash, exporterMaster []byte, label string, context []byte, length int) []byte {
	secret := DeriveSecret(h, exporterMaster, label, emptyHash(h))
	ch := h.New()
	ch.Write(context)
	out := ExpandLabel(h, secret, "exporter", ch.Sum(nil), length)
	clear(secret)
	return out
}

// Equal reports whether a and b are equal, in time that depends only on
// their lengths: comparing a received Finished or binder with the
// expected one must not tell an attacker how many bytes matched.
func Equal(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}
