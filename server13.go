package padlock

import (
	"bytes"
	"crypto/x509"
	"io"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// serverHandshake13 holds the state of a TLS 1.3 server handshake
// (RFC 8446 section 2, figure 1), from the first ClientHello on.
type serverHandshake13 struct {
	c        *Conn
	ch       *wire.ClientHello
	suite    *suites.Suite
	group    *suites.Group
	share    []byte // the client's key share for group
	cert     *Certificate
	scheme   uint16
	alpn     string
	sched    *keysched.Schedule13
	sentCCS  bool
	retried  bool
	priorTr  *transcript   // before the second ClientHello, for its binders
	psk      *sessionState // the session resumed; nil for a full handshake
	pskKE    bool          // resumed in psk_ke mode: no key exchange
	pskIndex uint16
	pskSched *keysched.Schedule13 // started from psk's secret, for its binder
	clientHS *keysched.TrafficSecret
	serverHS *keysched.TrafficSecret
}

func (hs *serverHandshake13) handshake() error {
	return runSteps(
		hs.pickParameters,
		hs.sendServerHello,
		hs.sendEncryptedExtensions,
		hs.sendCertificateRequest,
		hs.sendCertificate,
		hs.sendFinished,
		hs.readClientCertificate,
		hs.readClientFinished,
		hs.sendSessionTicket13,
	)
}

// pickParameters checks the ClientHello and chooses the suite, the group,
// the certificate and ALPN; it asks for another key share with a
// HelloRetryRequest when the client sent none the server accepts.
func (hs *serverHandshake13) pickParameters() error {
	c, ch := hs.c, hs.ch
	if !bytes.Equal(ch.CompressionMethods, []uint8{0}) {
		return alertf(alert.IllegalParameter, "TLS 1.3 ClientHello offers compression")
	}
	if ch.SignatureAlgorithms == nil {
		return alertf(alert.MissingExtension, "ClientHello without signature_algorithms")
	}
	if ch.SupportedGroups == nil || ch.KeyShares == nil {
		// RFC 8446 section 9.2: without a PSK both must be present.
		return alertf(alert.MissingExtension, "ClientHello without supported_groups or key_share")
	}
	if hs.suite = c.pickSuite(c.config.suites13(), ch.CipherSuites); hs.suite == nil {
		return alertf(alert.HandshakeFailure, "no TLS 1.3 cipher suite in common: client offers %s, server accepts %s",
			names(ch.CipherSuites, suites.SuiteName), names(c.config.suites13(), suites.SuiteName))
	}
	c.hsTr.setHash(hs.suite.Hash)
	if err := hs.pickGroup(); err != nil {
		return err
	}
	if hs.share == nil {
		if err := hs.sendHelloRetryRequest(); err != nil {
			return err
		}
	}
	if err := hs.acceptPSK13(); err != nil {
		return err
	}
	var err error
	if hs.psk == nil {
		if hs.cert, hs.scheme, err = c.pickCertificate(hs.ch, hs.ch.SignatureAlgorithms, true); err != nil {
			return err
		}
	}
	if hs.alpn, err = c.pickALPN(hs.ch.ALPNProtocols); err != nil {
		return err
	}
	c.suite = hs.suite
	c.state.Version = VersionTLS13
	c.state.CipherSuite = hs.suite.ID
	c.state.CurveID = CurveID(hs.group.ID)
	c.state.SignatureScheme = SignatureScheme(hs.scheme)
	c.state.NegotiatedProtocol = hs.alpn
	c.traceStep(trace.StepServerHello, trace.KindNegotiated, "parameters chosen",
		"The server picks, from what the client offered, the cipher suite, the key exchange group and the signature scheme it prefers.",
		field("cipher_suite", hs.suite.Name), field("group", hs.group.Name), field("signature_scheme", suites.SchemeName(hs.scheme)))
	return nil
}

// pickGroup picks the group: the most preferred one the client sent a key
// share for; failing that, the most preferred one it supports, for a
// HelloRetryRequest (share stays nil).
func (hs *serverHandshake13) pickGroup() error {
	c, ch := hs.c, hs.ch
	seen := map[uint16]bool{}
	for _, ks := range ch.KeyShares {
		// RFC 8446 section 4.2.8: one share per group, and only for
		// groups in supported_groups.
		if seen[ks.Group] || !slices.Contains(ch.SupportedGroups, ks.Group) {
			return alertf(alert.IllegalParameter, "key share for %s is repeated or not in supported_groups", suites.GroupName(ks.Group))
		}
		seen[ks.Group] = true
	}
	ours, theirs := c.config.groups(true), ch.SupportedGroups
	if c.config.PreferClientCipherSuites {
		ours = slices.DeleteFunc(slices.Clone(theirs), func(g uint16) bool { return !slices.Contains(c.config.groups(true), g) })
	}
	for _, g := range ours {
		for _, ks := range ch.KeyShares {
			if ks.Group == g {
				hs.group, hs.share = suites.GroupByID(g), ks.Data
				return nil
			}
		}
	}
	for _, g := range ours {
		if slices.Contains(theirs, g) {
			hs.group = suites.GroupByID(g)
			return nil
		}
	}
	return alertf(alert.HandshakeFailure, "no key exchange group in common: client offers %s, server accepts %s",
		names(theirs, suites.GroupName), names(c.config.groups(true), suites.GroupName))
}

// sendHelloRetryRequest asks the client for a key share for hs.group and
// reads the second ClientHello (RFC 8446 section 4.1.4).
func (hs *serverHandshake13) sendHelloRetryRequest() error {
	c := hs.c
	if hs.retried {
		return alertf(alert.IllegalParameter, "second ClientHello still lacks a key share for %s", hs.group.Name)
	}
	hs.retried = true
	hrr := &wire.ServerHello{
		Vers:             VersionTLS12,
		Random:           wire.HelloRetryRequestRandom[:],
		SessionID:        hs.ch.SessionID,
		CipherSuite:      hs.suite.ID,
		SupportedVersion: VersionTLS13,
		SelectedGroup:    hs.group.ID,
	}
	c.hsTr.replaceWithMessageHash()
	if err := c.writeMessage(hrr); err != nil {
		return err
	}
	if err := hs.sendCompatCCS(); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	hs.priorTr = c.hsTr.clone()
	ch2, err := readMessage[wire.ClientHello](c)
	if err != nil {
		return err
	}
	if !bytes.Equal(ch2.SessionID, hs.ch.SessionID) || !slices.Contains(ch2.CipherSuites, hs.suite.ID) ||
		!slices.Contains(ch2.SupportedVersions, VersionTLS13) {
		return alertf(alert.IllegalParameter, "second ClientHello does not match the first")
	}
	if len(ch2.KeyShares) != 1 || ch2.KeyShares[0].Group != hs.group.ID {
		return alertf(alert.IllegalParameter, "second ClientHello must carry one key share, for %s", hs.group.Name)
	}
	hs.ch, hs.share = ch2, ch2.KeyShares[0].Data
	return nil
}

// sendCompatCCS sends the server's compatibility ChangeCipherSpec once,
// right after its first handshake message, when the client asked for
// compatibility mode with a session ID (RFC 8446 appendix D.4).
func (hs *serverHandshake13) sendCompatCCS() error {
	if hs.sentCCS || len(hs.ch.SessionID) == 0 {
		return nil
	}
	hs.sentCCS = true
	return hs.c.writeCompatCCS()
}

// sendServerHello answers the client's key share with the server's and
// derives the handshake secrets from the shared secret.
func (hs *serverHandshake13) sendServerHello() error {
	c := hs.c
	sh := &wire.ServerHello{
		Vers:             VersionTLS12,
		Random:           make([]byte, 32),
		SessionID:        hs.ch.SessionID,
		CipherSuite:      hs.suite.ID,
		SupportedVersion: VersionTLS13,
	}
	var secret []byte // stays nil in psk_ke mode: the PSK alone keys it
	if !hs.pskKE {
		pub, shared, err := hs.group.RespondWith(c.config.keyPool().take(hs.group), c.config.rand(), hs.share)
		if err != nil {
			return alert.Wrap(alert.IllegalParameter, err)
		}
		sh.KeyShare, secret = wire.KeyShare{Group: hs.group.ID, Data: pub}, shared
	} else {
		c.state.CurveID = 0
	}
	var psk []byte
	if hs.psk != nil {
		sh.HasSelectedIdentity, sh.SelectedIdentity, psk = true, hs.pskIndex, hs.psk.secret
	}
	if _, err := io.ReadFull(c.config.rand(), sh.Random); err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	copy(c.random[1][:], sh.Random)
	if f := c.testHooks.editServerHello; f != nil {
		f(sh)
	}
	if err := c.writeMessage(sh); err != nil {
		return err
	}
	if err := hs.sendCompatCCS(); err != nil {
		return err
	}
	if hs.pskKE {
		c.traceStep(trace.StepKeyExchange, trace.KindWarning, "no key exchange (psk_ke)",
			"The server resumes with the ticket's key alone: quicker, but this connection has no forward secrecy of its own.")
	} else {
		c.traceStep(trace.StepKeyExchange, trace.KindNegotiated, "shared secret computed",
			"The server combines the client's key share with its own private key: both sides now hold the same secret, which never crossed the wire.",
			field("group", hs.group.Name))
	}
	hs.sched = pskSchedule(hs.suite, psk, hs.pskSched)
	hs.sched.SetSharedSecret(secret)
	th := c.hsTr.sum()
	hs.clientHS = keysched.NewTrafficSecret(hs.suite.Hash, hs.sched.ClientHandshakeTrafficSecret(th))
	hs.serverHS = keysched.NewTrafficSecret(hs.suite.Hash, hs.sched.ServerHandshakeTrafficSecret(th))
	c.logKey(keyLogClientHandshake, hs.clientHS.Bytes())
	c.logKey(keyLogServerHandshake, hs.serverHS.Bytes())
	c.traceSecrets13("handshake", "client_handshake_traffic_secret", "server_handshake_traffic_secret")
	if err := c.installWriteKeys13(hs.suite, hs.serverHS, "server handshake"); err != nil {
		return err
	}
	if err := c.installReadKeys13(hs.suite, hs.clientHS, "client handshake"); err != nil {
		return err
	}
	// A client's write keys change only once it has the server's
	// Finished (RFC 8446 appendix A.1; OpenSSL's do so): until then its
	// alert about the server's flight comes in plaintext, and is the
	// peer's alert to report (section 6).
	c.in.r.AllowPlaintextAlerts()
	return nil
}

func (hs *serverHandshake13) sendEncryptedExtensions() error {
	return hs.c.writeMessage(&wire.EncryptedExtensions{ALPNProtocol: hs.alpn})
}

// sendCertificateRequest asks for a client certificate when ClientAuth
// says so (RFC 8446 section 4.3.2).
func (hs *serverHandshake13) sendCertificateRequest() error {
	c := hs.c
	if c.config.ClientAuth == NoClientCert || hs.psk != nil {
		// RFC 8446 section 4.3.2: no CertificateRequest with a PSK.
		return nil
	}
	req := &wire.CertificateRequest13{SignatureAlgorithms: c.config.schemes(true)}
	if c.config.ClientCAs != nil && c.config.ClientAuth >= VerifyClientCertIfGiven {
		req.CertificateAuthorities = c.config.ClientCAs.Subjects() //nolint:staticcheck // only for the hint
	}
	return c.writeMessage(req)
}

func (hs *serverHandshake13) sendCertificate() error {
	c := hs.c
	if hs.psk != nil {
		return nil
	}
	if err := c.writeCertificate13(hs.cert, nil, hs.ch.StatusRequest); err != nil {
		return err
	}
	return c.writeCertificateVerify13(hs.cert, hs.scheme, true)
}

// sendFinished sends the server's Finished, ending its flight, and
// derives the application secrets.
func (hs *serverHandshake13) sendFinished() error {
	c := hs.c
	fin := &wire.Finished{VerifyData: hs.serverHS.FinishedVerifyData(c.hsTr.sum())}
	corrupt(c.testHooks.corruptFinished, fin.VerifyData)
	if err := c.writeMessage(fin); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	if hs.group != nil && !hs.pskKE {
		// The client's turn: make the key of a later handshake meanwhile.
		c.config.keyPool().refill(hs.group, c.config)
	}
	c.deriveApplicationSecrets13(hs.sched)
	return c.installWriteKeys13(hs.suite, c.traffic(c.tls13.serverApp), "server application")
}

// readClientCertificate reads the client's Certificate and
// CertificateVerify when one was requested, and applies ClientAuth.
func (hs *serverHandshake13) readClientCertificate() error {
	c := hs.c
	if c.config.ClientAuth == NoClientCert || hs.psk != nil {
		return nil
	}
	cert, err := readMessage[wire.Certificate13](c)
	if err != nil {
		return err
	}
	if len(cert.RequestContext) != 0 {
		return alertf(alert.IllegalParameter, "client Certificate with a request context that was not sent")
	}
	ders := make([][]byte, len(cert.Entries))
	for i, e := range cert.Entries {
		ders[i] = e.Data
	}
	if err := c.checkClientCertificate(ders, alert.CertificateRequired); err != nil || len(ders) == 0 {
		return err
	}
	th := c.hsTr.sum()
	cv, err := readMessage[wire.CertificateVerify](c)
	if err != nil {
		return err
	}
	return c.verifyHandshakeSignature13(cv, th, true, c.config.schemes(true))
}

// checkClientCertificate applies ClientAuth to the chain a client sent;
// missing is the alert for a required certificate that did not come.
func (c *Conn) checkClientCertificate(ders [][]byte, missing alert.Description) error {
	if len(ders) == 0 {
		if c.config.ClientAuth == RequireAnyClientCert || c.config.ClientAuth == RequireAndVerifyClientCert {
			return alertf(missing, "the server requires a client certificate and none was sent")
		}
		return nil
	}
	if c.config.ClientAuth >= VerifyClientCertIfGiven {
		certs, chains, err := c.verifiedChain(ders, c.config.ClientCAs, "", x509.ExtKeyUsageClientAuth)
		c.state.PeerCertificates, c.state.VerifiedChains = certs, chains
		return err
	}
	certs, err := c.parseChain(ders)
	c.state.PeerCertificates = certs
	return err
}

// readClientFinished checks the client's Finished and switches the read
// side to the application keys.
func (hs *serverHandshake13) readClientFinished() error {
	c := hs.c
	if err := c.readFinished13(hs.clientHS); err != nil {
		return err
	}
	c.tls13.resumptionMaster = hs.sched.ResumptionMasterSecret(c.hsTr.sum())
	return c.installReadKeys13(hs.suite, c.traffic(c.tls13.clientApp), "client application")
}
