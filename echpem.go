package padlock

import (
	"bytes"
	"crypto/ecdh"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"padlock/internal/wire"
)

// The PEM form of an ECH key (draft-farrell-tls-pemesni), which OpenSSL's
// ECH work, nginx and haproxy read: a "PRIVATE KEY" block holding the
// HPKE private key as PKCS#8, then an "ECHCONFIG" block holding the
// ECHConfigList that publishes its public key.
const (
	pemPrivateKey = "PRIVATE KEY"
	pemECHConfig  = "ECHCONFIG"
)

// MarshalECHKeyPEM encodes an ECH key for DHKEM(X25519, HKDF-SHA256) as
// PEM (draft-farrell-tls-pemesni): its private key as PKCS#8 X25519 in a
// "PRIVATE KEY" block, and an ECHConfigList of its config in an
// "ECHCONFIG" block.
func MarshalECHKeyPEM(key EncryptedClientHelloKey) ([]byte, error) {
	priv, err := ecdh.X25519().NewPrivateKey(key.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("padlock: ECH private key: %v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	pem.Encode(&b, &pem.Block{Type: pemPrivateKey, Bytes: der})
	pem.Encode(&b, &pem.Block{Type: pemECHConfig, Bytes: ECHConfigList(key)})
	return b.Bytes(), nil
}

// ParseECHKeyPEM decodes the PEM form of an ECH key that
// MarshalECHKeyPEM writes: a PKCS#8 X25519 "PRIVATE KEY" and an
// "ECHCONFIG" ECHConfigList, in either order. The key's Config is the
// list's config whose public key is the private key's; SendAsRetry is
// left false for the caller to choose.
func ParseECHKeyPEM(data []byte) (EncryptedClientHelloKey, error) {
	var priv *ecdh.PrivateKey
	var list []byte
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		switch block.Type {
		case pemPrivateKey:
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return EncryptedClientHelloKey{}, fmt.Errorf("padlock: ECH private key: %v", err)
			}
			x, ok := k.(*ecdh.PrivateKey)
			if !ok || x.Curve() != ecdh.X25519() {
				return EncryptedClientHelloKey{}, fmt.Errorf("padlock: ECH private key is a %T, want X25519", k)
			}
			priv = x
		case pemECHConfig:
			list = block.Bytes
		}
	}
	if priv == nil || list == nil {
		return EncryptedClientHelloKey{}, errors.New("padlock: want a PRIVATE KEY and an ECHCONFIG PEM block")
	}
	configs, err := wire.ParseECHConfigList(list)
	if err != nil {
		return EncryptedClientHelloKey{}, fmt.Errorf("padlock: ECHCONFIG: %v", err)
	}
	pub := priv.PublicKey().Bytes()
	for _, c := range configs {
		if c.KEM == hpkeKEMX25519 && bytes.Equal(c.PublicKey, pub) {
			return EncryptedClientHelloKey{Config: c.Raw, PrivateKey: priv.Bytes()}, nil
		}
	}
	return EncryptedClientHelloKey{}, errors.New("padlock: no config in the ECHCONFIG block is for the private key")
}

// ECHConfigListFromPEM returns the ECHConfigList of the first "ECHCONFIG"
// block in data, checked, or nil if there is none.
func ECHConfigListFromPEM(data []byte) ([]byte, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, nil
		}
		if block.Type == pemECHConfig {
			if _, err := wire.ParseECHConfigList(block.Bytes); err != nil {
				return nil, fmt.Errorf("padlock: ECHCONFIG: %v", err)
			}
			return block.Bytes, nil
		}
	}
}

// ECHPublicNames returns the public names of the configs in an
// ECHConfigList that padlock can use, in order.
func ECHPublicNames(list []byte) ([]string, error) {
	configs, err := wire.ParseECHConfigList(list)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(configs))
	for i, c := range configs {
		names[i] = c.PublicName
	}
	return names, nil
}
