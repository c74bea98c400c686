package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// CA is a self-signed root that issues leaf certificates directly, with no
// intermediates.
type CA struct {
	Cert    *x509.Certificate
	Key     crypto.Signer
	CertPEM []byte // Cert as one PEM "CERTIFICATE" block
}

// caLifetime is the validity of a CA made with zero times: long enough that
// a CA kept on disk by `padlock serve` outlives the certificates it issues.
const caLifetime = 10 * 365 * 24 * time.Hour

// clockSkew is how far back a zero NotBefore is set, so a peer whose clock
// runs a little behind still accepts a certificate made just now.
const clockSkew = time.Hour

// NewCA generates a key of type t and a self-signed CA certificate for it,
// with name as the subject common name. Zero times mean now-1h and ten
// years from now.
func NewCA(name string, t KeyType, notBefore, notAfter time.Time) (*CA, error) {
	key, err := GenerateKey(t, nil)
	if err != nil {
		return nil, err
	}
	return NewCAWithKey(name, key, notBefore, notAfter)
}

// NewCAWithKey is NewCA with a key the caller already has, which saves an
// RSA key generation in tests.
func NewCAWithKey(name string, key crypto.Signer, notBefore, notAfter time.Time) (*CA, error) {
	now := time.Now()
	if notBefore.IsZero() {
		notBefore = now.Add(-clockSkew)
	}
	if notAfter.IsZero() {
		notAfter = now.Add(caLifetime)
	}
	if !notAfter.After(notBefore) {
		return nil, errors.New("pki: CA validity ends before it starts")
	}
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	skid, err := subjectKeyID(key.Public())
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name, Organization: []string{"padlock"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		// RFC 5280 section 4.2.1.3: keyCertSign for a CA; digitalSignature
		// too, as the CA key might sign OCSP or test handshakes.
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		// Leaves are issued directly, so no intermediate may follow.
		MaxPathLen:     0,
		MaxPathLenZero: true,
		SubjectKeyId:   skid,
	}
	der, err := x509.CreateCertificate(cryptoRand, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("pki: create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parse CA certificate: %w", err)
	}
	return &CA{Cert: cert, Key: key, CertPEM: certPEM(der)}, nil
}

// Pool returns a new pool holding only the CA certificate, for use as the
// roots when verifying certificates the CA issued.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// certPEM encodes one DER certificate as a PEM block.
func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
