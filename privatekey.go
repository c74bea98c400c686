package padlock

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// parsePrivateKeyPEM returns the first private key in keyPEM: PKCS#8,
// PKCS#1 (RSA) or SEC 1 (EC).
func parsePrivateKeyPEM(keyPEM []byte) (crypto.Signer, error) {
	for rest := keyPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("padlock: no PRIVATE KEY block in the key PEM")
		}
		var key any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("padlock: private key: %w", err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("padlock: private key of type %T cannot sign", key)
		}
		return signer, nil
	}
}

func publicKeyMatches(pub crypto.PublicKey, key crypto.Signer) bool {
	// Every public key type of the standard library can compare itself.
	own, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && own.Equal(pub)
}
