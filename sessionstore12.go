package padlock

import (
	"time"

	"padlock/trace"
)

// ServerSessionStore keeps a server's TLS 1.2 sessions by session ID
// (RFC 5246 section 7.4.1.2) in place of its own in-memory cache, so that
// servers sharing a store (and their ticket keys) resume each other's
// sessions. The values are opaque: padlock seals each session under the
// newest of its TicketKeys before Put, as it seals a ticket, so a store
// never holds a session's secret in the clear, and opens what Get returns
// with any of them. A store must be safe for concurrent use, and answer
// quickly: it is called during handshakes.
type ServerSessionStore interface {
	// Get returns the value stored under sessionID, or nil when there
	// is none. An error is taken as "none": the handshake goes on in
	// full.
	Get(sessionID []byte) ([]byte, error)
	// Put stores value under sessionID for ttl, the session's remaining
	// lifetime. An error leaves the session unresumable by its ID.
	Put(sessionID, value []byte, ttl time.Duration) error
	// Delete forgets sessionID, whose value padlock could not open.
	Delete(sessionID []byte) error
}

// sessionIDUse is the HKDF use of the ticket keys that seal the values
// of a ServerSessionStore: its own, so that a stored value can never be
// offered as a ticket nor a ticket be planted as a stored value.
const sessionIDUse = "session id"

// sessionIDsEnabled reports whether a server hands out session IDs for
// TLS 1.2 resumption: with a ServerSessionStore, or its own cache.
func (c *Config) sessionIDsEnabled() bool {
	return c.ServerSessionStore != nil || c.sessionCache12() != nil
}

// lookupSession12 returns the session kept under id, or nil.
func (conn *Conn) lookupSession12(id []byte) *sessionState {
	c := conn.config
	if c.ServerSessionStore == nil {
		if cache := c.sessionCache12(); cache != nil {
			return cache.get(id)
		}
		return nil
	}
	sealed, err := c.ServerSessionStore.Get(id)
	if err != nil {
		conn.traceStep(trace.StepResumption, trace.KindInfo, "session store unavailable",
			"The server could not read its session store, so the session ID cannot be resumed: this is a full handshake.",
			field("error", err.Error()))
		return nil
	}
	if sealed == nil {
		return nil
	}
	plain := c.open(sealed, sessionIDUse)
	if plain == nil {
		// Sealed under a key no longer in use, or not padlock's.
		c.ServerSessionStore.Delete(id)
		return nil
	}
	defer clear(plain)
	s, err := parseSessionState(plain)
	if err != nil {
		c.ServerSessionStore.Delete(id)
		return nil
	}
	return s.clone() // s points into plain
}

// storeSession12 keeps s under id, for the rest of its lifetime.
func (conn *Conn) storeSession12(id []byte, s *sessionState) {
	c := conn.config
	if c.ServerSessionStore == nil {
		if cache := c.sessionCache12(); cache != nil {
			cache.put(id, s)
		}
		return
	}
	plain := s.marshal()
	defer clear(plain)
	sealed, err := c.seal(plain, sessionIDUse)
	if err == nil {
		err = c.ServerSessionStore.Put(id, sealed, ticketLifetime-s.age(c.now()))
	}
	if err != nil {
		conn.traceStep(trace.StepResumption, trace.KindInfo, "session not stored",
			"The server could not keep the session in its session store, so the client cannot resume it by its session ID.",
			field("error", err.Error()))
	}
}
