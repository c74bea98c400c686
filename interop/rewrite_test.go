package interop

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// keyLog is a KeyLogWriter that a proxy can read while a handshake
// writes to it.
type keyLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (k *keyLog) Write(b []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.buf.Write(b)
}

// secret returns the secret logged under label, waiting a little for it:
// an implementation may log a secret just after sending the first record
// it protects.
func (k *keyLog) secret(label string) []byte {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		k.mu.Lock()
		log := k.buf.String()
		k.mu.Unlock()
		for _, line := range strings.Split(log, "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == label {
				s, _ := hex.DecodeString(f[2])
				return s
			}
		}
	}
	return nil
}

// Handshake message types (RFC 8446 section 4).
const (
	msgServerKeyExchange = 12
	msgCertificateVerify = 15
	msgFinished          = 20
)

// handshakeRewriter is a mangler that sees into the encrypted TLS 1.3
// handshake flowing one way: it decrypts each record with the traffic
// secret from a key log, lets edit change the body of one handshake
// message, and seals the record again. It stops at the Finished message,
// after which the sender switches keys. The suite must be
// TLS_AES_128_GCM_SHA256.
type handshakeRewriter struct {
	log   *keyLog
	label string // CLIENT_ or SERVER_HANDSHAKE_TRAFFIC_SECRET
	msgs  msgWalker

	aead cipher.AEAD
	iv   []byte
	seq  uint64
}

// rewriteHandshake returns a mangler that applies edit to the message of
// type msgType sent under the secret named label.
func rewriteHandshake(log *keyLog, label string, msgType byte, edit func([]byte)) mangler {
	h := &handshakeRewriter{log: log, label: label, msgs: msgWalker{msgType: msgType, edit: edit}}
	return h.mangle
}

// flipLast flips a bit of a message body's last byte: the end of a
// signature or of Finished's verify_data.
func flipLast(body []byte) { body[len(body)-1] ^= 0x01 }

func (h *handshakeRewriter) mangle(_ int, rec []byte) []byte {
	if h.msgs.done || rec[0] != typeApplicationData {
		return rec
	}
	if h.aead == nil && !h.installKeys() {
		h.msgs.done = true
		return rec
	}
	hdr, ct := rec[:recordHeaderLen], rec[recordHeaderLen:]
	nonce := h.nonce()
	h.seq++
	inner, err := h.aead.Open(nil, nonce, ct, hdr)
	if err != nil {
		h.msgs.done = true
		return rec
	}
	// TLSInnerPlaintext: content, content type, zero padding (RFC 8446
	// section 5.2).
	end := len(inner) - 1
	for end >= 0 && inner[end] == 0 {
		end--
	}
	if end < 0 || inner[end] != typeHandshake {
		return rec
	}
	h.msgs.walk(inner[:end])
	return append(hdr[:recordHeaderLen:recordHeaderLen], h.aead.Seal(nil, nonce, inner, hdr)...)
}

// msgWalker finds handshake messages in a stream of record contents,
// messages possibly split across records, and edits those of one type.
type msgWalker struct {
	msgType byte
	edit    func(body []byte)
	skip    int  // bytes of a message begun in an earlier record
	done    bool // a Finished went by: the keys change after it
}

// walk edits the messages in one record's content in place.
func (w *msgWalker) walk(content []byte) {
	n := min(w.skip, len(content))
	content, w.skip = content[n:], w.skip-n
	for len(content) >= 4 {
		typ := content[0]
		length := int(content[1])<<16 | int(content[2])<<8 | int(content[3])
		if length > len(content)-4 {
			w.skip = length - (len(content) - 4)
			return
		}
		body := content[4 : 4+length]
		if typ == w.msgType && length > 0 {
			w.edit(body)
		}
		if typ == msgFinished {
			w.done = true
			return
		}
		content = content[4+length:]
	}
}

// rewritePlainHandshake returns a mangler that applies edit to the
// message of type msgType in the unencrypted handshake records of TLS
// 1.2, up to the ChangeCipherSpec.
func rewritePlainHandshake(msgType byte, edit func([]byte)) mangler {
	w := &msgWalker{msgType: msgType, edit: edit}
	return func(_ int, rec []byte) []byte {
		switch {
		case w.done:
		case rec[0] == typeChangeCipherSpec:
			w.done = true
		case rec[0] == typeHandshake:
			w.walk(rec[recordHeaderLen:])
		}
		return rec
	}
}

// afterCCS returns a mangler that hands f the records that follow the
// ChangeCipherSpec, counted from 0: in TLS 1.2 the first is the
// encrypted Finished.
func afterCCS(f mangler) mangler {
	seen, n := false, 0
	return func(_ int, rec []byte) []byte {
		if !seen {
			seen = rec[0] == typeChangeCipherSpec
			return rec
		}
		n++
		return f(n-1, rec)
	}
}

// installKeys derives the record key and IV from the logged secret (RFC
// 8446 section 7.3).
func (h *handshakeRewriter) installKeys() bool {
	secret := h.log.secret(h.label)
	if secret == nil {
		return false
	}
	key := expandLabel(secret, "key", 16)
	h.iv = expandLabel(secret, "iv", 12)
	block, err := aes.NewCipher(key)
	if err != nil {
		return false
	}
	h.aead, err = cipher.NewGCM(block)
	return err == nil
}

// nonce is the IV XORed with the record sequence number (RFC 8446
// section 5.3).
func (h *handshakeRewriter) nonce() []byte {
	n := bytes.Clone(h.iv)
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], h.seq)
	for i, b := range seq {
		n[len(n)-8+i] ^= b
	}
	return n
}

// expandLabel is HKDF-Expand-Label with an empty context, over SHA-256
// (RFC 8446 section 7.1).
func expandLabel(secret []byte, label string, length int) []byte {
	full := "tls13 " + label
	info := []byte{byte(length >> 8), byte(length), byte(len(full))}
	info = append(append(info, full...), 0)
	out, err := hkdf.Expand(sha256.New, secret, string(info), length)
	if err != nil {
		panic(err)
	}
	return out
}
