package suites

import (
	"crypto"
	"crypto/mlkem"
	"io"
)

// kemParams is the ML-KEM half of a hybrid group (FIPS 203).
type kemParams struct {
	encapsulationKeyLen int // in the client's share
	ciphertextLen       int // in the server's share
	newKey              func(seed []byte) (crypto.Decapsulator, error)
	parseKey            func(ek []byte) (crypto.Encapsulator, error)
}

var mlkem768 = &kemParams{
	encapsulationKeyLen: mlkem.EncapsulationKeySize768,
	ciphertextLen:       mlkem.CiphertextSize768,
	newKey: func(seed []byte) (crypto.Decapsulator, error) {
		return mlkem.NewDecapsulationKey768(seed)
	},
	parseKey: func(ek []byte) (crypto.Encapsulator, error) {
		return mlkem.NewEncapsulationKey768(ek)
	},
}

var mlkem1024 = &kemParams{
	encapsulationKeyLen: mlkem.EncapsulationKeySize1024,
	ciphertextLen:       mlkem.CiphertextSize1024,
	newKey: func(seed []byte) (crypto.Decapsulator, error) {
		return mlkem.NewDecapsulationKey1024(seed)
	},
	parseKey: func(ek []byte) (crypto.Encapsulator, error) {
		return mlkem.NewEncapsulationKey1024(ek)
	},
}

// generate makes a decapsulation key from a 64-byte "d || z" seed read
// from rand, so a deterministic rand gives a deterministic key.
func (p *kemParams) generate(rand io.Reader) (crypto.Decapsulator, error) {
	var seed [mlkem.SeedSize]byte
	defer clear(seed[:])
	if _, err := io.ReadFull(rand, seed[:]); err != nil {
		return nil, err
	}
	return p.newKey(seed[:])
}
