package padlock

import (
	"crypto/x509"
	"errors"
	"net"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// errSSLv2 ends a connection that opened with an SSL 2.0 ClientHello:
// there is no alert to send in a protocol padlock does not speak.
var errSSLv2 = errors.New("padlock: peer sent an SSLv2-format ClientHello; closing")

// RecordHeaderError is the error of a server handshake whose client
// began with something that is not TLS at all: the start of an HTTP
// request, a client that spoke plain HTTP to a TLS port. No alert is
// sent: the client would not understand one. Conn is the underlying
// connection, still open, so that a server can answer in the client's
// protocol, as padlockhttp's Listener does with an HTTP 400 that says to
// use https, and then close it. The shape is crypto/tls's.
type RecordHeaderError struct {
	Msg          string
	RecordHeader [5]byte // the first five bytes the client sent
	Conn         net.Conn
}

func (e *RecordHeaderError) Error() string { return e.Msg }

// serverHandshake reads the ClientHello, picks the version and hands over
// to the handshake of that version.
func (c *Conn) serverHandshake() error {
	c.hsTr = &transcript{}
	ch, err := c.readClientHello()
	if err != nil {
		return err
	}
	ch, ech, err := c.openClientHello(ch)
	if err != nil {
		return err
	}
	if err := c.configForClient(ch); err != nil {
		return err
	}
	vers, err := c.pickClientVersion(ch)
	if err != nil {
		return err
	}
	c.vers = vers
	if err := checkServerName(ch.ServerName); err != nil {
		return err
	}
	copy(c.random[0][:], ch.Random)
	c.state.ServerName = ch.ServerName
	if c.tracing() {
		c.traceStep(trace.StepServerHello, trace.KindNegotiated, "version negotiated",
			"The server picks the highest version both sides support: "+VersionName(vers)+".",
			field("version", VersionName(vers)))
	}
	if vers == VersionTLS13 {
		c.in.ccsOK = true
		hs := &serverHandshake13{c: c, ch: ch, ech: ech}
		return hs.handshake()
	}
	c.hsTr.keepAll = true
	return c.serverHandshake12(ch)
}

func (c *Conn) readClientHello() (*wire.ClientHello, error) {
	ch, err := readMessage[wire.ClientHello](c)
	if errors.Is(err, record.ErrSSLv2ClientHello) {
		return nil, errSSLv2
	}
	var he *record.HTTPRequestError
	if errors.As(err, &he) {
		return nil, &RecordHeaderError{Msg: "padlock: the client sent an HTTP request, not a TLS ClientHello",
			RecordHeader: he.Header, Conn: c.conn}
	}
	if err != nil {
		return nil, err
	}
	return ch, c.endOfFlight("ClientHello")
}

// pickClientVersion picks the highest version both sides speak: from
// supported_versions when the client sent it (RFC 8446 section 4.2.1),
// else from legacy_version.
func (c *Conn) pickClientVersion(ch *wire.ClientHello) (uint16, error) {
	// RFC 8446 appendix D.5: a legacy_version of SSL 3.0 or below is a
	// protocol_version alert, even beside supported_versions.
	if ch.Vers <= VersionSSL30 {
		return 0, alertf(alert.ProtocolVersion, "ClientHello with legacy_version %s", VersionName(ch.Vers))
	}
	if len(ch.SupportedVersions) > 0 {
		for _, v := range []uint16{VersionTLS13, VersionTLS12} {
			if c.config.supportsVersion(v) && slices.Contains(ch.SupportedVersions, v) {
				return v, nil
			}
		}
		return 0, alertf(alert.ProtocolVersion, "client offers %s; padlock speaks %s to %s",
			names(ch.SupportedVersions, VersionName), VersionName(c.config.minVersion()), VersionName(c.config.maxVersion()))
	}
	if ch.Vers >= VersionTLS12 && c.config.supportsVersion(VersionTLS12) {
		return VersionTLS12, nil
	}
	return 0, alertf(alert.ProtocolVersion, "client offers at most %s; padlock requires TLS 1.2 or later", VersionName(ch.Vers))
}

// pickSuite chooses the cipher suite from ours and the client's, in the
// server's order unless the client's is preferred.
func (c *Conn) pickSuite(ours, theirs []uint16) *suites.Suite {
	first, second := ours, theirs
	if c.config.PreferClientCipherSuites {
		first, second = theirs, ours
	}
	for _, id := range first {
		if slices.Contains(second, id) {
			if s := suites.SuiteByID(id); s != nil {
				return s
			}
		}
	}
	return nil
}

// pickALPN chooses the application protocol (RFC 7301 section 3.2).
func (c *Conn) pickALPN(offered []string) (string, error) {
	if len(offered) == 0 || len(c.config.NextProtos) == 0 {
		return "", nil
	}
	for _, p := range c.config.NextProtos {
		if slices.Contains(offered, p) {
			return p, nil
		}
	}
	return "", alertf(alert.NoApplicationProtocol, "client offers ALPN %q, server accepts %q", offered, c.config.NextProtos)
}

// pickCertificate chooses the server's certificate: from GetCertificate,
// else the first that names the requested host and can sign with a scheme
// the client accepts, else the first that can sign.
func (c *Conn) pickCertificate(ch *wire.ClientHello, schemes []uint16, tls13 bool) (*Certificate, uint16, error) {
	if f := c.config.GetCertificate; f != nil {
		info := c.helloInfo(ch)
		cert, err := callHook("GetCertificate", func() (*Certificate, error) { return f(info) })
		if err != nil {
			return nil, 0, hookAlert(alert.InternalError, "GetCertificate", err)
		}
		if cert != nil {
			leaf, err := cert.leaf()
			if err != nil {
				return nil, 0, alert.Wrap(alert.InternalError, err)
			}
			if s := c.pickScheme(cert, leaf, schemes, tls13); s != 0 {
				return cert, s, nil
			}
			if !keyUsageAllows(leaf, x509.KeyUsageDigitalSignature) {
				return nil, 0, alertf(alert.HandshakeFailure, "GetCertificate's certificate allows its key only %s, not digitalSignature",
					keyUsageNames(leaf.KeyUsage))
			}
			return nil, 0, alertf(alert.HandshakeFailure, "the client accepts no signature scheme the certificate's key can make")
		}
	}
	var fallback *Certificate
	var fallbackScheme uint16
	for i := range c.config.Certificates {
		cert := &c.config.Certificates[i]
		leaf, err := cert.leaf()
		if err != nil {
			continue
		}
		s := c.pickScheme(cert, leaf, schemes, tls13)
		if s == 0 {
			continue
		}
		if ch.ServerName == "" || leaf.VerifyHostname(ch.ServerName) == nil {
			return cert, s, nil
		}
		if fallback == nil {
			fallback, fallbackScheme = cert, s
		}
	}
	if fallback == nil {
		if len(c.config.Certificates) == 0 && c.config.GetCertificate == nil {
			return nil, 0, alertf(alert.InternalError, "server has no certificate")
		}
		return nil, 0, alertf(alert.HandshakeFailure, "no certificate can sign, as its key usage allows, with a scheme the client accepts (%s)",
			names(schemes, suites.SchemeName))
	}
	return fallback, fallbackScheme, nil
}

func (c *Conn) helloInfo(ch *wire.ClientHello) *ClientHelloInfo {
	info := &ClientHelloInfo{
		ServerName:        ch.ServerName,
		CipherSuites:      ch.CipherSuites,
		SupportedProtos:   ch.ALPNProtocols,
		SupportedVersions: ch.SupportedVersions,
		Raw:               ch.Raw,
		Conn:              c.conn,
		ctx:               c.hsCtx,
		config:            c.config,
	}
	for _, g := range ch.SupportedGroups {
		info.SupportedCurves = append(info.SupportedCurves, CurveID(g))
	}
	for _, s := range ch.SignatureAlgorithms {
		info.SignatureSchemes = append(info.SignatureSchemes, SignatureScheme(s))
	}
	return info
}
