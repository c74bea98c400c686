package padlock

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"io"
	"slices"
	"strconv"

	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// clientHandshake12 holds the state of a TLS 1.2 client handshake
// (RFC 5246 section 7.3, figure 1), from the ServerHello on.
type clientHandshake12 struct {
	c     *Conn
	hello *wire.ClientHello
	sh    *wire.ServerHello
	suite *suites.Suite
	ems   bool // RFC 7627 in use

	ske     *wire.ServerKeyExchange // ECDHE only
	group   *suites.Group           // ECDHE only
	certReq *wire.CertificateRequest12

	clientCert   *Certificate // nil when none is sent
	clientScheme uint16

	master                     []byte
	clientCipher, serverCipher *record.Cipher

	session *ClientSessionState      // the TLS 1.2 session offered; nil if none
	chains  [][]*x509.Certificate    // session's server chains, verified for this connection
	resumed bool                     // the server resumes it
	ticket  *wire.NewSessionTicket12 // from the server, if it sent one
}

// clientHandshake12 runs a TLS 1.2 client handshake after the ServerHello.
// session is the TLS 1.2 session the ClientHello offered, or nil, and
// chains its server's chains as verified for this connection.
func (c *Conn) clientHandshake12(hello *wire.ClientHello, sh *wire.ServerHello, session *ClientSessionState, chains [][]*x509.Certificate) error {
	hs := &clientHandshake12{c: c, hello: hello, sh: sh, session: session, chains: chains}
	return hs.handshake()
}

func (hs *clientHandshake12) handshake() error {
	if err := hs.processServerHello(); err != nil {
		return err
	}
	if hs.resumed {
		return hs.resume()
	}
	return runSteps(
		hs.readServerCertificate,
		hs.readServerKeyExchange,
		hs.readServerHelloDone,
		hs.c.verifyConnection,
		hs.sendClientCertificate,
		hs.sendClientKeyExchange,
		hs.sendCertificateVerify,
		hs.sendFinished,
		hs.readSessionTicket,
		hs.readServerFinished,
		hs.storeSession,
	)
}

// processServerHello checks the server's choices (RFC 5246 section
// 7.4.1.3) and its answers to the extensions offered.
func (hs *clientHandshake12) processServerHello() error {
	c, sh, hello := hs.c, hs.sh, hs.hello
	if sh.CompressionMethod != 0 {
		return alertf(alert.IllegalParameter, "compression method %d", sh.CompressionMethod)
	}
	s := suites.SuiteByID(sh.CipherSuite)
	if s == nil || s.TLS13 || !slices.Contains(hello.CipherSuites, sh.CipherSuite) {
		return alertf(alert.IllegalParameter, "server chose cipher suite %s, which was not offered for TLS 1.2", suites.SuiteName(sh.CipherSuite))
	}
	// A server echoing the session ID resumes the session offered.
	if len(hello.SessionID) > 0 && bytes.Equal(sh.SessionID, hello.SessionID) {
		if err := hs.checkResumption(); err != nil {
			return err
		}
	}
	if err := hs.checkServerExtensions(); err != nil {
		return err
	}
	if n := sh.RecordSizeLimit; n != 0 {
		// RFC 8449 section 4: a client may refuse a limit above the
		// version's.
		if n > maxRecordSizeLimit(VersionTLS12) {
			return alertf(alert.IllegalParameter, "server's record_size_limit %d is over TLS 1.2's 16384", n)
		}
		own, err := c.config.recordSizeLimit(VersionTLS12)
		if err != nil {
			return err
		}
		c.useRecordSizeLimit(VersionTLS12, n, own)
	}
	// RFC 5746 section 3.4: renegotiated_connection is empty in an
	// initial handshake.
	if len(sh.SecureRenegotiation) > 0 {
		return alertf(alert.HandshakeFailure, "non-empty renegotiation_info in an initial handshake")
	}
	// RFC 8422 section 5.2: the server's list must include uncompressed.
	if sh.ECPointFormats != nil && !slices.Contains(sh.ECPointFormats, 0) {
		return alertf(alert.IllegalParameter, "server does not accept uncompressed points")
	}
	if sh.ALPNProtocol != "" && !slices.Contains(hello.ALPNProtocols, sh.ALPNProtocol) {
		return alertf(alert.IllegalParameter, "server chose ALPN protocol %q, which was not offered", sh.ALPNProtocol)
	}
	// RFC 7627 section 5.2: a client that does not wish to interoperate
	// with legacy servers aborts when the server does not echo it.
	hs.ems = sh.ExtendedMasterSecret
	if !hs.ems {
		why := "server does not support the extended master secret"
		if !hello.ExtendedMasterSecret {
			why = "DisableExtendedMasterSecret is set"
		}
		if err := c.withoutEMS(why, "server"); err != nil {
			return err
		}
	}
	hs.suite = s
	c.hsTr.setHash(s.Hash)
	c.suite = s
	c.state.Version = VersionTLS12
	c.state.CipherSuite = s.ID
	c.state.NegotiatedProtocol = sh.ALPNProtocol
	c.state.ServerName = hello.ServerName
	c.traceStep(trace.StepServerHello, trace.KindNegotiated, "cipher suite chosen",
		"The server picked the cipher suite: how keys are exchanged, who signs, and how records are protected.",
		field("cipher_suite", s.Name), field("extended_master_secret", strconv.FormatBool(hs.ems)))
	return nil
}

// checkServerExtensions refuses extensions the client did not offer
// (RFC 5246 section 7.4.1.4), which includes every TLS 1.3 one.
func (hs *clientHandshake12) checkServerExtensions() error {
	h := hs.hello
	for _, e := range hs.sh.Extensions {
		var offered bool
		switch e.Type {
		case wire.ExtRenegotiationInfo:
			offered = h.SecureRenegotiationSupported || slices.Contains(h.CipherSuites, scsvRenegotiation)
		case wire.ExtServerName:
			offered = h.ServerName != ""
		case wire.ExtECPointFormats:
			offered = h.ECPointFormats != nil
		case wire.ExtSupportedGroups:
			// No RFC has a TLS 1.2 server answer it, but the client
			// did send it, and some servers echo it: BoringSSL and
			// crypto/tls ignore it, and so does padlock.
			offered = len(h.SupportedGroups) > 0
		case wire.ExtALPN:
			offered = len(h.ALPNProtocols) > 0
		case wire.ExtExtendedMasterSecret:
			offered = h.ExtendedMasterSecret
		case wire.ExtStatusRequest:
			offered = h.StatusRequest
		case wire.ExtSessionTicket:
			offered = h.SessionTicketSupported
		case wire.ExtSCT:
			offered = h.SCT
		case wire.ExtRecordSizeLimit:
			offered = h.RecordSizeLimit != 0
		}
		if !offered {
			return alertf(alert.UnsupportedExtension, "server sent %s, which the client did not offer", wire.ExtensionName(e.Type))
		}
	}
	return nil
}

// readServerCertificate reads and verifies the server's chain, checks its
// key fits the suite, and reads the stapled OCSP response if one comes.
func (hs *clientHandshake12) readServerCertificate() error {
	c := hs.c
	cert, err := readMessage[wire.Certificate12](c)
	if err != nil {
		return err
	}
	if len(cert.Certificates) == 0 {
		return alertf(alert.DecodeError, "server sent an empty certificate chain")
	}
	// The key receives the premaster secret in RSA key transport and
	// signs the ServerKeyExchange otherwise.
	use := x509.KeyUsageDigitalSignature
	if hs.suite.KX == suites.KXRSA {
		use = x509.KeyUsageKeyEncipherment
	}
	if err := c.verifyServerChain(cert.Certificates, use); err != nil {
		return err
	}
	pub := c.state.PeerCertificates[0].PublicKey
	if !keyFitsSuite(hs.suite, pub) {
		return alertf(alert.UnsupportedCertificate, "%s needs another kind of certificate key than the server's %T", hs.suite.Name, pub)
	}
	// RFC 8422 section 5.3: the server's ECDSA key must lie on a curve
	// the client listed, or the server must not choose an ECDSA suite.
	if k, ok := pub.(*ecdsa.PublicKey); ok && !slices.Contains(hs.hello.SupportedGroups, curveGroup(k)) {
		return alertf(alert.IllegalParameter, "server's ECDSA certificate key is on %s, which the client did not offer (supported_groups %s)",
			k.Curve.Params().Name, names(hs.hello.SupportedGroups, suites.GroupName))
	}
	if hs.suite.KX == suites.KXRSA {
		if n := pub.(*rsa.PublicKey).N.BitLen(); n < minRSAKeyTransportBits {
			return alertf(alert.InsufficientSecurity, "server RSA key of %d bits is too small for key transport (need %d)", n, minRSAKeyTransportBits)
		}
	}
	if !hs.sh.StatusRequest {
		return nil
	}
	// RFC 6066 section 8: the server may still send no CertificateStatus.
	t, err := c.peekHandshakeType()
	if err != nil || t != wire.TypeCertificateStatus {
		return err
	}
	st, err := readMessage[wire.CertificateStatus](c)
	if err != nil {
		return err
	}
	c.state.OCSPResponse = st.OCSPResponse
	return nil
}

// readServerKeyExchange reads the server's signed ECDHE public key (RFC
// 8422 section 5.4) and checks the signature with the certificate key.
func (hs *clientHandshake12) readServerKeyExchange() error {
	c := hs.c
	if hs.suite.KX != suites.KXECDHE {
		return nil
	}
	ske, err := readMessage[wire.ServerKeyExchange](c)
	if err != nil {
		return err
	}
	g := suites.GroupByID(ske.Group)
	if g == nil || g.Hybrid || !slices.Contains(hs.hello.SupportedGroups, ske.Group) {
		return alertf(alert.IllegalParameter, "server chose group %s, which was not offered", suites.GroupName(ske.Group))
	}
	if !slices.Contains(hs.hello.SignatureAlgorithms, ske.Scheme) {
		return alertf(alert.IllegalParameter, "ServerKeyExchange signed with %s, which was not offered", suites.SchemeName(ske.Scheme))
	}
	pub := c.state.PeerCertificates[0].PublicKey
	if err := suites.Verify(ske.Scheme, pub, c.serverKeyExchangeSigned(ske), ske.Signature, false); err != nil {
		return alert.Wrap(alert.DecryptError, err)
	}
	hs.ske, hs.group = ske, g
	c.state.CurveID = CurveID(g.ID)
	c.state.SignatureScheme = SignatureScheme(ske.Scheme)
	c.state.PeerSignatureScheme = SignatureScheme(ske.Scheme)
	c.traceStep(trace.StepKeyExchange, trace.KindVerified, "ServerKeyExchange signature verified",
		"The server signed its ephemeral key and both randoms with its certificate key: the key really comes from the server, for this handshake.",
		field("group", g.Name), field("signature_scheme", suites.SchemeName(ske.Scheme)))
	return nil
}

// readServerHelloDone reads the optional CertificateRequest and the
// ServerHelloDone that ends the server's flight.
func (hs *clientHandshake12) readServerHelloDone() error {
	c := hs.c
	t, err := c.peekHandshakeType()
	if err != nil {
		return err
	}
	if t == wire.TypeCertificateRequest {
		if hs.certReq, err = readMessage[wire.CertificateRequest12](c); err != nil {
			return err
		}
	}
	if _, err = readMessage[wire.ServerHelloDone](c); err != nil {
		return err
	}
	return c.endOfFlight("ServerHelloDone")
}

// sendClientCertificate answers a CertificateRequest with a chain, or an
// empty one when the client has none the server accepts (RFC 5246
// section 7.4.6).
func (hs *clientHandshake12) sendClientCertificate() error {
	c, req := hs.c, hs.certReq
	if req == nil {
		return nil
	}
	cert, err := c.clientCertificate(req.CertificateAuthorities, req.SignatureAlgorithms, VersionTLS12)
	if err != nil {
		return err
	}
	if cert != nil {
		leaf, err := cert.leaf()
		if err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		hs.clientScheme = c.pickScheme(cert, leaf, req.SignatureAlgorithms, false)
		if hs.clientScheme != 0 && slices.Contains(req.CertificateTypes, certificateType(leaf.PublicKey)) {
			hs.clientCert = cert
		}
	}
	m := &wire.Certificate12{}
	if hs.clientCert != nil {
		m.Certificates = hs.clientCert.Certificate
	}
	if err := c.writeMessage(m); err != nil {
		return err
	}
	if hs.clientCert == nil {
		c.traceStep(trace.StepCertificate, trace.KindInfo, "no client certificate",
			"The server asked for a certificate but the client has none it would accept; it sends an empty one.")
	}
	return nil
}

// sendClientKeyExchange sends the client's half of the key exchange and
// derives the master secret and the keys.
func (hs *clientHandshake12) sendClientKeyExchange() error {
	c := hs.c
	var premaster []byte
	var cke *wire.ClientKeyExchange
	var err error
	if hs.suite.KX == suites.KXECDHE {
		premaster, cke, err = hs.ecdheKeyExchange()
	} else {
		premaster, cke, err = hs.rsaKeyExchange()
	}
	if err != nil {
		return err
	}
	if err := c.writeMessage(cke); err != nil {
		return err
	}
	hs.master = c.deriveMaster12(hs.suite, premaster, hs.ems)
	hs.clientCipher, hs.serverCipher, err = c.newCiphers12(hs.suite)
	return err
}

// ecdheKeyExchange answers the server's ephemeral key with the client's
// (RFC 8422 section 5.7).
func (hs *clientHandshake12) ecdheKeyExchange() ([]byte, *wire.ClientKeyExchange, error) {
	c := hs.c
	pub, secret, err := hs.group.Respond(c.config.rand(), hs.ske.PublicKey)
	if err != nil {
		return nil, nil, alert.Wrap(alert.IllegalParameter, err)
	}
	c.traceStep(trace.StepKeyExchange, trace.KindNegotiated, "shared secret computed",
		"The client combines a fresh private key with the server's ephemeral public key: both sides now hold the same premaster secret, which never crossed the wire.",
		field("group", hs.group.Name))
	return secret, wire.NewClientKeyExchangeECDHE(pub), nil
}

// rsaKeyExchange makes the premaster secret and encrypts it to the
// server's RSA key (RFC 5246 section 7.4.7.1). Its first two bytes are
// the ClientHello's version, not the negotiated one, to detect rollback.
func (hs *clientHandshake12) rsaKeyExchange() ([]byte, *wire.ClientKeyExchange, error) {
	c := hs.c
	pm := make([]byte, rsaPremasterLen)
	pm[0], pm[1] = byte(hs.hello.Vers>>8), byte(hs.hello.Vers)
	if _, err := io.ReadFull(c.config.rand(), pm[2:]); err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	if f := c.testHooks.rsaPremaster; f != nil {
		pm = f(pm)
	}
	pub := c.state.PeerCertificates[0].PublicKey.(*rsa.PublicKey)
	enc, err := rsa.EncryptPKCS1v15(c.config.rand(), pub, pm) //nolint:staticcheck // RSA key transport is PKCS #1 v1.5 by definition
	if err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	corrupt(c.testHooks.corruptKeyExchange, enc)
	if c.tracing() {
		c.traceStep(trace.StepKeyExchange, trace.KindSecret, "premaster secret encrypted",
			"The client makes a random 48-byte premaster secret and encrypts it to the server's RSA public key; only the holder of the private key can read it. (No forward secrecy: whoever gets that key later can read this connection.)",
			field("rsa_bits", strconv.Itoa(pub.N.BitLen())))
	}
	return pm, wire.NewClientKeyExchangeRSA(enc), nil
}

// sendCertificateVerify signs every handshake message so far with the
// client certificate's key (RFC 5246 section 7.4.8).
func (hs *clientHandshake12) sendCertificateVerify() error {
	c := hs.c
	if hs.clientCert == nil {
		return nil
	}
	signer, ok := hs.clientCert.PrivateKey.(crypto.Signer)
	if !ok {
		return alertf(alert.InternalError, "certificate key of type %T cannot sign", hs.clientCert.PrivateKey)
	}
	sig, err := suites.Sign(hs.clientScheme, signer, c.config.rand(), c.hsTr.messages())
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	return c.writeMessage(&wire.CertificateVerify{Scheme: hs.clientScheme, Signature: corrupt(c.testHooks.corruptSignature, sig)})
}

// sendFinished sends ChangeCipherSpec and the client's Finished, the
// first message under the new keys, and ends the client's flight.
func (hs *clientHandshake12) sendFinished() error {
	c := hs.c
	if err := c.writeChangeCipherSpec12(); err != nil {
		return err
	}
	c.installWriteKeys12(hs.clientCipher, "client write")
	vd := c.prf12.VerifyData(clientFinishedLabel, c.hsTr.sum())
	if err := c.writeMessage(&wire.Finished{VerifyData: corrupt(c.testHooks.corruptFinished, vd)}); err != nil {
		return err
	}
	return c.flush()
}

// readServerFinished reads the server's ChangeCipherSpec and Finished,
// which covers the whole handshake including the client's Finished.
func (hs *clientHandshake12) readServerFinished() error {
	c := hs.c
	if err := c.readChangeCipherSpec(); err != nil {
		return err
	}
	if err := c.installReadKeys12(hs.serverCipher, "server write"); err != nil {
		return err
	}
	want := c.prf12.VerifyData(serverFinishedLabel, c.hsTr.sum())
	fin, err := readMessage[wire.Finished](c)
	if err != nil {
		return err
	}
	if err := c.endOfFlight("Finished"); err != nil {
		return err
	}
	return c.checkFinished12(fin, want)
}
