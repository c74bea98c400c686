package padlock

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"padlock/internal/alert"
	"padlock/trace"
)

// checkChainLimits applies the limits on a peer chain's length and size.
func (c *Conn) checkChainLimits(ders [][]byte) error {
	lim := c.config.limits()
	if len(ders) > lim.MaxCertificates {
		return alertf(alert.BadCertificate, "chain of %d certificates exceeds the limit of %d", len(ders), lim.MaxCertificates)
	}
	size := 0
	for _, der := range ders {
		size += len(der)
	}
	if size > lim.MaxCertificateBytes {
		return alertf(alert.BadCertificate, "chain of %d bytes exceeds the limit of %d", size, lim.MaxCertificateBytes)
	}
	return nil
}

// parseChain parses a peer's certificate chain, leaf first, within the
// limits on its length and size.
func (c *Conn) parseChain(ders [][]byte) ([]*x509.Certificate, error) {
	if err := c.checkChainLimits(ders); err != nil {
		return nil, err
	}
	certs := make([]*x509.Certificate, len(ders))
	for i, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, alertf(alert.BadCertificate, "certificate %d: %v", i, err)
		}
		certs[i] = c
	}
	return certs, nil
}

// verifiedChain parses a peer's chain, leaf first, and verifies it
// against roots for the usage and, when it is not empty, the name; or
// finds the result of an earlier handshake of the Config in its
// chainCache. The parsed certificates come back even when verification
// fails; both results may be shared with other connections and must not
// be modified.
func (c *Conn) verifiedChain(ders [][]byte, roots *x509.CertPool, name string, usage x509.ExtKeyUsage) ([]*x509.Certificate, [][]*x509.Certificate, error) {
	if err := c.checkChainLimits(ders); err != nil {
		return nil, nil, err
	}
	cache := c.config.chainCache()
	if certs, chains, ok := cache.lookup(ders, roots, name, usage, c.config.now()); ok {
		c.traceChainVerified(name, chains)
		return certs, chains, nil
	}
	certs, err := c.parseChain(ders)
	if err != nil {
		return nil, nil, err
	}
	chains, err := c.verifyChain(certs, roots, name, usage)
	if err != nil {
		return certs, nil, err
	}
	if cacheable(roots) {
		cache.store(certs, roots, name, usage, chains)
	}
	return certs, chains, nil
}

// verifyChain checks certs against roots for the usage, and for the name
// when it is not empty, and turns a failure into the alert RFC 8446
// section 6.2 names for it.
func (c *Conn) verifyChain(certs []*x509.Certificate, roots *x509.CertPool, name string, usage x509.ExtKeyUsage) ([][]*x509.Certificate, error) {
	inter := x509.NewCertPool()
	for _, cert := range certs[1:] {
		inter.AddCert(cert)
	}
	chains, err := certs[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		DNSName:       name,
		CurrentTime:   c.config.now(),
		KeyUsages:     []x509.ExtKeyUsage{usage},
	})
	if err != nil {
		return nil, certificateAlert(err, certs[0])
	}
	c.traceChainVerified(name, chains)
	return chains, nil
}

func (c *Conn) traceChainVerified(name string, chains [][]*x509.Certificate) {
	if !c.tracing() {
		return
	}
	c.traceStep(trace.StepCertificate, trace.KindVerified, "certificate chain verified",
		"The chain leads to a trusted CA, every certificate is within its validity period"+
			map[bool]string{true: ", and the leaf names " + name + ".", false: "."}[name != ""],
		field("chain", chainSummary(chains[0])))
}

// certificateAlert maps an x509 verification error to its alert.
func certificateAlert(err error, leaf *x509.Certificate) error {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	switch {
	case errors.As(err, &unknown):
		return &alert.Error{Description: alert.UnknownCA, Err: fmt.Errorf("certificate signed by an unknown authority (issuer %q)", leaf.Issuer.String())}
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return &alert.Error{Description: alert.CertificateExpired, Err: fmt.Errorf("certificate valid from %s until %s: %w",
			leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339), err)}
	case errors.As(err, &host):
		return &alert.Error{Description: alert.BadCertificate, Err: fmt.Errorf("certificate is valid for %s, not %s",
			certNames(leaf), host.Host)}
	case errors.As(err, &invalid) && invalid.Reason == x509.IncompatibleUsage:
		return &alert.Error{Description: alert.UnsupportedCertificate, Err: err}
	}
	return &alert.Error{Description: alert.BadCertificate, Err: err}
}

// certNames lists the names a certificate is valid for. It goes into
// error messages, and the names are the peer's: x509 takes any ASCII in a
// dNSName, control characters included, so each is made Printable.
func certNames(c *x509.Certificate) string {
	var n []string
	for _, name := range c.DNSNames {
		n = append(n, trace.Printable(name))
	}
	for _, ip := range c.IPAddresses {
		n = append(n, ip.String())
	}
	if len(n) == 0 {
		return "no names"
	}
	return strings.Join(n, ", ")
}

// certSummaries remembers the summaries certSummary made, by DER: a
// traced server sends the same chain in every handshake, and parsing it
// again for each trace would cost more than the rest of the trace.
var certSummaries = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// maxCertSummaries bounds certSummaries; it starts over when full.
const maxCertSummaries = 256

// certSummary describes a DER certificate in one line for the trace.
func certSummary(der []byte) string {
	certSummaries.Lock()
	s, ok := certSummaries.m[string(der)]
	certSummaries.Unlock()
	if ok {
		return s
	}
	s = summarizeCert(der)
	certSummaries.Lock()
	if len(certSummaries.m) >= maxCertSummaries {
		clear(certSummaries.m)
	}
	certSummaries.m[string(der)] = s
	certSummaries.Unlock()
	return s
}

func summarizeCert(der []byte) string {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Sprintf("%d bytes (unparsable)", len(der))
	}
	return fmt.Sprintf("%s, issued by %s, valid until %s, key %s", c.Subject.String(), c.Issuer.String(),
		c.NotAfter.UTC().Format("2006-01-02"), c.PublicKeyAlgorithm)
}

func chainSummary(chain []*x509.Certificate) string {
	s := make([]string, len(chain))
	for i, c := range chain {
		s[i] = c.Subject.String()
	}
	return strings.Join(s, " <- ")
}

// keyUsageAllows reports whether leaf's key may serve the use: always
// when the certificate has no key usage extension, which then restricts
// nothing (RFC 5280 section 4.2.1.3), else when the use's bit is set.
func keyUsageAllows(leaf *x509.Certificate, use x509.KeyUsage) bool {
	return leaf.KeyUsage == 0 || leaf.KeyUsage&use != 0
}

// checkPeerKeyUsage refuses a peer's leaf whose key usage extension
// forbids what its key is about to do: verify a handshake signature
// (digitalSignature: RFC 8446 section 4.4.2.2, RFC 5246 section 7.4.2)
// or, in TLS 1.2 RSA key transport, receive the premaster secret
// (keyEncipherment, RFC 5246 section 7.4.2). ECDH certificates, which
// carry keyAgreement only, are the case in point: padlock's ECDHE never
// uses a certificate key for the exchange itself.
func (c *Conn) checkPeerKeyUsage(leaf *x509.Certificate, use x509.KeyUsage) error {
	if keyUsageAllows(leaf, use) {
		return nil
	}
	return alertf(alert.UnsupportedCertificate, "the %s's certificate allows its key only %s, not %s",
		c.peerName(), keyUsageNames(leaf.KeyUsage), keyUsageNames(use))
}

// keyUsageNames names the bits of a key usage as RFC 5280 section
// 4.2.1.3 does.
func keyUsageNames(u x509.KeyUsage) string {
	var n []string
	for i, name := range []string{"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
		"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"} {
		if u&(1<<i) != 0 {
			n = append(n, name)
		}
	}
	return strings.Join(n, ", ")
}
