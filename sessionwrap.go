package padlock

import (
	"bytes"
	"errors"
)

// An application may keep a server's sessions itself: Config.WrapSession
// turns the session a ticket is issued for into the ticket, and
// Config.UnwrapSession turns an offered ticket back into the session.
// Between the two the session is a SessionState, whose Bytes the
// application stores or seals. Whatever UnwrapSession returns goes
// through every check an opened ticket does.

// SessionState is a session a server can resume: its version, cipher
// suite, secret, ages, server name, ALPN protocol and the client's
// certificate chain, and the client authentication it was made under. It
// is opaque; Bytes encodes it and ParseSessionState decodes it. The
// zero SessionState is no session.
type SessionState struct {
	s *sessionState
}

// Bytes encodes the session. The encoding holds the session's secret:
// anyone who reads it can decrypt the connections that resume the
// session, and anyone who can write it can make the server accept a
// session of their own making. Keep it on the server, or seal it (as
// Config.EncryptTicket does) before it goes to a client.
func (s *SessionState) Bytes() ([]byte, error) {
	if s == nil || s.s == nil {
		return nil, errors.New("padlock: no session to encode")
	}
	return s.s.marshal(), nil
}

// ParseSessionState decodes the bytes of SessionState.Bytes. It is as
// strict as the parse of a ticket padlock opened, but it cannot tell
// bytes an attacker wrote from bytes the server kept: only bytes that
// came from the server's own store or seal belong here.
func ParseSessionState(data []byte) (*SessionState, error) {
	s, err := parseSessionState(bytes.Clone(data))
	if err != nil {
		return nil, err
	}
	return &SessionState{s: s}, nil
}

// EncryptTicket seals a session as padlock does when WrapSession is not
// set: AES-256-GCM under the newest of c's ticket keys. A WrapSession
// may call it to add a layer of its own, or none.
func (c *Config) EncryptTicket(_ ConnectionState, s *SessionState) ([]byte, error) {
	if s == nil || s.s == nil {
		return nil, errors.New("padlock: no session to encrypt")
	}
	plain := s.s.marshal()
	defer clear(plain)
	return c.sealTicket(plain)
}

// DecryptTicket opens a ticket EncryptTicket sealed, with any of c's
// ticket keys; (nil, nil) when none opens it, as an UnwrapSession
// should answer a ticket it does not know.
func (c *Config) DecryptTicket(identity []byte, _ ConnectionState) (*SessionState, error) {
	plain := c.openTicket(identity)
	if plain == nil {
		return nil, nil
	}
	defer clear(plain)
	s, err := parseSessionState(plain)
	if err != nil {
		return nil, nil
	}
	return &SessionState{s: s.clone()}, nil
}

// wrapSession makes the ticket for s: WrapSession's, when set, else
// padlock's own sealing. WrapSession gets a copy, which the application
// may keep: padlock wipes its own once the ticket is sent.
func (c *Config) wrapSession(cs ConnectionState, s *sessionState) ([]byte, error) {
	if c.WrapSession != nil {
		return c.WrapSession(cs, &SessionState{s: s.clone()})
	}
	plain := s.marshal()
	defer clear(plain)
	return c.sealTicket(plain)
}

// unwrapSession returns the session of an offered ticket, or nil when
// there is none: UnwrapSession's, when set, else the ticket opened with
// the ticket keys. The caller checks it may resume this handshake, and
// owns it: the application's SessionState is copied, never shared.
func (c *Config) unwrapSession(identity []byte, cs ConnectionState) (*sessionState, error) {
	if c.UnwrapSession == nil {
		plain := c.openTicket(identity)
		if plain == nil {
			return nil, nil
		}
		s, err := parseSessionState(plain)
		if err != nil {
			return nil, nil
		}
		return s, nil
	}
	ss, err := c.UnwrapSession(identity, cs)
	if err != nil || ss == nil || ss.s == nil {
		return nil, err
	}
	return ss.s.clone(), nil
}

// clone returns a copy of s that shares no memory with it, so that
// either may be wiped.
func (s *sessionState) clone() *sessionState {
	n := *s
	n.secret = bytes.Clone(s.secret)
	n.certs = make([][]byte, len(s.certs))
	for i, c := range s.certs {
		n.certs[i] = bytes.Clone(c)
	}
	if len(s.certs) == 0 {
		n.certs = nil
	}
	return &n
}
