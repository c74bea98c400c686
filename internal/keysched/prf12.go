package keysched

import (
	"crypto"
	"crypto/hmac"
	"hash"
)

// Lengths fixed by TLS 1.2.
const (
	masterSecretLen12 = 48 // RFC 5246 section 8.1
	verifyDataLen12   = 12 // RFC 5246 section 7.4.9
)

// PRF12 returns n bytes of the TLS 1.2 PRF (RFC 5246 section 5):
// P_hash(secret, label + seed), with h the cipher suite's PRF hash
// (SHA-256, or SHA-384 for the _SHA384 suites).
func PRF12(h crypto.Hash, secret []byte, label string, seed []byte, n int) []byte {
	return NewPRF(h, secret).Expand(make([]byte, 0, n), n, label, seed)
}

// PRF is the TLS 1.2 PRF keyed with one secret. One HMAC keyed with the
// secret serves every output derived from it, Reset between uses: the
// key block and both Finished messages all come from the master secret,
// where PRF12 would key a new HMAC each time. A PRF is not safe for
// concurrent use.
type PRF struct {
	mac          hash.Hash
	a, block     [64]byte // A(i) and the current output block
	labelScratch [64]byte // the label as bytes, without an allocation
}

// NewPRF returns the PRF of hash h keyed with secret.
func NewPRF(h crypto.Hash, secret []byte) *PRF {
	return &PRF{mac: hmac.New(h.New, secret)}
}

// Expand appends n bytes of PRF(secret, label, seed) to out, where the
// seed is the concatenation of seeds:
//
//	A(0) = label + seed
//	A(i) = HMAC_hash(secret, A(i-1))
//	P_hash = HMAC_hash(secret, A(1) + label + seed) + HMAC_hash(secret, A(2) + label + seed) + ...
//
// truncated to n bytes.
func (p *PRF) Expand(out []byte, n int, label string, seeds ...[]byte) []byte {
	lab := p.labelScratch[:0]
	if len(label) > len(p.labelScratch) {
		lab = make([]byte, 0, len(label))
	}
	lab = append(lab, label...)
	labelSeed := func() {
		p.mac.Write(lab)
		for _, s := range seeds {
			p.mac.Write(s)
		}
	}
	p.mac.Reset()
	labelSeed()
	a := p.mac.Sum(p.a[:0])
	for {
		p.mac.Reset()
		p.mac.Write(a)
		labelSeed()
		block := p.mac.Sum(p.block[:0])
		k := min(n, len(block))
		out = append(out, block[:k]...)
		if n -= k; n == 0 {
			return out
		}
		p.mac.Reset()
		p.mac.Write(a)
		a = p.mac.Sum(p.a[:0])
	}
}

// KeyBlock is KeyBlock12 with the master secret the PRF is keyed with.
func (p *PRF) KeyBlock(clientRandom, serverRandom []byte, keyLen, ivLen int) (clientKey, serverKey, clientIV, serverIV []byte) {
	n := 2*keyLen + 2*ivLen
	kb := p.Expand(make([]byte, 0, n), n, "key expansion", serverRandom, clientRandom)
	clientKey, kb = kb[:keyLen:keyLen], kb[keyLen:]
	serverKey, kb = kb[:keyLen:keyLen], kb[keyLen:]
	clientIV, kb = kb[:ivLen:ivLen], kb[ivLen:]
	serverIV = kb[:ivLen:ivLen]
	return clientKey, serverKey, clientIV, serverIV
}

// VerifyData is VerifyData12 with the master secret the PRF is keyed
// with.
func (p *PRF) VerifyData(label string, handshakeHash []byte) []byte {
	return p.Expand(make([]byte, 0, verifyDataLen12), verifyDataLen12, label, handshakeHash)
}

// MasterSecret12 returns the 48-byte master_secret of RFC 5246 section
// 8.1: PRF(pre_master_secret, "master secret", ClientHello.random +
// ServerHello.random). Used only when the extended master secret was not
// negotiated.
func MasterSecret12(h crypto.Hash, premaster, clientRandom, serverRandom []byte) []byte {
	return NewPRF(h, premaster).Expand(make([]byte, 0, masterSecretLen12), masterSecretLen12,
		"master secret", clientRandom, serverRandom)
}

// ExtendedMasterSecret12 returns the 48-byte master_secret of RFC 7627
// section 4: PRF(pre_master_secret, "extended master secret",
// session_hash), where session_hash is the hash of the handshake messages
// up to and including ClientKeyExchange.
func ExtendedMasterSecret12(h crypto.Hash, premaster, sessionHash []byte) []byte {
	return PRF12(h, premaster, "extended master secret", sessionHash, masterSecretLen12)
}

// KeyBlock12 expands the master secret into the write keys and IVs of an
// AEAD cipher suite (RFC 5246 section 6.3). The seed is server_random +
// client_random, the reverse of the master secret's. AEAD suites have no
// MAC keys (mac_key_length 0), so the block is client key, server key,
// client IV, server IV; ivLen is the fixed_iv_length (4 for AES-GCM, RFC
// 5288 section 3; 12 for ChaCha20-Poly1305, RFC 7905 section 2).
//
// The four slices share one array but are capped, so appending to one
// cannot overwrite the next.
func KeyBlock12(h crypto.Hash, master, clientRandom, serverRandom []byte, keyLen, ivLen int) (clientKey, serverKey, clientIV, serverIV []byte) {
	return NewPRF(h, master).KeyBlock(clientRandom, serverRandom, keyLen, ivLen)
}

// VerifyData12 returns the 12-byte verify_data of a TLS 1.2 Finished
// message (RFC 5246 section 7.4.9): PRF(master_secret, finished_label,
// Hash(handshake_messages)), where label is "client finished" or "server
// finished".
func VerifyData12(h crypto.Hash, master []byte, label string, handshakeHash []byte) []byte {
	return NewPRF(h, master).VerifyData(label, handshakeHash)
}

// Exporter12 is the TLS 1.2 keying material exporter of RFC 5705 section
// 4: PRF(master_secret, label, client_random + server_random [+
// context_value_length + context_value])[length].
//
// A nil context means no context; a non-nil empty one is an empty context
// and gives a different output, as RFC 5705 requires. It panics if the
// context is longer than 65535 bytes; the conn checks that first.
func Exporter12(h crypto.Hash, master, clientRandom, serverRandom []byte, label string, context []byte, length int) []byte {
	n := len(clientRandom) + len(serverRandom)
	if context != nil {
		if len(context) > 0xffff {
			panic("keysched: exporter context longer than 65535 bytes")
		}
		n += 2 + len(context)
	}
	seed := make([]byte, 0, n)
	seed = append(append(seed, clientRandom...), serverRandom...)
	if context != nil {
		seed = append(seed, byte(len(context)>>8), byte(len(context)))
		seed = append(seed, context...)
	}
	return PRF12(h, master, label, seed, length)
}
