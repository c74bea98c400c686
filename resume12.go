package padlock

import (
	"io"
	"slices"
	"time"

	"padlock/internal/alert"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// Resumption in TLS 1.2 (RFC 5246 section 7.3, figure 2; RFC 5077): a
// client offers an earlier session, by a ticket the server sealed or by
// a session ID the server cached. A server that accepts it echoes the
// ClientHello's session ID, and both sides go straight to
// ChangeCipherSpec and Finished, the server first, with keys from the
// session's master secret and the new randoms. This file is the server's
// side; resume12client.go is the client's.

// Ways a session is found, for traces.
const (
	byTicket    = "ticket"
	bySessionID = "session ID"
)

// findSession returns the session the ClientHello offers when this
// handshake may resume it, or nil for a full handshake. The one error is
// RFC 7627's: a session with the extended master secret offered in a
// ClientHello without it.
func (hs *serverHandshake12) findSession() (*sessionState, error) {
	s, by, err := hs.offeredSession()
	if err != nil {
		return nil, err
	}
	if s == nil {
		if by == byTicket {
			hs.c.traceStep(trace.StepResumption, trace.KindInfo, "ticket not accepted",
				"The client offered a session ticket the server cannot open or does not know (another server's, a retired key, forgotten by the application's store, or tampered with), so this is a full handshake.")
		}
		return nil, nil
	}
	why, err := hs.canResume(s)
	if err != nil {
		return nil, err
	}
	if why != "" {
		hs.c.traceStep(trace.StepResumption, trace.KindInfo, "session not resumed",
			"The session the client offered cannot be resumed here, so this is a full handshake.",
			field("by", by), field("reason", why))
		return nil, nil
	}
	hs.resumedBy = by
	return s, nil
}

// offeredSession looks up the session the client offers: the ticket's,
// when it presents one, else the cached session of its session ID. An
// error from Config.UnwrapSession ends the handshake.
func (hs *serverHandshake12) offeredSession() (*sessionState, string, error) {
	c, ch := hs.c, hs.ch
	if len(ch.SessionTicket) > 0 {
		// RFC 5077 section 3.4: with a ticket presented, the session ID
		// is the client's random marker, never a cache key.
		if c.config.SessionTicketsDisabled {
			return nil, "", nil
		}
		s, err := c.config.unwrapSession(ch.SessionTicket, c.state)
		if err != nil {
			return nil, "", alert.Wrap(alert.InternalError, err)
		}
		return s, byTicket, nil
	}
	if len(ch.SessionID) == 0 {
		return nil, "", nil
	}
	// An unknown ID is no news: a client offering TLS 1.3 always sends
	// a random one (RFC 8446 appendix D.4).
	if s := c.lookupSession12(ch.SessionID); s != nil {
		return s, bySessionID, nil
	}
	return nil, "", nil
}

// canResume checks that a session may resume this handshake: TLS 1.2,
// not expired, a suite both sides still enable, the same server name,
// the extended master secret on both, and a client chain that passes
// the server's current ClientAuth, which becomes the connection's. It
// returns why the session may not resume, or "" when it may.
func (hs *serverHandshake12) canResume(s *sessionState) (string, error) {
	c, ch := hs.c, hs.ch
	if s.version != VersionTLS12 {
		return "a session of another version", nil
	}
	if s.expired(c.config.now()) {
		return "expired", nil
	}
	suite := suites.SuiteByID(s.suite)
	if suite == nil || suite.TLS13 || !slices.Contains(ch.CipherSuites, s.suite) || !slices.Contains(c.config.suites12(), s.suite) {
		return "its cipher suite is no longer enabled on both sides", nil
	}
	if s.serverName != ch.ServerName {
		return "made for another server name", nil
	}
	// RFC 7627 section 5.3: a session with the extended master secret
	// offered without the extension MUST end the handshake; one without
	// it MUST NOT be resumed by a ClientHello with it, and SHOULD NOT be
	// resumed at all, so padlock resumes only sessions with it.
	if s.ems && !ch.ExtendedMasterSecret {
		return "", alertf(alert.HandshakeFailure, "client resumes a session that used the extended master secret without offering it (RFC 7627 section 5.3)")
	}
	if !s.ems || !hs.ems {
		return "no extended master secret", nil
	}
	certs, chains, err := c.sessionClientAuth(s)
	if err != nil {
		return err.Error(), nil
	}
	c.state.PeerCertificates, c.state.VerifiedChains = certs, chains
	c.state.PeerSignatureScheme = SignatureScheme(s.peerScheme)
	return "", nil
}

// resume runs the abbreviated handshake (RFC 5246 section 7.3, figure
// 2): ServerHello echoing the session ID, a renewed ticket if the
// session came in one, then the server's ChangeCipherSpec and Finished
// before the client's.
func (hs *serverHandshake12) resume(s *sessionState) error {
	c := hs.c
	hs.session = s
	hs.suite = suites.SuiteByID(s.suite)
	var err error
	if hs.alpn, err = c.pickALPN(hs.ch.ALPNProtocols); err != nil {
		return err // RFC 7301 section 3.1: ALPN is negotiated anew
	}
	// RFC 5077 section 3.4 and RFC 5246 section 7.4.1.3: the echoed
	// session ID is what tells the client the session is resumed.
	hs.sessionID = hs.ch.SessionID
	hs.sendTicket = hs.resumedBy == byTicket && hs.ch.SessionTicketSupported
	c.suite = hs.suite
	c.state.Version = VersionTLS12
	c.state.CipherSuite = hs.suite.ID
	c.state.NegotiatedProtocol = hs.alpn
	c.state.CurveID = CurveID(s.group) // the keys still stem from its exchange
	c.state.DidResume = true
	c.hsTr.keepAll = false
	c.hsTr.setHash(hs.suite.Hash)
	c.traceStep(trace.StepResumption, trace.KindVerified, "session resumed",
		"The client offered a session from an earlier connection that the server can resume: no certificate and no key exchange this time, only new keys from the session's master secret and the new randoms.",
		field("by", hs.resumedBy), field("cipher_suite", hs.suite.Name))
	return runSteps(
		c.verifyConnection,
		hs.sendServerHello,
		hs.resumeKeys,
		hs.sendSessionTicket12,
		hs.sendFinished,
		hs.readClientFinished,
	)
}

// resumeKeys takes the master secret from the session and expands the
// key block with the new randoms.
func (hs *serverHandshake12) resumeKeys() error {
	var err error
	hs.master = hs.c.resumeMaster12(hs.suite, hs.session.secret, hs.session.ems)
	hs.clientCipher, hs.serverCipher, err = hs.c.newCiphers12(hs.suite)
	return err
}

// resumeMaster12 takes up a resumed session's master secret: keys and
// exporter come from it and this handshake's randoms (RFC 5246 section
// 6.3, RFC 5705 section 4).
func (c *Conn) resumeMaster12(s *suites.Suite, master []byte, ems bool) []byte {
	c.traceStep(trace.StepKeyDerivation, trace.KindSecret, "master secret resumed",
		"A resumed session keeps its master secret: both sides expand it with the two new randoms into fresh keys.")
	// The master secret is the session's, which may resume again: it is
	// never wiped here, whatever the conn keeps.
	c.revealLogged(keyLogTLS12, "master_secret", "resumed session", master)
	c.useMaster12(s, master, ems)
	return master
}

// planSession decides, before the ServerHello of a full handshake, how
// the client may resume the new session: by a ticket when it asks for
// one (RFC 5077 section 3.4: then with an empty session ID), else by a
// session ID the server caches. A session without the extended master
// secret is not kept, as RFC 7627 section 5.3 says it should not be
// resumed.
func (hs *serverHandshake12) planSession() error {
	c := hs.c
	if !hs.ems {
		return nil
	}
	if hs.ch.SessionTicketSupported && !c.config.SessionTicketsDisabled {
		hs.sendTicket = true
		return nil
	}
	if !c.config.sessionIDsEnabled() {
		return nil
	}
	hs.sessionID = make([]byte, 32)
	if _, err := io.ReadFull(c.config.rand(), hs.sessionID); err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	return nil
}

// newSession is the state of this connection's session: a new one after
// a full handshake; after a resumption, the session resumed, still dated
// from its full handshake, with the client chain as checked this time.
func (hs *serverHandshake12) newSession() *sessionState {
	c := hs.c
	now := uint64(c.config.now().Unix())
	s := &sessionState{
		version:       VersionTLS12,
		suite:         hs.suite.ID,
		group:         uint16(c.state.CurveID),
		created:       now,
		authenticated: now,
		secret:        hs.master,
		ems:           hs.ems,
		alpn:          hs.alpn,
		serverName:    hs.ch.ServerName,
		clientAuth:    c.config.ClientAuth,
		peerScheme:    uint16(c.state.PeerSignatureScheme),
	}
	if hs.session != nil {
		s.authenticated = hs.session.authenticated
	}
	for _, cert := range c.state.PeerCertificates {
		s.certs = append(s.certs, cert.Raw)
	}
	return s
}

// sendSessionTicket12 sends the NewSessionTicket promised in the
// ServerHello (RFC 5077 section 3.3): in a full handshake after the
// client's Finished, in an abbreviated one after the ServerHello, and
// always before the server's ChangeCipherSpec. A resumed session is
// sealed again under the newest key, dated from its full handshake, so
// renewing never extends its life.
func (hs *serverHandshake12) sendSessionTicket12() error {
	c := hs.c
	if !hs.sendTicket {
		return nil
	}
	s := hs.newSession()
	lifetime := ticketLifetime - s.age(c.config.now())
	ticket, err := c.config.wrapSession(c.state, s)
	if err != nil {
		// RFC 5077 section 3.3: a server that no longer wants to issue
		// the ticket it announced sends an empty one.
		ticket = nil
		c.traceStep(trace.StepResumption, trace.KindInfo, "no ticket issued",
			"The server could not seal a ticket, so it sends an empty one: the client will not be able to resume this session.",
			field("error", err.Error()))
	}
	m := &wire.NewSessionTicket12{Lifetime: uint32(max(lifetime, time.Second) / time.Second), Ticket: ticket}
	if err := c.writeMessage(m); err != nil {
		return err
	}
	if ticket != nil {
		if c.tracing() {
			c.traceStep(trace.StepResumption, trace.KindInfo, "session ticket issued",
				"The server seals the session's state, master secret included, under its ticket key and hands it to the client, so it needs to keep nothing itself.",
				field("lifetime", (time.Duration(m.Lifetime)*time.Second).String()))
		}
	}
	return nil
}

// cacheSession stores the session of a full handshake under the session
// ID the ServerHello gave it, once the handshake is complete.
func (hs *serverHandshake12) cacheSession() error {
	c := hs.c
	if len(hs.sessionID) == 0 {
		return nil
	}
	if !c.config.sessionIDsEnabled() {
		return nil
	}
	c.storeSession12(hs.sessionID, hs.newSession())
	c.traceStep(trace.StepResumption, trace.KindInfo, "session cached",
		"The server keeps the session under the session ID it sent, so the client can resume it by that ID.")
	return nil
}
