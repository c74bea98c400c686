package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"time"
)

// IssueOptions describes a leaf certificate for CA.Issue.
type IssueOptions struct {
	// Hosts are the DNS names and IP addresses the certificate is for.
	// Entries that parse as IP addresses go into IPAddresses, the rest into
	// DNSNames (RFC 5280 section 4.2.1.6).
	Hosts []string
	// CommonName is the subject CN; empty means the first host.
	CommonName string
	// Client asks for ExtKeyUsageClientAuth instead of ServerAuth.
	Client bool
	// KeyType is the kind of key to generate; empty means ECDSAP256.
	// It is ignored when Key is set.
	KeyType KeyType
	// NotBefore and NotAfter bound the validity. A zero NotBefore means an
	// hour ago (but not before the CA's own NotBefore); a zero NotAfter means
	// a year from now, or the CA's expiry if that is sooner.
	NotBefore, NotAfter time.Time
	// Key, if set, is certified instead of a newly generated key.
	Key crypto.Signer
}

// Issued is a leaf certificate with its private key, in the forms the
// different users want.
type Issued struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// ChainPEM is the leaf then the CA certificate, as PEM blocks: what a
	// server loads and sends. Sending the root is allowed, if useless
	// (RFC 8446 section 4.4.2), and lets a client pin it from the file.
	ChainPEM []byte
	// KeyPEM is Key as a PKCS#8 "PRIVATE KEY" block. It is nil when Key was
	// supplied by the caller and cannot be marshalled (a hardware key).
	KeyPEM []byte
	// DER is the chain as DER: the leaf, then the issuer.
	DER [][]byte
}

// leafLifetime is the validity of a leaf made with a zero NotAfter.
const leafLifetime = 365 * 24 * time.Hour

// Issue creates a key (unless o.Key is set) and a certificate for it signed
// by the CA.
func (ca *CA) Issue(o IssueOptions) (*Issued, error) {
	cn := o.CommonName
	if cn == "" && len(o.Hosts) > 0 {
		cn = o.Hosts[0]
	}
	if cn == "" {
		return nil, errors.New("pki: certificate needs a host or a common name")
	}
	key := o.Key
	if key == nil {
		t := o.KeyType
		if t == "" {
			t = ECDSAP256
		}
		var err error
		if key, err = GenerateKey(t, nil); err != nil {
			return nil, err
		}
	}
	tmpl, err := ca.leafTemplate(o, cn, key)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(cryptoRand, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("pki: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: parse certificate: %w", err)
	}
	is := &Issued{
		Cert:     cert,
		Key:      key,
		ChainPEM: append(certPEM(der), ca.CertPEM...),
		DER:      [][]byte{der, ca.Cert.Raw},
	}
	if kp, err := keyPEM(key); err == nil {
		is.KeyPEM = kp
	} else if o.Key == nil {
		return nil, err
	}
	return is, nil
}

// leafTemplate fills in the certificate template for Issue.
func (ca *CA) leafTemplate(o IssueOptions, cn string, key crypto.Signer) (*x509.Certificate, error) {
	notBefore, notAfter := ca.leafValidity(o.NotBefore, o.NotAfter)
	if !notAfter.After(notBefore) {
		return nil, errors.New("pki: certificate validity ends before it starts")
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
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		SubjectKeyId:          skid,
	}
	if o.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	// An RSA server key also decrypts the premaster secret in TLS 1.2 RSA
	// key exchange, which needs keyEncipherment (RFC 5246 section 7.4.2).
	if isRSA(key) {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	for _, h := range o.Hosts {
		if h == "" {
			return nil, errors.New("pki: empty host name")
		}
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return tmpl, nil
}

// leafValidity applies the defaults documented on IssueOptions.
func (ca *CA) leafValidity(notBefore, notAfter time.Time) (time.Time, time.Time) {
	now := time.Now()
	if notBefore.IsZero() {
		notBefore = now.Add(-clockSkew)
		if notBefore.Before(ca.Cert.NotBefore) {
			notBefore = ca.Cert.NotBefore
		}
	}
	if notAfter.IsZero() {
		notAfter = now.Add(leafLifetime)
		if notAfter.After(ca.Cert.NotAfter) {
			notAfter = ca.Cert.NotAfter
		}
	}
	return notBefore, notAfter
}
