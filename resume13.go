package padlock

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"io"
	"slices"
	"strconv"
	"time"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// Resumption in TLS 1.3 (RFC 8446 section 2.2, 4.6.1): after a handshake
// the server sends a NewSessionTicket; a later ClientHello offers the
// ticket as a pre-shared key, proven by a binder; a server that accepts
// it skips the certificate and its signature.

// The PSK key exchange modes of RFC 8446 section 4.2.9.
const (
	pskModeKE  uint8 = 0 // psk_ke: the PSK alone
	pskModeDHE uint8 = 1 // psk_dhe_ke: the PSK and a fresh (EC)DHE exchange
)

// maxPSKIdentities bounds the identities a server tries to open.
const maxPSKIdentities = 8

// ticketAgeSkew is how far the client's idea of a ticket's age may stray
// from the server's (RFC 8446 section 8.3 leaves the window to the
// server).
const ticketAgeSkew = time.Minute

// sessionToOffer returns the cached TLS 1.3 session for this server, when
// there is one still usable with the enabled suites, and its server's
// chains as verified again (see loadSession).
func (c *Conn) sessionToOffer(h *wire.ClientHello) (*ClientSessionState, [][]*x509.Certificate) {
	if c.config.ClientSessionCache == nil || c.config.SessionTicketsDisabled || !slices.Contains(h.SupportedVersions, VersionTLS13) {
		return nil, nil
	}
	s, chains := c.loadSession(VersionTLS13)
	if s == nil || !slices.Contains(h.CipherSuites, s.suite) {
		return nil, nil
	}
	return s, chains
}

// offerPSK13 adds the session to the ClientHello with its binder.
// prior is the transcript before this ClientHello: nil for the first,
// the HelloRetryRequest transcript for the second. It returns the key
// schedule started from the session's PSK, at the Early Secret: the
// handshake goes on with it if the server accepts the PSK.
func (c *Conn) offerPSK13(h *wire.ClientHello, s *ClientSessionState, prior *transcript) *keysched.Schedule13 {
	suite := suites.SuiteByID(s.suite)
	age := c.config.now().Sub(s.received)
	h.PSKIdentities = []wire.PSKIdentity{{Identity: s.ticket, ObfuscatedTicketAge: uint32(age.Milliseconds()) + s.ageAdd}}
	h.SetBinders([][]byte{make([]byte, suite.Hash.Size())})
	th := binderTranscript(suite, h.Marshal(), h.BindersLen(), prior)
	sched := c.newSchedule13(suite.Hash, s.secret)
	h.SetBinders([][]byte{pskBinder(sched, th)})
	return sched
}

// pskBinder computes the binder of a resumption PSK over the transcript
// hash th (RFC 8446 section 4.2.11.2); the binder key, needed for nothing
// else, is wiped.
func pskBinder(sched *keysched.Schedule13, th []byte) []byte {
	key := sched.BinderKey(false)
	defer clear(key)
	return keysched.FinishedVerifyData(sched.Hash(), key, th)
}

// binderTranscript hashes the ClientHello up to its binders, after the
// prior transcript when there is one (RFC 8446 section 4.2.11.2).
func binderTranscript(s *suites.Suite, raw []byte, bindersLen int, prior *transcript) []byte {
	t := &transcript{}
	if prior != nil {
		t = prior.clone()
	} else {
		t.setHash(s.Hash)
	}
	t.write(raw[:len(raw)-bindersLen])
	return t.sum()
}

// pskSchedule returns the key schedule of a handshake of suite s with
// psk (nil for none): started, the one the PSK's binder was computed with
// when it fits, so that the Early Secret is not derived twice.
func (c *Conn) pskSchedule(s *suites.Suite, psk []byte, started *keysched.Schedule13) *keysched.Schedule13 {
	if psk != nil && started != nil && started.Hash() == s.Hash {
		return started
	}
	return c.newSchedule13(s.Hash, psk)
}

// acceptPSK13 looks for an offered ticket the server can resume, and
// checks its binder: the first ticket that opens, is fresh and fits this
// handshake is used; a binder that fails ends the handshake.
func (hs *serverHandshake13) acceptPSK13() error {
	c, ch := hs.c, hs.ch
	if c.config.SessionTicketsDisabled || len(ch.PSKIdentities) == 0 {
		return nil
	}
	if ch.PSKModes == nil {
		// RFC 8446 section 4.2.9: pre_shared_key requires it.
		return alertf(alert.MissingExtension, "pre_shared_key without psk_key_exchange_modes")
	}
	dhe, ke := hs.pskModes()
	if !dhe && !ke {
		return nil // psk_ke alone, which this server does not allow
	}
	why := "no ticket the server can open"
	for i, id := range ch.PSKIdentities[:min(len(ch.PSKIdentities), maxPSKIdentities)] {
		s, reason, err := hs.openSession(id)
		if err != nil {
			return err
		}
		if s == nil {
			why = reason
			continue
		}
		th := binderTranscript(hs.suite, ch.Raw, ch.BindersLen(), hs.priorTr)
		sched := c.newSchedule13(hs.suite.Hash, s.secret)
		if !keysched.Equal(ch.PSKBinders[i], pskBinder(sched, th)) {
			sched.Erase()
			return alertf(alert.DecryptError, "PSK binder does not verify")
		}
		certs, chains, err := c.sessionClientAuth(s)
		if err != nil {
			sched.Erase()
			why = err.Error()
			continue
		}
		hs.psk, hs.pskIndex, hs.pskKE, hs.pskSched = s, uint16(i), ke, sched
		c.state.PeerCertificates, c.state.VerifiedChains = certs, chains
		c.state.PeerSignatureScheme = SignatureScheme(s.peerScheme)
		c.state.DidResume = true
		if c.tracing() {
			c.traceStep(trace.StepResumption, trace.KindVerified, "session resumed",
				"The client offered a ticket from an earlier connection and proved with the binder that it holds its key: no certificate is needed this time.",
				field("ticket", "identity "+strconv.Itoa(i)))
		}
		return nil
	}
	c.traceStep(trace.StepResumption, trace.KindInfo, "ticket not accepted",
		"The client offered a session ticket the server cannot use, so this is a full handshake.",
		field("reason", why))
	return nil
}

// checkDroppedPSKs applies the rest of RFC 8446 section 4.1.2's rule for
// pre_shared_key in the second ClientHello, which checkSecondClientHello
// cannot judge alone: the client may remove only "PSKs which are
// incompatible with the server's indicated cipher suite". A ticket of the
// first ClientHello that this server opens, and that fits the suite of
// its HelloRetryRequest, must still be offered; a ticket it cannot open
// may go. Called while hs.ch is still the first ClientHello.
func (hs *serverHandshake13) checkDroppedPSKs(ch1, ch2 *wire.ClientHello) error {
	if hs.c.config.SessionTicketsDisabled {
		return nil
	}
	for _, id := range ch1.PSKIdentities[:min(len(ch1.PSKIdentities), maxPSKIdentities)] {
		kept := slices.ContainsFunc(ch2.PSKIdentities, func(x wire.PSKIdentity) bool { return bytes.Equal(x.Identity, id.Identity) })
		if kept {
			continue
		}
		s, _, err := hs.openSession(id)
		if err != nil {
			return err
		}
		if s != nil {
			clear(s.secret)
			return alertf(alert.IllegalParameter, "second ClientHello drops a PSK that fits the HelloRetryRequest's cipher suite")
		}
	}
	return nil
}

// pskModes reports which PSK key exchange modes (RFC 8446 section 4.2.9)
// the client listed and this server allows: psk_dhe_ke always, psk_ke
// only with Config.PSKWithoutKeyExchange.
func (hs *serverHandshake13) pskModes() (dhe, ke bool) {
	dhe = slices.Contains(hs.ch.PSKModes, pskModeDHE)
	ke = hs.c.config.PSKWithoutKeyExchange && slices.Contains(hs.ch.PSKModes, pskModeKE)
	return dhe, ke
}

// openSession opens a ticket and checks it may resume this handshake;
// when it may not, it returns nil and why. An error from
// Config.UnwrapSession ends the handshake.
func (hs *serverHandshake13) openSession(id wire.PSKIdentity) (*sessionState, string, error) {
	c := hs.c
	s, err := c.config.unwrapSession(id.Identity, c.state)
	if err != nil {
		return nil, "", alert.Wrap(alert.InternalError, err)
	}
	if s == nil {
		return nil, "the server does not know it, or no ticket key of this server opens it", nil
	}
	if reason := hs.checkSession(s, id); reason != "" {
		clear(s.secret)
		return nil, reason, nil
	}
	return s, "", nil
}

// checkSession returns why an opened session may not resume this
// handshake, or "" when it may.
func (hs *serverHandshake13) checkSession(s *sessionState, id wire.PSKIdentity) string {
	c := hs.c
	if s.version != VersionTLS13 {
		return "not a TLS 1.3 session"
	}
	if suite := suites.SuiteByID(s.suite); suite == nil || suite.Hash != hs.suite.Hash {
		return "made with another hash than this handshake's suite" // RFC 8446 section 4.2.11
	}
	now := c.config.now()
	if s.expired(now) {
		return "expired"
	}
	// RFC 8446 section 8.3: the ticket's age as the client counts it
	// must agree with the server's, within a window.
	age := now.Sub(time.Unix(int64(s.created), 0))
	clientAge := time.Duration(id.ObfuscatedTicketAge-s.ageAdd) * time.Millisecond
	if d := age - clientAge; d > ticketAgeSkew+time.Second || d < -ticketAgeSkew-time.Second {
		return "the client's ticket age does not match"
	}
	if s.serverName != hs.ch.ServerName {
		return "made for another server name"
	}
	return ""
}

// sendTicketsWithFinished ends the server's first flight, with the
// session ticket in it when no client certificate is to come: the
// server then knows the client's Finished before it arrives, and so the
// transcript through it that resumption_master_secret needs (RFC 8446
// section 4.6.1). A client that closes right after its handshake still
// gets its ticket, and the server's handshake never waits on a client
// reading one. The client's Finished is still verified when it comes.
func (hs *serverHandshake13) sendTicketsWithFinished() error {
	c := hs.c
	if hs.clientCertRequested() {
		return nil // flight ended; the ticket follows the client's Finished
	}
	tr := c.hsTr.clone()
	tr.write(c.enc.Marshal(&wire.Finished{VerifyData: hs.clientHS.FinishedVerifyData(c.hsTr.sum())}))
	if err := hs.issueTicket13(tr.sum()); err != nil {
		return err
	}
	return hs.endFlight()
}

// sendSessionTicket13 issues a ticket after the client's Finished, when
// its Certificate made the transcript unknown until then.
func (hs *serverHandshake13) sendSessionTicket13() error {
	c := hs.c
	if !hs.clientCertRequested() {
		return nil // sent with the server's Finished
	}
	if err := hs.issueTicket13(c.hsTr.sum()); err != nil {
		return err
	}
	return c.flush()
}

// issueTicket13 queues a ticket for this connection's session; th is the
// transcript hash through the client's Finished.
func (hs *serverHandshake13) issueTicket13(th []byte) error {
	c := hs.c
	if c.config.SessionTicketsDisabled {
		return nil
	}
	// RFC 8446 section 4.2.9: "Servers SHOULD NOT send NewSessionTicket
	// with tickets that are not compatible with the advertised modes":
	// the client could never resume with it.
	if dhe, ke := hs.pskModes(); !dhe && !ke {
		return nil
	}
	// The server needs resumption_master_secret (RFC 8446 section 7.1)
	// for nothing but the tickets it sends here: it is derived for them
	// from the transcript through the client Finished, and wiped after.
	rms := hs.sched.ResumptionMasterSecret(th)
	defer clear(rms)
	nonce := []byte{0}
	var ageAdd [4]byte
	if _, err := io.ReadFull(c.config.rand(), ageAdd[:]); err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	now := c.config.now()
	s := &sessionState{
		version:       VersionTLS13,
		suite:         hs.suite.ID,
		created:       uint64(now.Unix()),
		authenticated: uint64(now.Unix()),
		ageAdd:        binary.BigEndian.Uint32(ageAdd[:]),
		secret:        c.resumptionPSK(hs.suite.Hash, rms, nonce),
		alpn:          c.state.NegotiatedProtocol,
		serverName:    hs.ch.ServerName,
		clientAuth:    c.config.ClientAuth,
		peerScheme:    uint16(c.state.PeerSignatureScheme),
		maxEarlyData:  c.config.MaxEarlyData,
	}
	if hs.psk != nil {
		// A resumption's ticket lives no longer than the session it
		// resumed: its age counts from the full handshake.
		s.authenticated = hs.psk.authenticated
	}
	lifetime := max(ticketLifetime-s.age(now), time.Second) // openSession checked it is not expired
	for _, cert := range c.state.PeerCertificates {
		s.certs = append(s.certs, cert.Raw)
	}
	ticket, err := c.config.wrapSession(c.state, s)
	// Sealed, the ticket's PSK is the client's to keep, not the server's.
	clear(s.secret)
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	m := &wire.NewSessionTicket13{Lifetime: uint32(lifetime / time.Second), AgeAdd: s.ageAdd, Nonce: nonce, Ticket: ticket,
		HasEarlyData: s.maxEarlyData > 0, MaxEarlyData: s.maxEarlyData}
	// Post-handshake messages are not in the transcript, even when the
	// handshake is still reading the client's Finished.
	tr := c.hsTr
	c.hsTr = nil
	err = c.writeMessage(m)
	c.hsTr = tr
	return err
}

// handleNewSessionTicket13 stores a ticket in the client's cache.
func (c *Conn) handleNewSessionTicket13(m *wire.NewSessionTicket13) error {
	cache := c.config.ClientSessionCache
	if cache == nil || c.config.SessionTicketsDisabled || m.Lifetime == 0 {
		return nil
	}
	lifetime := min(time.Duration(m.Lifetime)*time.Second, ticketLifetime)
	cache.Put(c.sessionCacheKey(), &ClientSessionState{
		version:          VersionTLS13,
		suite:            c.suite.ID,
		ticket:           slices.Clone(m.Ticket),
		secret:           c.resumptionPSK(c.suite.Hash, c.tls13.resumptionMaster, m.Nonce),
		ageAdd:           m.AgeAdd,
		received:         c.config.now(),
		lifetime:         lifetime,
		alpn:             c.state.NegotiatedProtocol,
		peerCertificates: c.state.PeerCertificates,
		peerScheme:       c.state.PeerSignatureScheme,
		verified:         len(c.state.VerifiedChains) > 0,
		ocsp:             c.state.OCSPResponse,
		maxEarlyData:     m.MaxEarlyData, // 0 without the early_data extension
	})
	if c.tracing() {
		c.traceStep(trace.StepResumption, trace.KindInfo, "session ticket stored",
			"The client keeps the ticket and the key derived from this session, to resume it on a later connection.",
			field("lifetime", lifetime.String()))
	}
	return nil
}
