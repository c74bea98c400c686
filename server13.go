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
	c         *Conn
	ch        *wire.ClientHello
	suite     *suites.Suite
	group     *suites.Group
	share     []byte // the client's key share for group
	cert      *Certificate
	scheme    uint16
	alpn      string
	sched     *keysched.Schedule13
	sentCCS   bool
	retried   bool
	priorTr   *transcript   // before the second ClientHello, for its binders
	psk       *sessionState // the session resumed; nil for a full handshake
	pskKE     bool          // resumed in psk_ke mode: no key exchange
	pskIndex  uint16
	pskSched  *keysched.Schedule13 // started from psk's secret, for its binder
	clientHS  *keysched.TrafficSecret
	serverHS  *keysched.TrafficSecret
	clientApp *keysched.TrafficSecret // derived, not yet installed
	// clientEarly is client_early_traffic_secret when the server accepts
	// the client's early data; nil otherwise.
	clientEarly *keysched.TrafficSecret
	earlyRead   int        // bytes of early data read so far
	ech         *echServer // the client's encrypted_client_hello; nil without one
}

func (hs *serverHandshake13) handshake() error {
	err := runSteps(
		hs.pickParameters,
		hs.acceptEarlyData,
		hs.sendServerHello,
		hs.sendEncryptedExtensions,
		hs.sendCertificateRequest,
		hs.sendCertificate,
		hs.sendFinished,
	)
	if err == nil && hs.clientEarly != nil {
		return hs.pauseForEarlyData()
	}
	defer hs.wipe()
	if err != nil {
		return err
	}
	return runSteps(
		hs.readClientCertificate,
		hs.c.verifyConnection,
		hs.sendTicketsWithFinished,
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
	if c.tracing() {
		hs.traceParameters()
	}
	return nil
}

// traceParameters reports what the server chose, leaving out what it did
// not: a resumption signs nothing, and psk_ke exchanges no key.
func (hs *serverHandshake13) traceParameters() {
	f := []trace.Field{field("cipher_suite", hs.suite.Name)}
	explain := "The server picks, from what the client offered, the cipher suite, the key exchange group and the signature scheme it prefers."
	if !hs.pskKE {
		f = append(f, field("group", hs.group.Name))
	}
	if hs.scheme != 0 {
		f = append(f, field("signature_scheme", suites.SchemeName(hs.scheme)))
	} else {
		explain = "The server picks, from what the client offered, the cipher suite and the key exchange group; resuming, it signs nothing, so it picks no signature scheme."
	}
	hs.c.traceStep(trace.StepServerHello, trace.KindNegotiated, "parameters chosen", explain, f...)
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
	// A stateless retry cannot keep the HPKE context that opens the
	// second ClientHelloInner (draft-ietf-tls-esni section 7.1.1).
	stateless := c.config.StatelessRetry && !hs.ech.accepted()
	var cookie []byte
	if stateless {
		var err error
		if cookie, err = hs.makeCookie(); err != nil {
			return err
		}
	}
	hrr := helloRetryRequest(hs.ch.SessionID, hs.suite.ID, hs.group.ID, cookie)
	c.hsTr.replaceWithMessageHash()
	hs.confirmECH(hrr)
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
	if hs.ch.EarlyData {
		// A retry rejects early data: the records of it that came after
		// the first ClientHello are skipped, up to the second (RFC 8446
		// section 4.2.10).
		c.in.r.SkipEarlyData(c.config.skippedEarlyDataLimit())
	}
	if stateless {
		// Forget the first hello and what was chosen from it: from here
		// on the server works from the cookie alone, as one that kept
		// nothing between the hellos would.
		hs.ch, hs.suite, hs.group, hs.priorTr, c.hsTr = nil, nil, nil, nil, nil
	}
	ch2, err := hs.readSecondClientHello()
	if err != nil {
		return err
	}
	if err := c.endOfFlight("second ClientHello"); err != nil {
		return err
	}
	if stateless {
		return hs.continueFromCookie(ch2)
	}
	if err := checkSecondClientHello(hs.ch, ch2, hrr); err != nil {
		return err
	}
	if err := hs.checkDroppedPSKs(hs.ch, ch2); err != nil {
		return err
	}
	hs.ch, hs.share = ch2, ch2.KeyShares[0].Data
	return nil
}

// helloRetryRequest is the HelloRetryRequest asking for a share of
// group under suite, echoing sessionID, with cookie when not nil (RFC
// 8446 section 4.1.4). A stateless retry builds it again from the second
// ClientHello, for the transcript: it must come out byte for byte.
func helloRetryRequest(sessionID []byte, suite, group uint16, cookie []byte) *wire.ServerHello {
	return &wire.ServerHello{
		Vers:             VersionTLS12,
		Random:           wire.HelloRetryRequestRandom[:],
		SessionID:        sessionID,
		CipherSuite:      suite,
		SupportedVersion: VersionTLS13,
		SelectedGroup:    group,
		Cookie:           cookie,
	}
}

// checkRetryShares checks what the second ClientHello must change: one
// key share, for the group asked for (none asked when group is 0), and
// no early_data.
func checkRetryShares(ch2 *wire.ClientHello, group uint16) error {
	if group != 0 && (len(ch2.KeyShares) != 1 || ch2.KeyShares[0].Group != group) {
		// RFC 8446 section 4.2.8: "containing only a new KeyShareEntry
		// for the group indicated in the selected_group field".
		return alertf(alert.IllegalParameter, "second ClientHello must carry one key share, for %s", suites.GroupName(group))
	}
	if ch2.EarlyData {
		// RFC 8446 section 4.2.10: "A client MUST NOT include the
		// "early_data" extension in its followup ClientHello."
		return alertf(alert.IllegalParameter, "second ClientHello offers early_data, which a retry forbids")
	}
	return nil
}

// checkSecondClientHello checks that ch2, the ClientHello answering hrr,
// is ch1 with only the changes RFC 8446 section 4.1.2 allows: "the
// client MUST send the same ClientHello without modification, except"
// for a key_share holding the one share hrr asked for, early_data
// removed, the cookie hrr sent, pre_shared_key with new ages and binders
// and perhaps fewer identities, and padding. Everything else the server
// decided from ch1 (version, suite, group) or takes from ch2 (server
// name, ALPN, signature schemes, tickets) is then the same in both: a
// client cannot name a.example first and b.example after the retry, to
// be served b.example's certificate or ticket while the application is
// told a.example.
//
// The RFC names no alert for a server that receives anything else; the
// hellos are "inconsistent with other fields": illegal_parameter
// (section 6.2). Extensions are matched by type, not position: only
// pre_shared_key's place has a meaning (last, which wire checks), and
// crypto/tls, too, compares the two hellos' fields, not their order.
// Unknown extensions (GREASE included) must come back byte for byte,
// stricter than crypto/tls: the RFC leaves room only for changes "allowed
// by an extension ... present in the HelloRetryRequest", and padlock's
// carries none. GREASE ECH copies its extension unchanged too
// (draft-ietf-tls-esni section 6.2.1); accepting real ECH will add its
// own allowance here.
func checkSecondClientHello(ch1, ch2 *wire.ClientHello, hrr *wire.ServerHello) error {
	changed := func(field string) error {
		return alertf(alert.IllegalParameter, "second ClientHello changes %s, which must repeat the first's", field)
	}
	switch {
	case ch2.Vers != ch1.Vers:
		return changed("legacy_version")
	case !bytes.Equal(ch2.Random, ch1.Random):
		return changed("random")
	case !bytes.Equal(ch2.SessionID, ch1.SessionID):
		return changed("legacy_session_id")
	case !slices.Equal(ch2.CipherSuites, ch1.CipherSuites):
		return changed("cipher_suites")
	case !bytes.Equal(ch2.CompressionMethods, ch1.CompressionMethods):
		return changed("legacy_compression_methods")
	}
	if err := checkRetryShares(ch2, hrr.SelectedGroup); err != nil {
		return err
	}
	if hrr.Cookie != nil && !bytes.Equal(ch2.Cookie, hrr.Cookie) {
		return alertf(alert.IllegalParameter, "second ClientHello does not echo the HelloRetryRequest's cookie")
	}
	// The PSKs may lose members "incompatible with the server's indicated
	// cipher suite", and each age and binder is recomputed; what remains
	// is the first list's identities, in their order.
	i := 0
	for _, id := range ch2.PSKIdentities {
		for i < len(ch1.PSKIdentities) && !bytes.Equal(ch1.PSKIdentities[i].Identity, id.Identity) {
			i++
		}
		if i == len(ch1.PSKIdentities) {
			return alertf(alert.IllegalParameter, "second ClientHello offers a PSK identity the first did not, or reorders them")
		}
		i++
	}
	mayChange := func(t uint16) bool { return retryMayChange(t, hrr.SelectedGroup != 0, hrr.Cookie != nil) }
	second := make(map[uint16][]byte, len(ch2.Extensions))
	for _, e := range ch2.Extensions {
		if !mayChange(e.Type) {
			second[e.Type] = e.Data
		}
	}
	for _, e := range ch1.Extensions {
		if mayChange(e.Type) {
			continue
		}
		data, ok := second[e.Type]
		if !ok {
			return alertf(alert.IllegalParameter, "second ClientHello drops %s, which must repeat the first's", wire.ExtensionName(e.Type))
		}
		if !bytes.Equal(data, e.Data) {
			return changed(wire.ExtensionName(e.Type))
		}
		delete(second, e.Type)
	}
	for _, e := range ch2.Extensions {
		if _, ok := second[e.Type]; ok {
			return alertf(alert.IllegalParameter, "second ClientHello adds %s, which the first did not send", wire.ExtensionName(e.Type))
		}
	}
	return nil
}

// maxSkippedEarlyData bounds the rejected 0-RTT data a server skips, in
// bytes of records, when Config.MaxEarlyData does not allow more. RFC
// 8446 section 4.2.10 bounds it by the server's max_early_data_size; a
// client may send early data on a ticket from another server, and is
// given BoringSSL's bound.
const maxSkippedEarlyData = 1 << 14

// sendCompatCCS sends the server's compatibility ChangeCipherSpec once,
// right after its first handshake message (RFC 8446 appendix D.4). It
// MUST when the client sent a session ID, and may otherwise: every
// client drops it (section 5), and a middlebox between them cannot know
// whether the client asked. OpenSSL, BoringSSL and crypto/tls send it
// always; so does padlock.
func (hs *serverHandshake13) sendCompatCCS() error {
	if hs.sentCCS {
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
	if f := c.testHooks.editServerHello; f != nil {
		f(sh)
	}
	hs.confirmECH(sh)
	copy(c.random[1][:], sh.Random)
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
	hs.sched = c.pskSchedule(hs.suite, psk, hs.pskSched)
	hs.sched.SetSharedSecret(secret)
	clear(secret) // the Handshake Secret now stands for it
	th := c.hsTr.sum()
	hs.clientHS = keysched.NewTrafficSecret(hs.suite.Hash, hs.sched.ClientHandshakeTrafficSecret(th))
	hs.serverHS = keysched.NewTrafficSecret(hs.suite.Hash, hs.sched.ServerHandshakeTrafficSecret(th))
	c.logKey(keyLogClientHandshake, hs.clientHS.Bytes())
	c.logKey(keyLogServerHandshake, hs.serverHS.Bytes())
	c.traceSecrets13("handshake", "client_handshake_traffic_secret", "server_handshake_traffic_secret")
	if err := c.installWriteKeys13(hs.suite, hs.serverHS, "server handshake"); err != nil {
		return err
	}
	if hs.clientEarly != nil {
		// The early data comes first; readEarlyData installs the
		// client's handshake keys after its EndOfEarlyData.
		if err := c.installReadKeys13(hs.suite, hs.clientEarly, "client early"); err != nil {
			return err
		}
	} else if err := c.installReadKeys13(hs.suite, hs.clientHS, "client handshake"); err != nil {
		return err
	}
	if hs.ch.EarlyData && hs.clientEarly == nil {
		// Rejected early data: the server answers 1-RTT and skips the
		// early data records, which do not open with these keys (RFC
		// 8446 section 4.2.10). (After a HelloRetryRequest hs.ch is the
		// second ClientHello, which may not offer early data.)
		c.in.r.SkipEarlyData(c.config.skippedEarlyDataLimit())
	}
	// A client's write keys change only once it has the server's
	// Finished (RFC 8446 appendix A.1; OpenSSL's do so): until then its
	// alert about the server's flight comes in plaintext, and is the
	// peer's alert to report (section 6).
	c.in.r.AllowPlaintextAlerts()
	return nil
}

// sendEncryptedExtensions sends the negotiated ALPN protocol and, for a
// full handshake, the empty server_name that tells the client its name
// chose the certificate (RFC 6066 section 3; a resumption keeps the
// session's name, as in TLS 1.2).
func (hs *serverHandshake13) sendEncryptedExtensions() error {
	c := hs.c
	ee := &wire.EncryptedExtensions{
		ALPNProtocol:  hs.alpn,
		ServerNameAck: hs.ch.ServerName != "" && hs.psk == nil,
	}
	if hs.clientEarly != nil {
		ee.EarlyData = true
	}
	ee.ECHRetryConfigs = hs.retryConfigs()
	if n := hs.ch.RecordSizeLimit; n != 0 {
		// Answered always, so that the client's limit binds the
		// server's records from this one on (RFC 8449 section 4).
		own, err := c.config.recordSizeLimit(VersionTLS13)
		if err != nil {
			return err
		}
		ee.RecordSizeLimit = own
		c.useRecordSizeLimit(VersionTLS13, n, own)
	}
	return c.writeMessage(ee)
}

// sendCertificateRequest asks for a client certificate when ClientAuth
// says so (RFC 8446 section 4.3.2).
func (hs *serverHandshake13) sendCertificateRequest() error {
	c := hs.c
	if !hs.clientCertRequested() {
		return nil
	}
	schemes, err := c.config.offeredSchemes(true)
	if err != nil {
		return err
	}
	req := &wire.CertificateRequest13{SignatureAlgorithms: schemes, CertCompressionAlgorithms: c.config.compressionAlgorithms()}
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
	if err := c.writeCertificate13(hs.cert, nil, hs.ch.StatusRequest, hs.ch.CertCompressionAlgorithms); err != nil {
		return err
	}
	return c.writeCertificateVerify13(hs.cert, hs.scheme, true)
}

// sendFinished queues the server's Finished and derives the application
// secrets. It ends the flight when a client certificate is to be read;
// otherwise sendTicketsWithFinished adds the tickets first.
func (hs *serverHandshake13) sendFinished() error {
	c := hs.c
	fin := &wire.Finished{VerifyData: hs.serverHS.FinishedVerifyData(c.hsTr.sum())}
	corrupt(c.testHooks.corruptFinished, fin.VerifyData)
	if err := c.writeMessage(fin); err != nil {
		return err
	}
	var serverApp *keysched.TrafficSecret
	hs.clientApp, serverApp = c.deriveApplicationSecrets13(hs.sched)
	// Queued records are already sealed: the application keys protect
	// only what follows the Finished.
	if err := c.installWriteKeys13(hs.suite, serverApp, "server application"); err != nil {
		return err
	}
	if hs.clientCertRequested() {
		return hs.endFlight()
	}
	return nil
}

// endFlight sends the server's queued flight.
func (hs *serverHandshake13) endFlight() error {
	c := hs.c
	if err := c.flush(); err != nil {
		return err
	}
	if hs.group != nil && !hs.pskKE {
		// The client's turn: make the key of a later handshake meanwhile.
		c.config.keyPool().refill(hs.group, c.config)
	}
	return nil
}

// clientCertRequested reports whether the client owes a Certificate
// before its Finished: never with a PSK (RFC 8446 section 4.3.2).
func (hs *serverHandshake13) clientCertRequested() bool {
	return hs.c.config.ClientAuth != NoClientCert && hs.psk == nil
}

// readClientCertificate reads the client's Certificate and
// CertificateVerify when one was requested, and applies ClientAuth.
func (hs *serverHandshake13) readClientCertificate() error {
	c := hs.c
	if !hs.clientCertRequested() {
		return nil
	}
	cert, err := c.readCertificate13()
	if err != nil {
		return err
	}
	if len(cert.RequestContext) != 0 {
		return alertf(alert.IllegalParameter, "client Certificate with a request context that was not sent")
	}
	// padlock's CertificateRequest asks for none of the extensions a
	// CertificateEntry may carry (status_request, section 4.4.2.1).
	if err := checkCertificateExtensions13("client", cert, func(uint16) bool { return false }); err != nil {
		return err
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
	var err error
	if c.config.ClientAuth >= VerifyClientCertIfGiven {
		c.state.PeerCertificates, c.state.VerifiedChains, err = c.verifiedChain(ders, c.config.ClientCAs, "", x509.ExtKeyUsageClientAuth)
	} else {
		c.state.PeerCertificates, err = c.parseChain(ders)
	}
	if err != nil {
		return err
	}
	// Either version's client signs a CertificateVerify with the key.
	if err := c.checkPeerKeyUsage(c.state.PeerCertificates[0], x509.KeyUsageDigitalSignature); err != nil {
		return err
	}
	return c.callVerifyPeerCertificate(ders, c.state.VerifiedChains)
}

// readClientFinished checks the client's Finished and switches the read
// side to the application keys.
func (hs *serverHandshake13) readClientFinished() error {
	c := hs.c
	if err := c.readFinished13(hs.clientHS); err != nil {
		return err
	}
	app := hs.clientApp
	hs.clientApp = nil // the conn's from here on, installed or not
	return c.installReadKeys13(hs.suite, app, "client application")
}

// wipe erases, when the handshake ends, the secrets only it needed: the
// key schedule's (RFC 8446 section 7.1), the handshake traffic secrets
// (already wiped by the application keys replacing them, unless the
// handshake failed first), an application secret not yet installed, and
// the PSK of a resumed session, this server's copy out of the ticket.
func (hs *serverHandshake13) wipe() {
	hs.sched.Erase()
	hs.pskSched.Erase()
	for _, t := range []*keysched.TrafficSecret{hs.clientHS, hs.serverHS, hs.clientApp, hs.clientEarly} {
		if t != nil {
			clear(t.Bytes())
		}
	}
	if hs.psk != nil {
		clear(hs.psk.secret)
	}
}
