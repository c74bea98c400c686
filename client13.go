package padlock

import (
	"bytes"
	"crypto/x509"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// clientHandshake13 holds the state of a TLS 1.3 client handshake
// (RFC 8446 section 2, figure 1), from the ServerHello on.
type clientHandshake13 struct {
	c      *Conn
	hello  *wire.ClientHello
	shares []*suites.PrivateKeyShare
	sh     *wire.ServerHello
	suite  *suites.Suite
	sched  *keysched.Schedule13

	clientHS, serverHS *keysched.TrafficSecret // handshake traffic secrets
	clientApp          *keysched.TrafficSecret // derived, not yet installed
	certReq            *wire.CertificateRequest13
	retried            bool                  // a HelloRetryRequest was answered
	session            *ClientSessionState   // offered for resumption; nil if none
	sessionChains      [][]*x509.Certificate // session's server chains, verified for this connection
	pskSched           *keysched.Schedule13  // started from session's PSK, for its binder
	resumed            bool                  // the server accepted it
	earlySent          bool                  // early data went with the first ClientHello
	earlyAccepted      bool                  // and the server read it
	ech                *echClient            // the ECH offered; nil without (GREASE included)
}

func (hs *clientHandshake13) handshake() error {
	defer hs.wipe()
	if hs.sh.IsHelloRetryRequest() {
		if err := hs.answerHelloRetryRequest(); err != nil {
			return err
		}
	}
	return runSteps(
		hs.processServerHello,
		hs.deriveHandshakeSecrets,
		hs.readEncryptedExtensions,
		hs.readServerCertificate,
		hs.readServerFinished,
		hs.c.verifyConnection,
		hs.sendEndOfEarlyData,
		hs.sendClientCertificate,
		hs.sendFinished,
		hs.endRejectedECH,
	)
}

// checkServerHelloCommon applies the checks ServerHello and
// HelloRetryRequest share (RFC 8446 section 4.1.3).
func (hs *clientHandshake13) checkServerHelloCommon(sh *wire.ServerHello) error {
	msg, allowed := "ServerHello", serverHelloExtensions13
	if sh.IsHelloRetryRequest() {
		msg, allowed = "HelloRetryRequest", retryRequestExtensions13
	}
	if err := checkServerExtensions13(msg, sh.Extensions, allowed, hs.hello); err != nil {
		return err
	}
	if !bytes.Equal(sh.SessionID, hs.hello.SessionID) {
		return alertf(alert.IllegalParameter, "legacy_session_id_echo does not match")
	}
	if sh.CompressionMethod != 0 {
		return alertf(alert.IllegalParameter, "compression method %d", sh.CompressionMethod)
	}
	s := suites.SuiteByID(sh.CipherSuite)
	if s == nil || !s.TLS13 || !slices.Contains(hs.hello.CipherSuites, sh.CipherSuite) {
		return alertf(alert.IllegalParameter, "server chose cipher suite %s, which was not offered", suites.SuiteName(sh.CipherSuite))
	}
	if hs.suite != nil && hs.suite != s {
		return alertf(alert.IllegalParameter, "ServerHello changed the cipher suite of the HelloRetryRequest")
	}
	hs.suite = s
	return nil
}

// answerHelloRetryRequest sends the second ClientHello with a key share
// for the group the server asked for (RFC 8446 section 4.1.4).
func (hs *clientHandshake13) answerHelloRetryRequest() error {
	c, hrr := hs.c, hs.sh
	if err := c.endOfFlight("HelloRetryRequest"); err != nil {
		return err
	}
	if err := hs.checkServerHelloCommon(hrr); err != nil {
		return err
	}
	g := hrr.SelectedGroup
	if g != 0 {
		if !slices.Contains(hs.hello.SupportedGroups, g) || suites.GroupByID(g) == nil {
			return alertf(alert.IllegalParameter, "HelloRetryRequest asks for group %s, which was not offered", suites.GroupName(g))
		}
		for _, s := range hs.shares {
			if s.Group().ID == g {
				return alertf(alert.IllegalParameter, "HelloRetryRequest asks for group %s, which already had a key share", suites.GroupName(g))
			}
		}
	} else if hrr.Cookie == nil {
		return alertf(alert.IllegalParameter, "HelloRetryRequest would not change the ClientHello")
	}
	c.traceStep(trace.StepServerHello, trace.KindInfo, "retrying the hello",
		"The server wants a key share for another group; the client sends a second ClientHello.",
		field("group", suites.GroupName(g)))
	// The transcript restarts with a message_hash standing for the first
	// ClientHello (RFC 8446 section 4.4.1), then the HelloRetryRequest.
	c.hsTr.restartForRetry(hs.suite.Hash, len(hrr.Raw))

	hello := *hs.hello
	hello.Cookie = hrr.Cookie
	if g != 0 {
		share, err := suites.GroupByID(g).GenerateKeyShare(c.config.rand())
		if err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		hs.shares = []*suites.PrivateKeyShare{share}
		hello.KeyShares = []wire.KeyShare{{Group: g, Data: share.Public()}}
	}
	hello.EarlyData = false
	if hs.earlySent {
		// RFC 8446 section 4.1.2: a retry rejects early data, and the
		// second ClientHello goes in plaintext, after the CCS already
		// sent behind the first.
		hs.rejectEarlyData("the server asked for another ClientHello")
		c.setWriteCipher(nil)
	}
	if f := c.testHooks.editRetryHello; f != nil {
		f(&hello)
	}
	if hs.session != nil {
		// RFC 8446 section 4.1.4: the PSK stays only if its hash
		// matches the suite the server chose; its binder covers the
		// new transcript.
		if suites.SuiteByID(hs.session.suite).Hash == hs.suite.Hash {
			hs.pskSched = c.offerPSK13(&hello, hs.session, c.hsTr)
		} else {
			hello.PSKIdentities, hello.PSKBinders, hs.session = nil, nil, nil
		}
	}
	hs.hello = &hello
	if err := c.writeCompatCCSOnce(hs.earlySent); err != nil {
		return err
	}
	if err := hs.writeSecondHello(); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	sh, err := hs.readSecondServerHello()
	if err != nil {
		return err
	}
	if sh.IsHelloRetryRequest() {
		return alertf(alert.UnexpectedMessage, "a second HelloRetryRequest")
	}
	if sh.SupportedVersion != VersionTLS13 {
		return alertf(alert.IllegalParameter, "ServerHello after HelloRetryRequest changed the version")
	}
	hs.sh, hs.retried = sh, true
	return nil
}

// processServerHello checks the server's choices and completes the key
// exchange with its key share.
func (hs *clientHandshake13) processServerHello() error {
	c, sh := hs.c, hs.sh
	if err := hs.checkServerHelloCommon(sh); err != nil {
		return err
	}
	if !hs.retried {
		c.hsTr.setHash(hs.suite.Hash)
	}
	if sh.SelectedGroup != 0 || sh.Cookie != nil {
		return alertf(alert.UnsupportedExtension, "HelloRetryRequest extension in a ServerHello")
	}
	psk, err := hs.acceptResumption()
	if err != nil {
		return err
	}
	secret, err := hs.sharedSecret()
	if err != nil {
		return err
	}
	c.suite = hs.suite
	c.state.Version = VersionTLS13
	c.state.CipherSuite = hs.suite.ID
	c.state.ServerName = hs.hello.ServerName
	hs.sched = c.pskSchedule(hs.suite, psk, hs.pskSched)
	hs.sched.SetSharedSecret(secret)
	clear(secret) // the Handshake Secret now stands for it
	return nil
}

// wipe erases, when the handshake ends, the secrets only it needed: the
// key schedule's (RFC 8446 section 7.1), the handshake traffic secrets
// (already wiped by the application keys replacing them, unless the
// handshake failed first) and an application secret not yet installed.
// The session's PSK is the client cache's, and stays.
func (hs *clientHandshake13) wipe() {
	hs.sched.Erase()
	hs.pskSched.Erase()
	for _, t := range []*keysched.TrafficSecret{hs.clientHS, hs.serverHS, hs.clientApp} {
		if t != nil {
			clear(t.Bytes())
		}
	}
}

// acceptResumption checks the server's choice of PSK, if it made one, and
// returns the PSK (RFC 8446 section 4.2.11).
func (hs *clientHandshake13) acceptResumption() ([]byte, error) {
	c, sh := hs.c, hs.sh
	if !sh.HasSelectedIdentity {
		return nil, nil
	}
	if hs.session == nil || sh.SelectedIdentity != 0 {
		return nil, alertf(alert.IllegalParameter, "server selected PSK identity %d, which was not offered", sh.SelectedIdentity)
	}
	if suites.SuiteByID(hs.session.suite).Hash != hs.suite.Hash {
		return nil, alertf(alert.IllegalParameter, "server resumed with a suite whose hash differs from the session's")
	}
	hs.resumed = true
	c.state.DidResume = true
	c.state.PeerCertificates = hs.session.peerCertificates
	c.state.PeerSignatureScheme = hs.session.peerScheme
	c.state.VerifiedChains = hs.sessionChains
	c.state.OCSPResponse = hs.session.ocsp
	c.traceStep(trace.StepResumption, trace.KindVerified, "session resumed",
		"The server accepted the ticket from an earlier connection: the server proves itself with the shared key, so no certificate comes this time.")
	return hs.session.secret, nil
}

// sharedSecret completes the key exchange with the server's key share;
// in psk_ke mode there is none, and the PSK alone keys the connection.
func (hs *clientHandshake13) sharedSecret() ([]byte, error) {
	c, sh := hs.c, hs.sh
	if sh.KeyShare.Group == 0 {
		switch {
		case hs.resumed && slices.Contains(hs.hello.PSKModes, pskModeKE):
			c.traceStep(trace.StepKeyExchange, trace.KindWarning, "no key exchange (psk_ke)",
				"The server resumed with the ticket's key alone: quicker, but this connection has no forward secrecy of its own.")
			return nil, nil
		case sh.HasSelectedIdentity:
			// RFC 8446 section 4.2.11: psk_dhe_ke needs the key share.
			return nil, alertf(alert.IllegalParameter, "PSK ServerHello without the key_share psk_dhe_ke requires")
		}
		return nil, alertf(alert.MissingExtension, "ServerHello without key_share")
	}
	var share *suites.PrivateKeyShare
	for _, s := range hs.shares {
		if s.Group().ID == sh.KeyShare.Group {
			share = s
		}
	}
	if share == nil {
		return nil, alertf(alert.IllegalParameter, "server key share for %s, which the client did not send", suites.GroupName(sh.KeyShare.Group))
	}
	secret, err := share.SharedSecret(sh.KeyShare.Data)
	if err != nil {
		return nil, alert.Wrap(alert.IllegalParameter, err)
	}
	c.state.CurveID = CurveID(share.Group().ID)
	c.traceStep(trace.StepKeyExchange, trace.KindNegotiated, "shared secret computed",
		"The client combines its private key with the server's key share: both sides now hold the same secret, which never crossed the wire.",
		field("group", share.Group().Name), field("cipher_suite", hs.suite.Name))
	return secret, nil
}

// deriveHandshakeSecrets derives the handshake traffic secrets and
// installs the keys that protect the rest of the handshake.
func (hs *clientHandshake13) deriveHandshakeSecrets() error {
	c := hs.c
	th := c.hsTr.sum()
	hs.clientHS = keysched.NewTrafficSecret(hs.suite.Hash, hs.sched.ClientHandshakeTrafficSecret(th))
	hs.serverHS = keysched.NewTrafficSecret(hs.suite.Hash, hs.sched.ServerHandshakeTrafficSecret(th))
	c.logKey(keyLogClientHandshake, hs.clientHS.Bytes())
	c.logKey(keyLogServerHandshake, hs.serverHS.Bytes())
	c.traceSecrets13("handshake", "client_handshake_traffic_secret", "server_handshake_traffic_secret")
	if err := c.installReadKeys13(hs.suite, hs.serverHS, "server handshake"); err != nil {
		return err
	}
	// A server that fails right after its ServerHello, before it has
	// switched its own keys (appendix A.2), sends its alert in
	// plaintext: the peer's alert to report (RFC 8446 section 6).
	c.in.r.AllowPlaintextAlerts()
	// The client's own records are protected from now on too, so that
	// an alert it sends about the server's flight is encrypted. The
	// compatibility CCS goes first (RFC 8446 appendix D.4); it is queued
	// and leaves with the client's next flight or alert.
	if err := c.writeCompatCCSOnce(hs.retried || hs.earlySent); err != nil {
		return err
	}
	if hs.earlySent && !hs.retried {
		return nil // the early keys stay until settleEarlyData
	}
	return c.installWriteKeys13(hs.suite, hs.clientHS, "client handshake")
}

func (hs *clientHandshake13) readEncryptedExtensions() error {
	c := hs.c
	ee, err := readMessage[wire.EncryptedExtensions](c)
	if err != nil {
		return err
	}
	if err := checkServerExtensions13("EncryptedExtensions", ee.Extensions, encryptedExtensions13, hs.hello); err != nil {
		return err
	}
	if err := hs.takeRetryConfigs(ee); err != nil {
		return err
	}
	if n := ee.RecordSizeLimit; n != 0 {
		// RFC 8449 section 4: a client may refuse a limit above the
		// version's.
		if n > maxRecordSizeLimit(VersionTLS13) {
			return alertf(alert.IllegalParameter, "server's record_size_limit %d is over TLS 1.3's 16385", n)
		}
		own, err := c.config.recordSizeLimit(VersionTLS13)
		if err != nil {
			return err
		}
		c.useRecordSizeLimit(VersionTLS13, n, own)
	}
	if ee.ALPNProtocol != "" {
		if !slices.Contains(hs.hello.ALPNProtocols, ee.ALPNProtocol) {
			return alertf(alert.IllegalParameter, "server chose ALPN protocol %q, which was not offered", ee.ALPNProtocol)
		}
		c.state.NegotiatedProtocol = ee.ALPNProtocol
	}
	return hs.settleEarlyData(ee)
}

// readServerCertificate reads the optional CertificateRequest, then the
// server's Certificate and CertificateVerify, and checks both.
func (hs *clientHandshake13) readServerCertificate() error {
	c := hs.c
	if hs.resumed {
		return nil
	}
	t, err := c.peekHandshakeType()
	if err != nil {
		return err
	}
	if t == wire.TypeCertificateRequest {
		if hs.certReq, err = readMessage[wire.CertificateRequest13](c); err != nil {
			return err
		}
		// RFC 8446 section 4.3.2: the context "SHALL be zero length
		// unless used for the post-handshake authentication exchanges".
		if len(hs.certReq.Context) != 0 {
			return alertf(alert.IllegalParameter, "CertificateRequest in the handshake with a request context")
		}
	}
	cert, err := c.readCertificate13()
	if err != nil {
		return err
	}
	if len(cert.Entries) == 0 {
		return alertf(alert.DecodeError, "server sent an empty certificate chain")
	}
	if len(cert.RequestContext) != 0 {
		return alertf(alert.IllegalParameter, "server Certificate with a request context")
	}
	if err := checkCertificateExtensions13("server", cert, func(t uint16) bool { return offeredInCertificate13(hs.hello, t) }); err != nil {
		return err
	}
	ders := make([][]byte, len(cert.Entries))
	for i, e := range cert.Entries {
		ders[i] = e.Data
	}
	// The server's key signs the CertificateVerify that follows.
	if err := c.verifyServerChain(ders, x509.KeyUsageDigitalSignature); err != nil {
		return err
	}
	c.state.OCSPResponse = cert.Entries[0].OCSPStaple
	// The signature covers the transcript up to the Certificate.
	th := c.hsTr.sum()
	cv, err := readMessage[wire.CertificateVerify](c)
	if err != nil {
		return err
	}
	return c.verifyHandshakeSignature13(cv, th, false, hs.hello.SignatureAlgorithms)
}

// readServerFinished checks the server's Finished (RFC 8446 section
// 4.4.4) and derives the application secrets from the transcript up to it.
func (hs *clientHandshake13) readServerFinished() error {
	c := hs.c
	if err := c.readFinished13(hs.serverHS); err != nil {
		return err
	}
	var serverApp *keysched.TrafficSecret
	hs.clientApp, serverApp = c.deriveApplicationSecrets13(hs.sched)
	return c.installReadKeys13(hs.suite, serverApp, "server application")
}

// sendClientCertificate answers a CertificateRequest.
func (hs *clientHandshake13) sendClientCertificate() error {
	c := hs.c
	if hs.certReq == nil {
		return nil
	}
	if hs.ech != nil && !hs.ech.accepted {
		// Draft-ietf-tls-esni section 6.1.7: the outer handshake only
		// authenticates the server; the client stays anonymous.
		c.traceStep(trace.StepCertificate, trace.KindInfo, "no client certificate for the outer handshake",
			"ECH was rejected: the client proves nothing of itself to a server that is only the public name, and sends an empty Certificate.")
		return c.writeCertificate13(nil, hs.certReq.Context, false, nil)
	}
	return c.sendCertificate13(hs.certReq)
}

// sendFinished sends the client's Finished and switches to the
// application keys.
func (hs *clientHandshake13) sendFinished() error {
	c := hs.c
	fin := &wire.Finished{VerifyData: hs.clientHS.FinishedVerifyData(c.hsTr.sum())}
	corrupt(c.testHooks.corruptFinished, fin.VerifyData)
	if err := c.writeMessage(fin); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	// The last secret the schedule gives: the client keeps it for the
	// tickets to come (see tls13Secrets), and the schedule is done.
	c.tls13.resumptionMaster = hs.sched.ResumptionMasterSecret(c.hsTr.sum())
	hs.sched.Erase()
	app := hs.clientApp
	hs.clientApp = nil // the conn's from here on, installed or not
	return c.installWriteKeys13(hs.suite, app, "client application")
}

// writeCompatCCSOnce sends the client's compatibility ChangeCipherSpec
// before its encrypted flight, unless one went before a second
// ClientHello already.
func (c *Conn) writeCompatCCSOnce(sent bool) error {
	if sent {
		return nil
	}
	return c.writeCompatCCS()
}
