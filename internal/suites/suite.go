package suites

import (
	"crypto"
	"crypto/cipher"
	"strings"
)

// KeyExchange is how a cipher suite establishes the premaster secret in
// TLS 1.2. TLS 1.3 suites do not say: the key_share extension does.
type KeyExchange uint8

// The key exchanges of the suites padlock implements.
const (
	KXNone  KeyExchange = iota // TLS 1.3: negotiated separately
	KXECDHE                    // ephemeral ECDH, RFC 8422
	KXRSA                      // RSA key transport, RFC 5246 section 7.4.7.1
)

// Auth is the kind of certificate key a TLS 1.2 cipher suite requires.
// TLS 1.3 suites accept any: signature_algorithms decides.
type Auth uint8

// The authentication kinds of the suites padlock implements.
const (
	AuthAny   Auth = iota // TLS 1.3
	AuthECDSA             // ECDSA certificate (ECDHE_ECDSA)
	AuthRSA               // RSA certificate (ECDHE_RSA and RSA key transport)
)

// Suite describes a cipher suite padlock implements: its record
// protection and, for TLS 1.2, how keys are exchanged and authenticated.
type Suite struct {
	ID    uint16
	Name  string // IANA name, e.g. "TLS_AES_128_GCM_SHA256"
	TLS13 bool   // a TLS 1.3 suite (usable only in TLS 1.3, and vice versa)

	// Hash is the transcript hash and the hash of the TLS 1.2 PRF or
	// the TLS 1.3 HKDF.
	Hash crypto.Hash

	KeyLen int // AEAD key length in bytes

	// FixedIVLen is the length of the IV derived from the key schedule:
	// 12 for TLS 1.3 and TLS 1.2 ChaCha20-Poly1305 (RFC 7905 section 2,
	// the nonce is this IV XOR the sequence number), 4 for TLS 1.2
	// AES-GCM (RFC 5288 section 3, the salt before the explicit nonce).
	FixedIVLen int

	// ExplicitNonceLen is the length of the per-record nonce carried in
	// each TLS 1.2 AES-GCM record (RFC 5288 section 3); 0 otherwise.
	ExplicitNonceLen int

	KX   KeyExchange
	Auth Auth

	// NewAEAD returns the record protection keyed with key, which must
	// be KeyLen bytes. Its nonce is 12 bytes in every suite; building
	// it from the IV and sequence number is the record layer's job.
	NewAEAD func(key []byte) (cipher.AEAD, error)
}

// The cipher suite IDs padlock implements.
const (
	TLS_AES_128_GCM_SHA256       uint16 = 0x1301
	TLS_AES_256_GCM_SHA384       uint16 = 0x1302
	TLS_CHACHA20_POLY1305_SHA256 uint16 = 0x1303

	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       uint16 = 0xC02B
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       uint16 = 0xC02C
	TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 uint16 = 0xCCA9
	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         uint16 = 0xC02F
	TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         uint16 = 0xC030
	TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   uint16 = 0xCCA8
	TLS_RSA_WITH_AES_128_GCM_SHA256               uint16 = 0x009C
	TLS_RSA_WITH_AES_256_GCM_SHA384               uint16 = 0x009D
)

// suites is every cipher suite padlock implements.
var suites = []Suite{
	suite13(TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256", crypto.SHA256, 16, newAESGCM),
	suite13(TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384", crypto.SHA384, 32, newAESGCM),
	suite13(TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256", crypto.SHA256, 32, newChaCha20Poly1305),

	gcm12(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", KXECDHE, AuthECDSA, crypto.SHA256, 16),
	gcm12(TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", KXECDHE, AuthECDSA, crypto.SHA384, 32),
	chacha12(TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", AuthECDSA),
	gcm12(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", KXECDHE, AuthRSA, crypto.SHA256, 16),
	gcm12(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", KXECDHE, AuthRSA, crypto.SHA384, 32),
	chacha12(TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", AuthRSA),
	gcm12(TLS_RSA_WITH_AES_128_GCM_SHA256, "TLS_RSA_WITH_AES_128_GCM_SHA256", KXRSA, AuthRSA, crypto.SHA256, 16),
	gcm12(TLS_RSA_WITH_AES_256_GCM_SHA384, "TLS_RSA_WITH_AES_256_GCM_SHA384", KXRSA, AuthRSA, crypto.SHA384, 32),
}

// suite13 describes a TLS 1.3 suite: the IV is 12 bytes and XORed with
// the sequence number (RFC 8446 section 5.3).
func suite13(id uint16, name string, h crypto.Hash, keyLen int, aead func([]byte) (cipher.AEAD, error)) Suite {
	return Suite{ID: id, Name: name, TLS13: true, Hash: h, KeyLen: keyLen,
		FixedIVLen: 12, KX: KXNone, Auth: AuthAny, NewAEAD: aead}
}

// gcm12 describes a TLS 1.2 AES-GCM suite: a 4-byte salt from the key
// block and an 8-byte explicit nonce in every record (RFC 5288 section 3).
func gcm12(id uint16, name string, kx KeyExchange, auth Auth, h crypto.Hash, keyLen int) Suite {
	return Suite{ID: id, Name: name, Hash: h, KeyLen: keyLen,
		FixedIVLen: 4, ExplicitNonceLen: 8, KX: kx, Auth: auth, NewAEAD: newAESGCM}
}

// chacha12 describes a TLS 1.2 ChaCha20-Poly1305 suite: a 12-byte IV
// XORed with the sequence number, like TLS 1.3 (RFC 7905 section 2).
func chacha12(id uint16, name string, auth Auth) Suite {
	return Suite{ID: id, Name: name, Hash: crypto.SHA256, KeyLen: 32,
		FixedIVLen: 12, KX: KXECDHE, Auth: auth, NewAEAD: newChaCha20Poly1305}
}

// Default13 is the TLS 1.3 cipher suites padlock offers, in preference
// order.
var Default13 = []uint16{
	TLS_AES_128_GCM_SHA256,
	TLS_AES_256_GCM_SHA384,
	TLS_CHACHA20_POLY1305_SHA256,
}

// Default12 is the TLS 1.2 cipher suites padlock offers, in preference
// order: forward-secret ECDHE only. RSA key transport is opt-in
// (RSAKeyTransport12).
var Default12 = []uint16{
	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// RSAKeyTransport12 is the TLS 1.2 RSA key transport suites padlock
// implements but offers only when asked: they have no forward secrecy.
var RSAKeyTransport12 = []uint16{
	TLS_RSA_WITH_AES_128_GCM_SHA256,
	TLS_RSA_WITH_AES_256_GCM_SHA384,
}

// SuiteByID returns the cipher suite with the given ID, or nil if padlock
// does not implement it.
func SuiteByID(id uint16) *Suite {
	for i := range suites {
		if suites[i].ID == id {
			return &suites[i]
		}
	}
	return nil
}

// SuiteByName returns the implemented cipher suite with the given IANA
// name, compared case-insensitively, or nil.
func SuiteByName(name string) *Suite {
	for i := range suites {
		if strings.EqualFold(suites[i].Name, name) {
			return &suites[i]
		}
	}
	return nil
}
