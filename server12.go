package padlock

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"io"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// serverHandshake12 holds the state of a TLS 1.2 server handshake
// (RFC 5246 section 7.3, figure 1), from the ClientHello on.
type serverHandshake12 struct {
	c  *Conn
	ch *wire.ClientHello

	ems         bool // RFC 7627 in use
	secureReneg bool // the client signalled RFC 5746
	suite       *suites.Suite
	group       *suites.Group // ECDHE only
	cert        *Certificate
	scheme      uint16 // of the ServerKeyExchange; ECDHE only
	alpn        string
	staple      bool // a CertificateStatus follows the Certificate

	share          *suites.PrivateKeyShare // ECDHE only
	clientCertSent bool

	master                     []byte
	clientCipher, serverCipher *record.Cipher

	session    *sessionState // the session resumed; nil in a full handshake
	resumedBy  string        // byTicket or bySessionID
	sessionID  []byte        // of the ServerHello
	sendTicket bool          // a NewSessionTicket follows (RFC 5077)
}

// serverHandshake12 runs a TLS 1.2 server handshake after the ClientHello.
func (c *Conn) serverHandshake12(ch *wire.ClientHello) error {
	hs := &serverHandshake12{c: c, ch: ch}
	return hs.handshake()
}

func (hs *serverHandshake12) handshake() error {
	if err := hs.checkClientHello(); err != nil {
		return err
	}
	s, err := hs.findSession()
	if err != nil {
		return err
	}
	if s != nil {
		return hs.resume(s)
	}
	return runSteps(
		hs.pickParameters,
		hs.planSession,
		hs.sendServerHello,
		hs.sendCertificate,
		hs.sendServerKeyExchange,
		hs.sendCertificateRequest,
		hs.sendServerHelloDone,
		hs.readClientCertificate,
		hs.readClientKeyExchange,
		hs.readCertificateVerify,
		hs.c.verifyConnection,
		hs.readClientFinished,
		hs.sendSessionTicket12,
		hs.sendFinished,
		hs.cacheSession,
	)
}

// checkClientHello applies the rules of the extensions and signals that
// do not depend on the suite.
func (hs *serverHandshake12) checkClientHello() error {
	c, ch := hs.c, hs.ch
	// RFC 7507 section 3: a client that fell back to TLS 1.2 although
	// the server speaks a higher version is under a downgrade attack.
	if slices.Contains(ch.CipherSuites, scsvFallback) && c.config.supportsVersion(VersionTLS13) {
		return alertf(alert.InappropriateFallback, "client fell back to TLS 1.2 (TLS_FALLBACK_SCSV), but the server speaks TLS 1.3")
	}
	// RFC 5246 section 7.4.1.2: the null method must be offered.
	if !slices.Contains(ch.CompressionMethods, 0) {
		return alertf(alert.IllegalParameter, "ClientHello does not offer the null compression method")
	}
	// RFC 5746 section 3.6: the SCSV counts as an empty extension; a
	// non-empty one would mean a renegotiation.
	if len(ch.SecureRenegotiation) > 0 {
		return alertf(alert.HandshakeFailure, "non-empty renegotiation_info in an initial handshake")
	}
	hs.secureReneg = ch.SecureRenegotiationSupported || slices.Contains(ch.CipherSuites, scsvRenegotiation)
	// RFC 8422 section 5.1.2: a client's point format list must include
	// uncompressed, the only format padlock speaks.
	if ch.ECPointFormats != nil && !slices.Contains(ch.ECPointFormats, 0) {
		return alertf(alert.IllegalParameter, "client does not accept uncompressed points")
	}
	// RFC 7627 section 5.2: a server that does not wish to interoperate
	// with legacy clients aborts; one that goes on uses the classic
	// master secret and does not answer the extension.
	hs.ems = ch.ExtendedMasterSecret && !c.config.DisableExtendedMasterSecret
	if !hs.ems {
		why := "client does not offer the extended master secret"
		if ch.ExtendedMasterSecret {
			why = "DisableExtendedMasterSecret is set"
		}
		return c.withoutEMS(why, "client")
	}
	return nil
}

// pickParameters chooses the cipher suite with a certificate that can
// serve it and, for ECDHE, the group and the signature scheme; then ALPN.
func (hs *serverHandshake12) pickParameters() error {
	c, ch := hs.c, hs.ch
	candidates := hs.suiteOrder()
	if len(candidates) == 0 {
		return alertf(alert.HandshakeFailure, "no TLS 1.2 cipher suite in common: client offers %s, server accepts %s",
			names(ch.CipherSuites, suites.SuiteName), names(c.config.suites12(), suites.SuiteName))
	}
	hs.group = hs.pickGroup()
	certs, err := hs.certificateOrder()
	if err != nil {
		return err
	}
	if !hs.pickSuiteAndCertificate(candidates, certs) {
		return hs.noMatch(candidates)
	}
	if hs.alpn, err = c.pickALPN(ch.ALPNProtocols); err != nil {
		return err
	}
	hs.staple = ch.StatusRequest && len(hs.cert.OCSPStaple) > 0
	if hs.suite.KX != suites.KXECDHE {
		hs.group = nil
	}
	c.suite = hs.suite
	c.state.Version = VersionTLS12
	c.state.CipherSuite = hs.suite.ID
	c.state.NegotiatedProtocol = hs.alpn
	fields := []trace.Field{field("cipher_suite", hs.suite.Name)}
	if hs.group != nil {
		c.state.CurveID = CurveID(hs.group.ID)
		c.state.SignatureScheme = SignatureScheme(hs.scheme)
		fields = append(fields, field("group", hs.group.Name), field("signature_scheme", suites.SchemeName(hs.scheme)))
	}
	c.traceStep(trace.StepServerHello, trace.KindNegotiated, "parameters chosen",
		"The server picks, from what the client offered, a cipher suite its certificate can serve and, for ECDHE, the group and the signature scheme.",
		fields...)
	// Only client authentication signs the raw messages (RFC 5246
	// section 7.4.8); otherwise the running hash suffices.
	c.hsTr.keepAll = c.config.ClientAuth != NoClientCert
	c.hsTr.setHash(hs.suite.Hash)
	return nil
}

// suiteOrder returns the TLS 1.2 suites both sides enable, in the
// server's order unless the client's is preferred. Whatever else the
// client offers (CBC, RC4, 3DES, NULL, export, anonymous) padlock does
// not implement, so it never appears here.
func (hs *serverHandshake12) suiteOrder() []*suites.Suite {
	ours, theirs := hs.c.config.suites12(), hs.ch.CipherSuites
	if hs.c.config.PreferClientCipherSuites {
		ours, theirs = theirs, ours
	}
	var out []*suites.Suite
	for _, id := range ours {
		if s := suites.SuiteByID(id); s != nil && !s.TLS13 && slices.Contains(theirs, id) {
			out = append(out, s)
		}
	}
	return out
}

// pickGroup chooses the ECDHE group among the plain curves (hybrids are
// TLS 1.3 only), or returns nil if there is none in common. A client
// without supported_groups is taken to support secp256r1, the curve every
// ECC implementation has.
func (hs *serverHandshake12) pickGroup() *suites.Group {
	var ours []uint16
	for _, g := range hs.c.config.groups(true) {
		if grp := suites.GroupByID(g); grp != nil && !grp.Hybrid {
			ours = append(ours, g)
		}
	}
	theirs := hs.ch.SupportedGroups
	if theirs == nil {
		theirs = []uint16{suites.Secp256r1}
	}
	if hs.c.config.PreferClientCipherSuites {
		ours, theirs = theirs, ours
	}
	for _, g := range ours {
		if slices.Contains(theirs, g) {
			return suites.GroupByID(g)
		}
	}
	return nil
}

// certChoice is a certificate the server may present, with its parsed
// leaf and the leaf's key.
type certChoice struct {
	cert *Certificate
	leaf *x509.Certificate
	pub  crypto.PublicKey
}

// certificateOrder lists the certificates to try: GetCertificate's
// answer, else Config.Certificates with those naming the requested host
// first.
func (hs *serverHandshake12) certificateOrder() ([]certChoice, error) {
	c, ch := hs.c, hs.ch
	if f := c.config.GetCertificate; f != nil {
		info := c.helloInfo(ch)
		cert, err := callHook("GetCertificate", func() (*Certificate, error) { return f(info) })
		if err != nil {
			return nil, hookAlert(alert.InternalError, "GetCertificate", err)
		}
		if cert != nil {
			leaf, err := cert.leaf()
			if err != nil {
				return nil, alert.Wrap(alert.InternalError, err)
			}
			return []certChoice{{cert, leaf, leaf.PublicKey}}, nil
		}
	}
	if len(c.config.Certificates) == 0 {
		return nil, alertf(alert.InternalError, "server has no certificate")
	}
	var named, others []certChoice
	for i := range c.config.Certificates {
		cert := &c.config.Certificates[i]
		leaf, err := cert.leaf()
		if err != nil {
			continue
		}
		if ch.ServerName == "" || leaf.VerifyHostname(ch.ServerName) == nil {
			named = append(named, certChoice{cert, leaf, leaf.PublicKey})
		} else {
			others = append(others, certChoice{cert, leaf, leaf.PublicKey})
		}
	}
	return append(named, others...), nil
}

// pickSuiteAndCertificate takes the first certificate that can serve one
// of the candidate suites, and the most preferred such suite.
func (hs *serverHandshake12) pickSuiteAndCertificate(candidates []*suites.Suite, certs []certChoice) bool {
	for _, cc := range certs {
		for _, s := range candidates {
			if scheme, ok := hs.canServe(s, cc); ok {
				hs.suite, hs.cert, hs.scheme = s, cc.cert, scheme
				return true
			}
		}
	}
	return false
}

// canServe reports whether the certificate can serve suite s and, for
// ECDHE, the signature scheme of the ServerKeyExchange.
func (hs *serverHandshake12) canServe(s *suites.Suite, cc certChoice) (uint16, bool) {
	if !keyFitsSuite(s, cc.pub) {
		return 0, false
	}
	if s.KX == suites.KXRSA {
		// RFC 5246 section 7.4.2: the key must be allowed to encrypt.
		_, ok := cc.cert.PrivateKey.(crypto.Decrypter)
		return 0, ok && keyUsageAllows(cc.leaf, x509.KeyUsageKeyEncipherment)
	}
	if hs.group == nil {
		return 0, false
	}
	if _, ok := cc.cert.PrivateKey.(crypto.Signer); !ok {
		return 0, false
	}
	if k, ok := cc.pub.(*ecdsa.PublicKey); ok && !hs.curveAccepted(k) {
		return 0, false
	}
	scheme := hs.c.pickScheme(cc.cert, cc.leaf, hs.ch.SignatureAlgorithms, false)
	return scheme, scheme != 0
}

// curveAccepted reports whether an ECDSA certificate key lies on a curve
// the client listed in supported_groups: RFC 8422 section 5.3 binds the
// certificate, not only the ephemeral key, to the client's curves.
func (hs *serverHandshake12) curveAccepted(k *ecdsa.PublicKey) bool {
	return hs.ch.SupportedGroups == nil || slices.Contains(hs.ch.SupportedGroups, curveGroup(k))
}

// noMatch explains why no certificate could serve any common suite.
func (hs *serverHandshake12) noMatch(candidates []*suites.Suite) error {
	ch := hs.ch
	ids := make([]uint16, len(candidates))
	for i, s := range candidates {
		ids[i] = s.ID
	}
	if ch.SignatureAlgorithms == nil {
		// RFC 5246 section 7.4.1.4.1: without the extension the client
		// accepts only SHA-1 signatures, which padlock does not make.
		return alertf(alert.HandshakeFailure, "client sent no signature_algorithms, which in TLS 1.2 means SHA-1 only; padlock does not sign with SHA-1 (common suites %s)",
			names(ids, suites.SuiteName))
	}
	if hs.group == nil {
		return alertf(alert.HandshakeFailure, "no ECDHE group in common (client offers %s) and no other suite the certificate can serve (common suites %s)",
			names(ch.SupportedGroups, suites.GroupName), names(ids, suites.SuiteName))
	}
	return alertf(alert.HandshakeFailure, "no certificate can serve a common suite (%s) with a signature scheme (%s) and, for ECDSA, a curve (%s) the client accepts",
		names(ids, suites.SuiteName), names(ch.SignatureAlgorithms, suites.SchemeName), names(ch.SupportedGroups, suites.GroupName))
}

// sendServerHello answers with the suite and the extensions the client
// asked for. The session ID is the one of a new cached session, the
// client's when resuming (RFC 5246 section 7.4.1.3), or empty when the
// session goes in a ticket or is not kept.
func (hs *serverHandshake12) sendServerHello() error {
	c, ch := hs.c, hs.ch
	sh := &wire.ServerHello{
		Vers:                         VersionTLS12,
		Random:                       make([]byte, 32),
		SessionID:                    hs.sessionID,
		CipherSuite:                  hs.suite.ID,
		SessionTicketSupported:       hs.sendTicket,
		ExtendedMasterSecret:         hs.ems,
		SecureRenegotiationSupported: hs.secureReneg,
		ALPNProtocol:                 hs.alpn,
		StatusRequest:                hs.staple,
		// RFC 6066 section 3: a server that used the client's name says
		// so with an empty server_name, but not when resuming, where
		// the name is the session's.
		ServerNameAck: ch.ServerName != "" && hs.session == nil,
	}
	if hs.group != nil && ch.ECPointFormats != nil {
		sh.ECPointFormats = []uint8{0} // RFC 8422 section 5.2
	}
	if n := ch.RecordSizeLimit; n != 0 {
		// Answered always, so that the client's limit binds the
		// records protected after ChangeCipherSpec (RFC 8449 section 4).
		own, err := c.config.recordSizeLimit(VersionTLS12)
		if err != nil {
			return err
		}
		sh.RecordSizeLimit = own
		defer c.useRecordSizeLimit(VersionTLS12, n, own) // after the ServerHello
	}
	if _, err := io.ReadFull(c.config.rand(), sh.Random); err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	if c.config.supportsVersion(VersionTLS13) {
		// RFC 8446 section 4.1.3: a TLS 1.3 server negotiating TLS 1.2
		// says so in its random, where a downgrading attacker cannot
		// change it without breaking the signature or the Finished.
		copy(sh.Random[24:], downgradeTLS12)
	}
	copy(c.random[1][:], sh.Random)
	return c.writeMessage(sh)
}

// sendCertificate sends the chain and, when the client asked and the
// certificate has one, the stapled OCSP response (RFC 6066 section 8).
func (hs *serverHandshake12) sendCertificate() error {
	c := hs.c
	if err := c.writeMessage(&wire.Certificate12{Certificates: hs.cert.Certificate}); err != nil {
		return err
	}
	if !hs.staple {
		return nil
	}
	return c.writeMessage(&wire.CertificateStatus{OCSPResponse: hs.cert.OCSPStaple})
}

// sendServerKeyExchange sends a fresh ECDHE public key signed with the
// certificate key over both randoms (RFC 8422 section 5.4).
func (hs *serverHandshake12) sendServerKeyExchange() error {
	c := hs.c
	if hs.group == nil {
		return nil
	}
	share, err := hs.group.GenerateKeyShareWith(c.config.keyPool().take(hs.group), c.config.rand())
	if err != nil {
		return err
	}
	hs.share = share
	ske := &wire.ServerKeyExchange{CurveType: curveTypeNamedCurve, Group: hs.group.ID, PublicKey: share.Public(), Scheme: hs.scheme}
	sig, err := suites.Sign(hs.scheme, hs.cert.PrivateKey.(crypto.Signer), c.config.rand(), c.serverKeyExchangeSigned(ske))
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	ske.Signature = corrupt(c.testHooks.corruptSignature, sig)
	return c.writeMessage(ske)
}

// sendCertificateRequest asks for a client certificate when ClientAuth
// says so (RFC 5246 section 7.4.4).
func (hs *serverHandshake12) sendCertificateRequest() error {
	c := hs.c
	if c.config.ClientAuth == NoClientCert {
		return nil
	}
	schemes, err := c.config.offeredSchemes(false)
	if err != nil {
		return err
	}
	req := &wire.CertificateRequest12{
		CertificateTypes:    []uint8{certTypeRSASign, certTypeECDSASign},
		SignatureAlgorithms: schemes,
	}
	if c.config.ClientCAs != nil && c.config.ClientAuth >= VerifyClientCertIfGiven {
		req.CertificateAuthorities = c.config.ClientCAs.Subjects() //nolint:staticcheck // only for the hint
	}
	return c.writeMessage(req)
}

func (hs *serverHandshake12) sendServerHelloDone() error {
	c := hs.c
	if err := c.writeMessage(&wire.ServerHelloDone{}); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	if hs.group != nil {
		// The client's turn: make the key of a later handshake meanwhile.
		c.config.keyPool().refill(hs.group, c.config)
	}
	return nil
}

// readClientCertificate reads the client's chain when one was requested
// and applies ClientAuth; an empty chain is how a client says it has none
// (RFC 5246 section 7.4.6).
func (hs *serverHandshake12) readClientCertificate() error {
	c := hs.c
	if c.config.ClientAuth == NoClientCert {
		return nil
	}
	cert, err := readMessage[wire.Certificate12](c)
	if err != nil {
		return err
	}
	if err := c.checkClientCertificate(cert.Certificates, alert.HandshakeFailure); err != nil {
		return err
	}
	hs.clientCertSent = len(cert.Certificates) > 0
	return nil
}

// readClientKeyExchange completes the key exchange and derives the
// master secret and the keys.
func (hs *serverHandshake12) readClientKeyExchange() error {
	c := hs.c
	cke, err := readMessage[wire.ClientKeyExchange](c)
	if err != nil {
		return err
	}
	var premaster []byte
	if hs.suite.KX == suites.KXECDHE {
		pub, err := cke.ECDHEPublic()
		if err != nil {
			return alert.Wrap(alert.DecodeError, err)
		}
		if premaster, err = hs.share.SharedSecret(pub); err != nil {
			return alert.Wrap(alert.IllegalParameter, err)
		}
		c.traceStep(trace.StepKeyExchange, trace.KindNegotiated, "shared secret computed",
			"The server combines the client's ephemeral public key with its own private key: both sides now hold the same premaster secret, which never crossed the wire.",
			field("group", hs.group.Name))
	} else if premaster, err = hs.decryptPremaster(cke); err != nil {
		return err
	}
	hs.master = c.deriveMaster12(hs.suite, premaster, hs.ems)
	hs.clientCipher, hs.serverCipher, err = c.newCiphers12(hs.suite)
	return err
}

// readCertificateVerify checks the client's signature over every message
// before it (RFC 5246 section 7.4.8), when the client sent a certificate.
func (hs *serverHandshake12) readCertificateVerify() error {
	c := hs.c
	if !hs.clientCertSent {
		return nil
	}
	signed := c.hsTr.messages()
	cv, err := readMessage[wire.CertificateVerify](c)
	if err != nil {
		return err
	}
	if !slices.Contains(c.config.schemes(false), cv.Scheme) {
		return alertf(alert.IllegalParameter, "CertificateVerify uses %s, which was not offered", suites.SchemeName(cv.Scheme))
	}
	if err := suites.Verify(cv.Scheme, c.state.PeerCertificates[0].PublicKey, signed, cv.Signature, false); err != nil {
		return alert.Wrap(alert.DecryptError, err)
	}
	c.state.PeerSignatureScheme = SignatureScheme(cv.Scheme)
	c.traceStep(trace.StepCertificate, trace.KindVerified, "client signature verified",
		"The client's CertificateVerify signature over the handshake checks out with its certificate's public key: it holds the private key.",
		field("signature_scheme", suites.SchemeName(cv.Scheme)))
	return nil
}

// readClientFinished reads the client's ChangeCipherSpec and Finished.
// With RSA key transport, a premaster secret that did not decrypt
// properly shows up here, and only here: the Finished record fails to
// open with bad_record_mac.
func (hs *serverHandshake12) readClientFinished() error {
	c := hs.c
	if err := c.readChangeCipherSpec(); err != nil {
		return err
	}
	if err := c.installReadKeys12(hs.clientCipher, "client write"); err != nil {
		return err
	}
	want := c.prf12.VerifyData(clientFinishedLabel, c.hsTr.sum())
	fin, err := readMessage[wire.Finished](c)
	if err != nil {
		return err
	}
	if err := c.endOfFlight("Finished"); err != nil {
		return err
	}
	return c.checkFinished12(fin, want)
}

// sendFinished sends ChangeCipherSpec and the server's Finished, which
// covers the client's Finished too, and ends the handshake.
func (hs *serverHandshake12) sendFinished() error {
	c := hs.c
	if err := c.writeChangeCipherSpec12(); err != nil {
		return err
	}
	c.installWriteKeys12(hs.serverCipher, "server write")
	vd := c.prf12.VerifyData(serverFinishedLabel, c.hsTr.sum())
	if err := c.writeMessage(&wire.Finished{VerifyData: corrupt(c.testHooks.corruptFinished, vd)}); err != nil {
		return err
	}
	return c.flush()
}

// decryptPremaster recovers the RSA-encrypted premaster secret (RFC 5246
// section 7.4.7.1) without revealing, by error, alert or timing, whether
// the padding, the length or the version bytes were wrong: any of those
// silently yields a random premaster, and the handshake then fails at the
// client's Finished like any other key mismatch. A server that tells
// them apart is a Bleichenbacher oracle (ROBOT) that lets an attacker
// decrypt recorded sessions or sign with the server's key.
func (hs *serverHandshake12) decryptPremaster(cke *wire.ClientKeyExchange) ([]byte, error) {
	c := hs.c
	// The length prefix is public framing, not a secret: a malformed
	// one may be told apart.
	enc, err := cke.RSAEncrypted()
	if err != nil {
		return nil, alert.Wrap(alert.DecodeError, err)
	}
	random := make([]byte, rsaPremasterLen)
	if _, err := io.ReadFull(c.config.rand(), random); err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	pm := slices.Clone(random)
	switch k := hs.cert.PrivateKey.(type) {
	case *rsa.PrivateKey:
		// pm stays random unless the padding is valid and the message
		// 48 bytes long, in constant time. An error means only a
		// ciphertext of the wrong size, which anyone on the wire sees;
		// it too goes on with the random premaster.
		_ = rsa.DecryptPKCS1v15SessionKey(nil, k, enc, pm) //nolint:staticcheck // RSA key transport is PKCS #1 v1.5 by definition
	case crypto.Decrypter:
		// Opaque keys (hardware, remote signers) get the option that
		// asks for the same behaviour; how constant their time is
		// rests with them.
		m, err := k.Decrypt(c.config.rand(), enc, &rsa.PKCS1v15DecryptOptions{SessionKeyLen: rsaPremasterLen}) //nolint:staticcheck // as above
		if err == nil && len(m) == rsaPremasterLen {
			copy(pm, m)
		}
	}
	// The first two bytes must be the ClientHello's legacy_version (RFC
	// 5246 section 7.4.7.1: "MUST check"); on a mismatch the whole
	// premaster is random, the RFC's second approach, so this check and
	// the padding check fail alike.
	v := hs.ch.Vers
	ok := subtle.ConstantTimeByteEq(pm[0], byte(v>>8)) & subtle.ConstantTimeByteEq(pm[1], byte(v))
	subtle.ConstantTimeCopy(1-ok, pm, random)
	clear(random)
	c.traceStep(trace.StepKeyExchange, trace.KindSecret, "premaster secret decrypted",
		"The server decrypts the 48-byte premaster secret with its RSA private key. Had the padding or version been wrong, it would go on with random bytes and fail only at Finished, so an attacker learns nothing from its answer.")
	return pm, nil
}
