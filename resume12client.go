package padlock

import (
	"crypto/x509"
	"io"
	"slices"
	"time"

	"padlock/internal/alert"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// The client's side of TLS 1.2 resumption (see resume12.go).

// offerSession12 readies the ClientHello for TLS 1.2 resumption: it asks
// for a ticket (RFC 5077 section 3.2) and offers the cached TLS 1.2
// session for this server, if there is one, which it returns with its
// server's chains as verified again (see loadSession). A TLS 1.3
// session is offered by offerPSK13 instead.
func (c *Conn) offerSession12(h *wire.ClientHello) (*ClientSessionState, [][]*x509.Certificate, error) {
	cfg := c.config
	// RFC 7627 section 5.3: no abbreviated handshake without the
	// extended master secret, so without it there is nothing to keep.
	if cfg.ClientSessionCache == nil || !h.ExtendedMasterSecret {
		return nil, nil, nil
	}
	h.SessionTicketSupported = !cfg.SessionTicketsDisabled
	s, chains := c.loadSession(VersionTLS12)
	if s == nil || !s.ems || !slices.Contains(h.CipherSuites, s.suite) || (s.ticket != nil && cfg.SessionTicketsDisabled) {
		return nil, nil, nil
	}
	by := bySessionID
	if s.ticket != nil {
		// RFC 5077 section 3.4: a fresh session ID goes with the
		// ticket; the server echoes it if it resumes. A TLS 1.3
		// compatibility session ID is one already.
		by = byTicket
		h.SessionTicket = s.ticket
		if len(h.SessionID) != 32 {
			h.SessionID = make([]byte, 32)
			if _, err := io.ReadFull(cfg.rand(), h.SessionID); err != nil {
				return nil, nil, alert.Wrap(alert.InternalError, err)
			}
		}
	} else {
		h.SessionID = s.sessionID
	}
	c.traceStep(trace.StepResumption, trace.KindInfo, "session offered",
		"The client has a TLS 1.2 session with this server from an earlier connection and offers to resume it.",
		field("by", by), field("cipher_suite", suites.SuiteName(s.suite)))
	return s, chains, nil
}

// checkResumption handles a ServerHello that echoes the ClientHello's
// session ID, which resumes the session offered (RFC 5246 section
// 7.4.1.3): there must be one, and the suite and the extended master
// secret must be the session's.
func (hs *clientHandshake12) checkResumption() error {
	s, sh := hs.session, hs.sh
	if s == nil {
		return alertf(alert.IllegalParameter, "server resumes a session the client did not offer")
	}
	if sh.CipherSuite != s.suite {
		return alertf(alert.IllegalParameter, "server resumes a session of %s with %s",
			suites.SuiteName(s.suite), suites.SuiteName(sh.CipherSuite))
	}
	// RFC 7627 section 5.3: the client MUST abort when they differ.
	if sh.ExtendedMasterSecret != s.ems {
		return alertf(alert.HandshakeFailure, "server resumes a session with extended master secret %t in a ServerHello with %t (RFC 7627 section 5.3)",
			s.ems, sh.ExtendedMasterSecret)
	}
	hs.resumed = true
	return nil
}

// resume runs the client's side of the abbreviated handshake (RFC 5246
// section 7.3, figure 2): the optional renewed ticket, the server's
// ChangeCipherSpec and Finished, then the client's. RFC 5077 section 3.2:
// a session the server accepted but whose handshake failed is deleted.
func (hs *clientHandshake12) resume() error {
	c, s := hs.c, hs.session
	c.state.DidResume = true
	c.state.CurveID = CurveID(s.group) // the keys still stem from its exchange
	c.state.PeerCertificates = s.peerCertificates
	c.state.PeerSignatureScheme = s.peerScheme
	c.state.VerifiedChains = hs.chains
	c.state.OCSPResponse = s.ocsp
	c.traceStep(trace.StepResumption, trace.KindVerified, "session resumed",
		"The server echoed the session ID: it resumes the earlier session, so no certificate and no key exchange this time, only new keys from the session's master secret.",
		field("cipher_suite", hs.suite.Name))
	hs.master = c.resumeMaster12(hs.suite, s.secret, s.ems)
	var err error
	hs.clientCipher, hs.serverCipher, err = c.newCiphers12(hs.suite)
	for _, step := range []func() error{hs.readSessionTicket, hs.readServerFinished, c.verifyConnection, hs.sendFinished, hs.storeSession} {
		if err != nil {
			break
		}
		err = step()
	}
	if err != nil {
		cache, key := c.config.ClientSessionCache, c.sessionCacheKey()
		if cur, ok := cache.Get(key); ok && cur == s {
			cache.Put(key, nil)
		}
	}
	return err
}

// readSessionTicket reads the NewSessionTicket the ServerHello announced
// (RFC 5077 section 3.3: it MUST then come).
func (hs *clientHandshake12) readSessionTicket() error {
	if !hs.sh.SessionTicketSupported {
		return nil
	}
	m, err := readMessage[wire.NewSessionTicket12](hs.c)
	hs.ticket = m
	return err
}

// storeSession keeps the session for a later connection, once the
// server's Finished is verified (RFC 5077 section 3.3): by ticket when
// the server sent one, else by the session ID of its ServerHello. After
// a full handshake that gives neither, the session offered, which the
// server refused, is dropped. A session without the extended master
// secret is never kept, even with a ticket, as RFC 7627 section 5.3
// says it should not be resumed; the session offered is dropped then
// too, since a server that answered it without the extension will not
// resume it.
func (hs *clientHandshake12) storeSession() error {
	c := hs.c
	cache := c.config.ClientSessionCache
	if cache == nil {
		return nil
	}
	key := c.sessionCacheKey()
	if !hs.ems {
		if hs.session != nil {
			cache.Put(key, nil)
		}
		return nil
	}
	s := hs.session
	if !hs.resumed {
		s = hs.newSession()
	}
	switch {
	case hs.ticket != nil && len(hs.ticket.Ticket) > 0:
		lifetime := ticketLifetime
		if hint := time.Duration(hs.ticket.Lifetime) * time.Second; hint > 0 {
			lifetime = min(hint, ticketLifetime)
		}
		renewed := *s
		renewed.ticket, renewed.sessionID = slices.Clone(hs.ticket.Ticket), nil
		renewed.received, renewed.lifetime = c.config.now(), lifetime
		cache.Put(key, &renewed)
		if c.tracing() {
			c.traceStep(trace.StepResumption, trace.KindInfo, "session ticket stored",
				"The client keeps the ticket with the session's master secret, to resume the session on a later connection.",
				field("lifetime", lifetime.String()))
		}
	case hs.resumed:
		// The session goes on as it was.
	case len(hs.sh.SessionID) > 0:
		s.sessionID = slices.Clone(hs.sh.SessionID)
		cache.Put(key, s)
		c.traceStep(trace.StepResumption, trace.KindInfo, "session ID stored",
			"The client keeps the session ID the server gave with the session's master secret, to resume the session on a later connection.")
	case hs.session != nil:
		cache.Put(key, nil)
	}
	return nil
}

// newSession is the client's record of the session a full handshake
// made, without its ticket or ID yet.
func (hs *clientHandshake12) newSession() *ClientSessionState {
	c := hs.c
	return &ClientSessionState{
		version:          VersionTLS12,
		suite:            hs.suite.ID,
		secret:           hs.master,
		received:         c.config.now(),
		lifetime:         ticketLifetime,
		ems:              hs.ems,
		alpn:             c.state.NegotiatedProtocol,
		group:            uint16(c.state.CurveID),
		peerCertificates: c.state.PeerCertificates,
		peerScheme:       c.state.PeerSignatureScheme,
		verified:         len(c.state.VerifiedChains) > 0,
		ocsp:             c.state.OCSPResponse,
	}
}
