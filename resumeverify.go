package padlock

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"padlock/internal/alert"
	"padlock/trace"
)

// A resumption skips the certificates, never the checks on them. Each
// side applies to the chain a session stored what a full handshake under
// its current Config would apply to a chain on the wire: the CAs, the
// name, the clock and the client authentication policy may all have
// changed since the session was made, and a Config's clones share its
// ticket keys and caches. A session that fails is not resumed; the full
// handshake that follows sees the live chain and decides.

// sessionClientAuth applies the server's ClientAuth to the client chain
// a session stored, for a resumption in either version. It returns the
// chain, parsed, and its verified chains when ClientAuth verifies; the
// error says why the session may not resume.
func (c *Conn) sessionClientAuth(s *sessionState) ([]*x509.Certificate, [][]*x509.Certificate, error) {
	level := c.config.ClientAuth
	// A session made under a weaker policy was not asked what this
	// server asks now: a certificate it was never requested to send, or
	// one never verified.
	if s.clientAuth < level {
		return nil, nil, fmt.Errorf("the session was made under client authentication %v, weaker than this server's %v",
			s.clientAuth, level)
	}
	if len(s.certs) == 0 {
		if level == RequireAnyClientCert || level == RequireAndVerifyClientCert {
			return nil, nil, errors.New("the session has no client certificate, which this server requires")
		}
		return nil, nil, nil
	}
	if level == NoClientCert {
		return nil, nil, nil // a full handshake would not have asked
	}
	if level < VerifyClientCertIfGiven {
		certs, err := c.parseChain(s.certs)
		if err != nil {
			return nil, nil, err
		}
		// Not verified, but never renewed past its validity either.
		if err := checkValidity(certs[0], c.config.now()); err != nil {
			return nil, nil, err
		}
		return certs, nil, c.callVerifyPeerCertificate(s.certs, nil)
	}
	certs, chains, err := c.verifiedChain(s.certs, c.config.ClientCAs, "", x509.ExtKeyUsageClientAuth)
	if err != nil {
		return nil, nil, fmt.Errorf("the session's client certificate no longer verifies: %w", err)
	}
	return certs, chains, c.callVerifyPeerCertificate(s.certs, chains)
}

// callVerifyPeerCertificate runs Config.VerifyPeerCertificate, if set,
// on a peer chain that passed padlock's own checks.
func (c *Conn) callVerifyPeerCertificate(ders [][]byte, chains [][]*x509.Certificate) error {
	f := c.config.VerifyPeerCertificate
	if f == nil {
		return nil
	}
	// bad_certificate, as crypto/tls sends for the application's refusal.
	if _, err := callHook("VerifyPeerCertificate", func() (struct{}, error) { return struct{}{}, f(ders, chains) }); err != nil {
		return hookAlert(alert.BadCertificate, "VerifyPeerCertificate", err)
	}
	c.traceStep(trace.StepCertificate, trace.KindVerified, "certificate accepted by the application",
		"Config.VerifyPeerCertificate, the application's own check of the peer's certificate, accepted it.")
	return nil
}

// checkValidity checks that now is within cert's validity period.
func checkValidity(cert *x509.Certificate, now time.Time) error {
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return fmt.Errorf("the session's certificate is valid from %s until %s",
			cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// sessionServerAuth checks, before a client offers a session, the
// server chain the session stored against the client's current Config:
// a session from a handshake that did not verify the server is never
// offered by a Config that verifies, and a verified one is verified
// again for the current RootCAs, ServerName and clock. It returns the
// verified chains for the resumed connection.
func (c *Conn) sessionServerAuth(s *ClientSessionState) ([][]*x509.Certificate, error) {
	ders := make([][]byte, len(s.peerCertificates))
	for i, cert := range s.peerCertificates {
		ders[i] = cert.Raw
	}
	if c.config.InsecureSkipVerify {
		return nil, c.callVerifyPeerCertificate(ders, nil)
	}
	if !s.verified {
		return nil, errors.New("the session's server certificate was never verified")
	}
	_, chains, err := c.verifiedChain(ders, c.config.RootCAs, c.config.ServerName, x509.ExtKeyUsageServerAuth)
	if err != nil {
		return nil, fmt.Errorf("the session's server certificate no longer verifies: %w", err)
	}
	return chains, c.callVerifyPeerCertificate(ders, chains)
}
