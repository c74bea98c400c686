package padlock

import (
	"crypto"
	"hash"

	"padlock/internal/wire"
)

// transcript is the running hash of the handshake messages (RFC 8446
// section 4.4.1, RFC 5246 section 7.4.9). Messages arrive before the
// cipher suite, and so the hash, is known; until then they are kept and
// hashed when setHash is called. TLS 1.2 client authentication signs the
// messages themselves (an Ed25519 signature has no prehash), so keepAll
// keeps them for the whole handshake.
type transcript struct {
	h       hash.Hash
	buf     []byte
	keepAll bool
}

// write adds one whole handshake message.
func (t *transcript) write(msg []byte) {
	if t.h != nil {
		t.h.Write(msg)
	}
	if t.h == nil || t.keepAll {
		t.buf = append(t.buf, msg...)
	}
}

// setHash fixes the hash function and hashes what came before.
func (t *transcript) setHash(h crypto.Hash) {
	t.h = h.New()
	t.h.Write(t.buf)
	if !t.keepAll {
		t.buf = nil
	}
}

// sum returns the hash of the messages so far; the transcript goes on.
func (t *transcript) sum() []byte { return t.h.Sum(nil) }

// replaceWithMessageHash turns the transcript of ClientHello1 into the
// synthetic message_hash message that stands for it after a
// HelloRetryRequest (RFC 8446 section 4.4.1).
func (t *transcript) replaceWithMessageHash() {
	sum := t.sum()
	t.h.Reset()
	t.h.Write(wire.MessageHash(sum))
}

// restartForRetry is replaceWithMessageHash for a client, whose
// transcript still buffers ClientHello1 and the HelloRetryRequest (the
// last hrrLen bytes) because only the HelloRetryRequest named the hash.
func (t *transcript) restartForRetry(h crypto.Hash, hrrLen int) {
	ch1, hrr := t.buf[:len(t.buf)-hrrLen], t.buf[len(t.buf)-hrrLen:]
	t.h = h.New()
	t.h.Write(ch1)
	t.replaceWithMessageHash()
	t.h.Write(hrr)
	t.buf = nil
}

// clone returns an independent copy of the running hash, for the
// transcripts of PSK binders (RFC 8446 section 4.2.11.2).
func (t *transcript) clone() *transcript {
	h, err := t.h.(hash.Cloner).Clone()
	if err != nil {
		panic("padlock: transcript hash cannot be cloned: " + err.Error())
	}
	return &transcript{h: h.(hash.Hash)}
}

// messages returns every message so far (keepAll transcripts only).
func (t *transcript) messages() []byte { return t.buf }

// sumWith returns the hash, under h, of the messages so far followed by
// extra, and leaves the transcript as it was: for the ECH confirmations,
// which hash a message the transcript does not (yet) hold.
func (t *transcript) sumWith(h crypto.Hash, extra []byte) []byte {
	var d hash.Hash
	if t.h != nil {
		d = t.clone().h
	} else {
		d = h.New()
		d.Write(t.buf)
	}
	d.Write(extra)
	return d.Sum(nil)
}
