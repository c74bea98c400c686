package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// serialLimit is 2^128 - 1: serial numbers are drawn from [1, 2^128), a
// positive integer of at most 16 octets as RFC 5280 section 4.1.2.2 requires,
// with enough entropy that two certificates never collide.
var serialLimit = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// newSerial returns a random positive 128-bit serial number.
func newSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, serialLimit)
	if err != nil {
		return nil, fmt.Errorf("pki: serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

// subjectKeyID derives the key identifier of pub with method 1 of RFC 7093
// section 2: the leftmost 160 bits of the SHA-256 hash of the subjectPublicKey
// BIT STRING value. RFC 5280 section 4.2.1.2 only asks that it be unique per
// key; a leaf's AuthorityKeyId is then copied from its issuer's value.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pki: subject key id: %w", err)
	}
	var info struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		return nil, fmt.Errorf("pki: subject key id: %w", err)
	}
	sum := sha256.Sum256(info.PublicKey.Bytes)
	return sum[:20], nil
}
