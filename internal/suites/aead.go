package suites

import (
	"crypto/aes"
	"crypto/cipher"

	"golang.org/x/crypto/chacha20poly1305"
)

// newAESGCM returns AES-GCM with the standard 12-byte nonce and 16-byte
// tag (AEAD_AES_128_GCM / AEAD_AES_256_GCM of RFC 5116).
func newAESGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// newChaCha20Poly1305 returns AEAD_CHACHA20_POLY1305 (RFC 8439).
func newChaCha20Poly1305(key []byte) (cipher.AEAD, error) {
	return chacha20poly1305.New(key)
}
