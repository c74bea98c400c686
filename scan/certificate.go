package scan

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"padlock/trace"
)

// checkCertificate checks the chain as sent (DER, leaf first) for host
// at time now against roots (the system pool when nil).
func checkCertificate(chain [][]byte, host string, now time.Time, roots *x509.CertPool) (*Certificate, []*x509.Certificate, error) {
	var certs []*x509.Certificate
	for _, der := range chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, fmt.Errorf("the server's certificate does not parse: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, nil, errors.New("the server sent no certificate")
	}
	leaf := certs[0]
	out := &Certificate{ChainInOrder: true}
	for i, c := range certs {
		out.Chain = append(out.Chain, certInfo(c))
		if i+1 < len(certs) && c.CheckSignatureFrom(certs[i+1]) != nil {
			out.ChainInOrder = false
		}
	}
	out.Expired = now.After(leaf.NotAfter)
	out.NotYetValid = now.Before(leaf.NotBefore)
	out.NameMatch = leaf.VerifyHostname(host) == nil
	// CheckSignatureFrom would insist on a CA; a self-signed leaf often
	// is not one.
	out.SelfSigned = bytes.Equal(leaf.RawIssuer, leaf.RawSubject) &&
		leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil

	// Trust apart from dates and name: verify at a moment the leaf is
	// valid, with no name, so each problem is reported once, by its own
	// finding.
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	at := now
	if out.Expired || out.NotYetValid {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	out.Trusted = err == nil
	if err != nil {
		out.TrustError = err.Error()
		top := certs[len(certs)-1]
		var unknown x509.UnknownAuthorityError
		out.ChainIncomplete = errors.As(err, &unknown) && !out.SelfSigned &&
			!bytes.Equal(top.RawIssuer, top.RawSubject)
	}
	return out, certs, nil
}

// certInfo describes c.
func certInfo(c *x509.Certificate) CertInfo {
	sum := sha256.Sum256(c.Raw)
	sans := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		sans = append(sans, ip.String())
	}
	for i := range sans {
		sans[i] = trace.Printable(sans[i])
	}
	return CertInfo{
		Subject:            trace.Printable(c.Subject.String()),
		SANs:               sans,
		Issuer:             trace.Printable(c.Issuer.String()),
		Key:                keyDescription(c),
		NotBefore:          c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:           c.NotAfter.UTC().Format(time.RFC3339),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		SHA256:             hex.EncodeToString(sum[:]),
	}
}

// keyDescription names a certificate's key type and size: "RSA 2048",
// "ECDSA P-256", "Ed25519".
func keyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

// weakKey reports a key below current minimums: RSA under 2048 bits, an
// elliptic curve under 256 (NIST SP 800-131A, CA/Browser Forum
// Baseline Requirements section 6.1.5).
func weakKey(c *x509.Certificate) bool {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen() < 2048
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize < 256
	}
	return false
}

// sha1Signed reports a certificate signed with SHA-1; a self-signed
// root's own signature does not count, since clients trust it by
// presence, not by signature.
func sha1Signed(c *x509.Certificate) bool {
	if bytes.Equal(c.RawIssuer, c.RawSubject) && c.IsCA {
		return false
	}
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		return true
	}
	return false
}
