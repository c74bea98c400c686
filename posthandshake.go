package padlock

import (
	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/wire"
	"padlock/trace"
)

// handlePostHandshake processes the whole handshake messages that arrived
// after the handshake: NewSessionTicket and KeyUpdate in TLS 1.3;
// HelloRequest and renegotiation attempts in TLS 1.2, both refused.
func (c *Conn) handlePostHandshake() error {
	for {
		// The general limit, even for a ClientHello: a renegotiating
		// one is refused whatever its size.
		n, ok := wire.SplitMessage(c.in.hsBuf)
		if limit := c.config.maxHandshakeMessage(); ok && n-4 > limit {
			return errTooLong(c.in.hsBuf[0], n-4, limit)
		}
		if !ok || len(c.in.hsBuf) < n {
			if len(c.in.hsBuf) == 0 {
				c.in.hsBuf = nil // keep no buffer while idle
			}
			return nil // wait for the rest
		}
		raw, err := c.readHandshakeRaw()
		if err != nil {
			return err
		}
		if err := c.handlePostHandshakeMessage(raw); err != nil {
			return err
		}
	}
}

func (c *Conn) handlePostHandshakeMessage(raw []byte) error {
	m, err := wire.Parse(raw, c.vers == VersionTLS13)
	if err != nil {
		return alert.Wrap(alert.DecodeError, err)
	}
	c.traceMessage(trace.Received, raw, m)
	switch m := m.(type) {
	case *wire.KeyUpdate:
		if c.vers == VersionTLS13 {
			return c.handleKeyUpdate(m)
		}
	case *wire.NewSessionTicket13:
		if c.vers == VersionTLS13 && c.isClient {
			return c.handleNewSessionTicket13(m)
		}
	case *wire.HelloRequest:
		if c.vers == VersionTLS12 && c.isClient {
			return c.refuseRenegotiation()
		}
	case *wire.ClientHello:
		if c.vers == VersionTLS12 && !c.isClient {
			return c.refuseRenegotiation()
		}
	}
	return alertf(alert.UnexpectedMessage, "%s after the handshake", wire.TypeName(raw[0]))
}

// refuseRenegotiation answers a TLS 1.2 peer's request to renegotiate (a
// server's HelloRequest, a client's ClientHello). The first gets the
// no_renegotiation warning of RFC 5746 section 4.2 and RFC 5246 section
// 7.2.2, and the requester decides whether to go on. Asking again ignores
// that answer, and each refusal is a record written for a few bytes read:
// the second request ends the connection with the fatal alert RFC 5246
// section 7.2.2 has a side that will not go on send, naming the reason
// (BoringSSL sends the same at the first request).
func (c *Conn) refuseRenegotiation() error {
	if c.in.refused {
		return alertf(alert.NoRenegotiation, "the %s asked to renegotiate again after a refusal", c.peerName())
	}
	c.in.refused = true
	c.sendWarning(alert.NoRenegotiation)
	return nil
}

// sendWarning sends a TLS 1.2 warning alert, which does not end the
// connection.
func (c *Conn) sendWarning(d alert.Description) {
	c.out.Lock()
	defer c.out.Unlock()
	if c.out.err != nil {
		return
	}
	c.out.w.WriteRecord(recordAlert, []byte{alertWarning, byte(d)})
	c.traceAlertEnds(trace.Sent, d, false)
}

// handleKeyUpdate switches the read side to the next traffic secret and,
// when the peer asks, has this side's keys updated before it next sends
// application data (RFC 8446 section 4.6.3). That is when the RFC asks
// for the answer, and so a peer asking several times while this side is
// silent gets one KeyUpdate, as the RFC says, not one each: answering
// each at once, as padlock did, wrote a record for every few bytes read.
func (c *Conn) handleKeyUpdate(m *wire.KeyUpdate) error {
	c.in.keyUpd++
	if c.in.keyUpd > c.config.limits().MaxKeyUpdates {
		return alertf(alert.UnexpectedMessage, "too many KeyUpdates without application data")
	}
	next := keysched.NextTrafficSecret(c.suite.Hash, c.tls13.inSecret)
	c.revealUpdate(c.peerName(), c.tls13.inSecret, next)
	if err := c.installReadKeys13(c.suite, c.traffic(next), c.peerName()+" application (updated)"); err != nil {
		return err
	}
	if m.RequestUpdate {
		c.out.Lock()
		c.out.keyUpdateDue = true
		c.out.Unlock()
	}
	return nil
}

func (c *Conn) peerName() string {
	if c.isClient {
		return "server"
	}
	return "client"
}

// UpdateKeys sends a TLS 1.3 KeyUpdate and switches to fresh write keys;
// with requestPeer the peer is asked to update its keys too.
func (c *Conn) UpdateKeys(requestPeer bool) error {
	if err := c.Handshake(); err != nil {
		return err
	}
	if c.vers != VersionTLS13 {
		return alertf(alert.InternalError, "KeyUpdate needs TLS 1.3")
	}
	c.out.Lock()
	defer c.out.Unlock()
	if c.out.err != nil {
		return c.out.err
	}
	return c.updateWriteKeysLocked(requestPeer)
}

func (c *Conn) updateWriteKeysLocked(request bool) error {
	if _, err := c.out.w.WriteRecord(recordHandshake, (&wire.KeyUpdate{RequestUpdate: request}).Marshal()); err != nil {
		c.out.err = err
		return err
	}
	c.out.keyUpdateDue = false // any KeyUpdate of this side's answers the peer's request
	next := keysched.NextTrafficSecret(c.suite.Hash, c.tls13.outSecret)
	name := "client application (updated)"
	if !c.isClient {
		name = "server application (updated)"
	}
	c.revealUpdate(name[:6], c.tls13.outSecret, next)
	return c.installWriteKeys13(c.suite, c.traffic(next), name)
}

// maybeUpdateKeysLocked updates the write keys before application data
// when the peer asked for it (RFC 8446 section 4.6.3) or they reach their
// usage limit (section 5.5).
func (c *Conn) maybeUpdateKeysLocked() error {
	if c.vers != VersionTLS13 || c.out.cipher == nil {
		return nil
	}
	if !c.out.keyUpdateDue && c.out.cipher.Seq() < c.keyUpdateAfter {
		return nil
	}
	return c.updateWriteKeysLocked(false)
}
