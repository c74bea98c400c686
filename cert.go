package padlock

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// Certificate is a certificate chain and the private key of its leaf.
type Certificate struct {
	// Certificate holds the DER certificates, leaf first.
	Certificate [][]byte
	// PrivateKey is the leaf's key: a crypto.Signer (ECDSA, Ed25519 or
	// RSA); for TLS 1.2 RSA key transport it must also be a
	// crypto.Decrypter (an *rsa.PrivateKey is both).
	PrivateKey crypto.PrivateKey
	// Leaf is the parsed leaf; filled in by X509KeyPair and on first use.
	Leaf *x509.Certificate
	// OCSPStaple is an OCSP response a server staples to the leaf.
	OCSPStaple []byte
	// SignatureSchemes, when not nil, are the schemes the leaf's key
	// signs handshake messages with, in preference order, in place of
	// Config.SignatureSchemes: for a key that makes only some signatures
	// (a token that signs only ecdsa_secp256r1_sha256, an RSA key in
	// hardware without PSS), or a certificate with a policy of its own.
	// A scheme the key cannot make, or the version forbids (RSASSA-PKCS1
	// v1.5 in TLS 1.3, RFC 8446 section 4.2.3; SHA-1 in both, RFC 9155),
	// is skipped. The peer's signatures are checked against
	// Config.SignatureSchemes whatever this says.
	SignatureSchemes []SignatureScheme
}

// LoadX509KeyPair reads a PEM certificate chain and its PEM private key
// from two files.
func LoadX509KeyPair(certFile, keyFile string) (Certificate, error) {
	var pems [2][]byte // the chain, then the key
	for i, name := range [2]string{certFile, keyFile} {
		data, err := os.ReadFile(name)
		if err != nil {
			return Certificate{}, err
		}
		pems[i] = data
	}
	return X509KeyPair(pems[0], pems[1])
}

// X509KeyPair parses a PEM certificate chain (leaf first) and the PEM
// private key of its leaf (PKCS#8, PKCS#1 or SEC 1), and checks that the
// key belongs to the leaf.
func X509KeyPair(certPEM, keyPEM []byte) (Certificate, error) {
	var c Certificate
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			c.Certificate = append(c.Certificate, b.Bytes)
		}
	}
	if len(c.Certificate) == 0 {
		return Certificate{}, errors.New("padlock: no CERTIFICATE block in the certificate PEM")
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return Certificate{}, fmt.Errorf("padlock: leaf certificate: %w", err)
	}
	c.Leaf = leaf
	key, err := parsePrivateKeyPEM(keyPEM)
	if err != nil {
		return Certificate{}, err
	}
	if !publicKeyMatches(leaf.PublicKey, key) {
		return Certificate{}, errors.New("padlock: the private key does not match the leaf certificate")
	}
	c.PrivateKey = key
	return c, nil
}

// leaf returns the parsed leaf certificate.
func (c *Certificate) leaf() (*x509.Certificate, error) {
	if c.Leaf != nil {
		return c.Leaf, nil
	}
	if len(c.Certificate) == 0 {
		return nil, errors.New("padlock: empty certificate chain")
	}
	// Parsed each time rather than cached: a Config, and the Certificates
	// in it, may be shared by connections on many goroutines.
	return x509.ParseCertificate(c.Certificate[0])
}
