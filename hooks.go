package padlock

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// The application's hooks (Config.GetConfigForClient, GetCertificate,
// GetClientCertificate, VerifyPeerCertificate, VerifyConnection) run
// inside the handshake. A hook that panics fails that one connection
// with internal_error: a server keeps serving the others.

// hookPanic is the error of a hook that panicked.
type hookPanic struct {
	hook  string
	value any
}

func (p *hookPanic) Error() string {
	return fmt.Sprintf("Config.%s panicked: %v", p.hook, p.value)
}

// callHook runs an application hook, turning a panic into a *hookPanic.
func callHook[T any](name string, f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v, err = zero, &hookPanic{hook: name, value: r}
		}
	}()
	return f()
}

// hookAlert makes the alert for a hook's error: internal_error for a
// panic, else d, with the hook's error kept for errors.Is and errors.As.
func hookAlert(d alert.Description, name string, err error) error {
	var p *hookPanic
	if errors.As(err, &p) {
		return &alert.Error{Description: alert.InternalError, Err: err}
	}
	return &alert.Error{Description: d, Err: fmt.Errorf("%s: %w", name, err)}
}

// configForClient lets Config.GetConfigForClient replace the server's
// Config for this connection, once the ClientHello is read.
func (c *Conn) configForClient(ch *wire.ClientHello) error {
	f := c.config.GetConfigForClient
	if f == nil {
		return nil
	}
	info := c.helloInfo(ch)
	cfg, err := callHook("GetConfigForClient", func() (*Config, error) { return f(info) })
	if err != nil {
		return hookAlert(alert.InternalError, "GetConfigForClient", err)
	}
	if cfg == nil {
		return nil
	}
	if len(cfg.Certificates) == 0 && cfg.GetCertificate == nil {
		return alertf(alert.InternalError, "Config.GetConfigForClient returned a Config with no certificate and no GetCertificate")
	}
	// The old Config's tracer has the events so far; the new one's
	// gets the rest.
	c.drainTrace(true)
	c.config = cfg
	c.startTraceQueue()
	if c.tracing() {
		c.traceStep(trace.StepHello, trace.KindNegotiated, "configuration chosen",
			"Config.GetConfigForClient chose the server's configuration for this client.")
	}
	return nil
}

// verifyConnection runs Config.VerifyConnection, if set, once this
// side's own checks of the peer have passed, in full handshakes and
// resumptions alike: a resumption never skips a check a full handshake
// makes. An error ends the handshake with bad_certificate, as in
// crypto/tls.
func (c *Conn) verifyConnection() error {
	f := c.config.VerifyConnection
	if f == nil {
		return nil
	}
	cs := c.state
	if _, err := callHook("VerifyConnection", func() (struct{}, error) { return struct{}{}, f(cs) }); err != nil {
		return hookAlert(alert.BadCertificate, "VerifyConnection", err)
	}
	c.traceStep(trace.StepCertificate, trace.KindVerified, "connection accepted by the application",
		"Config.VerifyConnection, the application's own check of the connection, accepted it.")
	return nil
}

// VerifyHostname checks that the peer's certificate is valid for host.
// It may be called only on a client, after the handshake.
func (c *Conn) VerifyHostname(host string) error {
	if !c.isClient {
		return errors.New("padlock: VerifyHostname called on a server connection")
	}
	if !c.handshakeDone.Load() {
		return errors.New("padlock: VerifyHostname called before the handshake")
	}
	certs := c.state.PeerCertificates
	if len(certs) == 0 {
		return errors.New("padlock: the peer sent no certificate")
	}
	return certs[0].VerifyHostname(host)
}

// Context returns the context of the handshake that asks: the one
// passed to Conn.HandshakeContext, or context.Background.
func (chi *ClientHelloInfo) Context() context.Context {
	if chi.ctx == nil {
		return context.Background()
	}
	return chi.ctx
}

// SupportsCertificate returns nil when cert can serve the client that
// sent the ClientHello: it is valid for the requested name, and its key
// can authenticate in a version both sides speak, with a signature
// scheme (and in TLS 1.2 a cipher suite) the client offers and the
// server's Config enables. Otherwise the error says why not. It takes
// the Config that received the hello into account, not one that
// GetConfigForClient goes on to return.
func (chi *ClientHelloInfo) SupportsCertificate(cert *Certificate) error {
	leaf, err := cert.leaf()
	if err != nil {
		return err
	}
	if chi.ServerName != "" {
		if err := leaf.VerifyHostname(chi.ServerName); err != nil {
			return fmt.Errorf("padlock: the certificate is not valid for the requested server name: %w", err)
		}
	}
	c := &Conn{config: chi.config}
	if c.config == nil {
		c.config = &Config{}
	}
	schemes := make([]uint16, len(chi.SignatureSchemes))
	for i, s := range chi.SignatureSchemes {
		schemes[i] = uint16(s)
	}
	versions := chi.SupportedVersions
	if len(versions) == 0 {
		versions = []uint16{VersionTLS12} // a client without supported_versions
	}
	for _, v := range versions {
		if !c.config.supportsVersion(v) {
			continue
		}
		if v == VersionTLS13 {
			if c.pickScheme(cert, leaf, schemes, true) != 0 {
				return nil
			}
			continue
		}
		for _, id := range c.config.suites12() {
			s := suites.SuiteByID(id)
			if s == nil || !slices.Contains(chi.CipherSuites, id) || !keyFitsSuite(s, leaf.PublicKey) {
				continue
			}
			if s.KX == suites.KXRSA {
				if _, ok := cert.PrivateKey.(crypto.Decrypter); ok && keyUsageAllows(leaf, x509.KeyUsageKeyEncipherment) {
					return nil
				}
				continue
			}
			if c.pickScheme(cert, leaf, schemes, false) != 0 {
				return nil
			}
		}
	}
	return errors.New("padlock: the client offers no version, signature scheme and cipher suite this certificate can serve")
}

// SupportsCertificate returns nil when cert can answer the server's
// request: its key can sign with a scheme the server accepts and, when
// the server named the CAs it trusts, one of the chain's certificates
// was issued by one of them. Otherwise the error says why not.
func (cri *CertificateRequestInfo) SupportsCertificate(cert *Certificate) error {
	leaf, err := cert.leaf()
	if err != nil {
		return err
	}
	c := &Conn{config: cri.config}
	if c.config == nil {
		c.config = &Config{}
	}
	schemes := make([]uint16, len(cri.SignatureSchemes))
	for i, s := range cri.SignatureSchemes {
		schemes[i] = uint16(s)
	}
	if c.pickScheme(cert, leaf, schemes, cri.Version != VersionTLS12) == 0 {
		return errors.New("padlock: the server accepts no signature scheme the certificate's key can make")
	}
	if len(cri.AcceptableCAs) == 0 {
		return nil
	}
	for i, der := range cert.Certificate {
		x := leaf
		if i > 0 {
			if x, err = x509.ParseCertificate(der); err != nil {
				return err
			}
		}
		for _, ca := range cri.AcceptableCAs {
			if bytes.Equal(x.RawIssuer, ca) {
				return nil
			}
		}
	}
	return errors.New("padlock: the certificate was not issued by a CA the server names")
}
