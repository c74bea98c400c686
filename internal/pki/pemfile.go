package pki

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// keyPEM encodes key as a PKCS#8 "PRIVATE KEY" block (RFC 5208), the one
// form that holds every supported key type.
func keyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: marshal private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseCertificatePEM returns the first "CERTIFICATE" block of data, parsed.
func ParseCertificatePEM(data []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("pki: no CERTIFICATE block in PEM data")
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("pki: %w", err)
			}
			return c, nil
		}
	}
}

// ParsePrivateKeyPEM returns the first private key block of data. Besides
// PKCS#8 it accepts the older "EC PRIVATE KEY" (SEC 1) and "RSA PRIVATE KEY"
// (PKCS#1) blocks, so a CA made by other tools can be reused.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("pki: no private key block in PEM data")
		}
		var k any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("pki: %s: %w", b.Type, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("pki: %T key cannot sign", k)
		}
		return s, nil
	}
}

// publicKey is what every standard library public key implements.
type publicKey interface {
	Equal(crypto.PublicKey) bool
}

// ParseCA rebuilds a CA from its certificate and private key in PEM form,
// checking that the certificate may sign certificates and that the key is
// the one it certifies.
func ParseCA(certPEMData, keyPEMData []byte) (*CA, error) {
	cert, err := ParseCertificatePEM(certPEMData)
	if err != nil {
		return nil, err
	}
	if !cert.BasicConstraintsValid || !cert.IsCA {
		return nil, errors.New("pki: certificate is not a CA")
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, errors.New("pki: CA certificate lacks the keyCertSign usage")
	}
	key, err := ParsePrivateKeyPEM(keyPEMData)
	if err != nil {
		return nil, err
	}
	pub, ok := key.Public().(publicKey)
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("pki: private key does not match the CA certificate")
	}
	return &CA{Cert: cert, Key: key, CertPEM: certPEM(cert.Raw)}, nil
}
