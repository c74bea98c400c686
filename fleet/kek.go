package fleet

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
)

// KEK is the key-encryption key that wraps the ticket keys of the ring
// at rest in Redis: AES-256-GCM. Every server of a fleet is given the
// same KEK; Redis never is, so what Redis holds cannot open a ticket.
type KEK [32]byte

// LoadKEK reads a KEK from a file: 64 hexadecimal digits (as `openssl
// rand -hex 32` writes them), or 32 raw bytes.
func LoadKEK(path string) (KEK, error) {
	var k KEK
	b, err := os.ReadFile(path)
	if err != nil {
		return k, err
	}
	defer clear(b)
	if t := bytes.TrimSpace(b); len(t) == 2*len(k) {
		if _, err := hex.Decode(k[:], t); err == nil {
			return k, nil
		}
	}
	if len(b) == len(k) {
		copy(k[:], b)
		return k, nil
	}
	return k, fmt.Errorf("fleet: %s: %w", path, errBadKEK)
}

var errBadKEK = errors.New("a KEK file holds 64 hex digits or 32 bytes")
