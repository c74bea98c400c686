package padlock

import (
	"container/list"
	"crypto/x509"
	"sync"
	"time"

	"padlock/trace"
)

// ClientSessionState is a session a client may resume: the server's
// ticket and what the client needs to use it. Its fields are padlock's
// own; a cache only stores and returns it.
type ClientSessionState struct {
	version  uint16
	suite    uint16
	ticket   []byte
	secret   []byte // TLS 1.3: the resumption PSK; TLS 1.2: the master secret
	ageAdd   uint32
	received time.Time
	lifetime time.Duration
	ems      bool
	alpn     string
	group    uint16 // TLS 1.2: the ECDHE group of the full handshake, 0 for RSA

	sessionID        []byte // TLS 1.2 without a ticket: the server's session ID
	peerCertificates []*x509.Certificate
	// peerScheme is the scheme of the server's signature in the full
	// handshake, for ConnectionState.PeerSignatureScheme on resumption.
	peerScheme SignatureScheme
	// verified says the handshake verified peerCertificates; their
	// verified chains are made again each time the session is offered.
	verified bool
	ocsp     []byte
}

// ClientSessionCache keeps sessions for resumption, keyed by server
// name; sessions from connections that did not verify the server (with
// InsecureSkipVerify) have keys of their own. Implementations must be
// safe for concurrent use.
type ClientSessionCache interface {
	// Get returns the session stored for key.
	Get(key string) (*ClientSessionState, bool)
	// Put stores a session for key; a nil session removes it.
	Put(key string, cs *ClientSessionState)
}

// lruSessionCache is a ClientSessionCache that forgets the least recently
// used session when full.
type lruSessionCache struct {
	mu       sync.Mutex
	capacity int
	order    *list.List // of *lruEntry, most recent first
	entries  map[string]*list.Element
}

type lruEntry struct {
	key     string
	session *ClientSessionState
}

// NewLRUClientSessionCache returns a ClientSessionCache that holds at
// most capacity sessions (64 when capacity < 1), forgetting the least
// recently used first.
func NewLRUClientSessionCache(capacity int) ClientSessionCache {
	if capacity < 1 {
		capacity = 64
	}
	return &lruSessionCache{capacity: capacity, order: list.New(), entries: map[string]*list.Element{}}
}

func (c *lruSessionCache) Get(key string) (*ClientSessionState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry).session, true
	}
	return nil, false
}

func (c *lruSessionCache) Put(key string, cs *ClientSessionState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		if cs == nil {
			c.order.Remove(e)
			delete(c.entries, key)
			return
		}
		e.Value.(*lruEntry).session = cs
		c.order.MoveToFront(e)
		return
	}
	if cs == nil {
		return
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*lruEntry).key)
	}
	c.entries[key] = c.order.PushFront(&lruEntry{key: key, session: cs})
}

// sessionCacheKey is the key a client's session is stored under: the
// server's name, or its address without one, marked when the server is
// not verified, so that a Config which does not verify never displaces
// the session of one that does, when they share a cache.
func (c *Conn) sessionCacheKey() string {
	key := c.config.ServerName
	if key == "" {
		key = c.conn.RemoteAddr().String()
	}
	if c.config.InsecureSkipVerify {
		key += " (unverified)"
	}
	return key
}

// loadSession returns the cached session of version vers for this
// server when it may be offered: within its lifetime, and with a server
// chain that passes the current Config's checks, whose verified chains
// come with it. A session that fails them is dropped.
func (c *Conn) loadSession(vers uint16) (*ClientSessionState, [][]*x509.Certificate) {
	cache, key := c.config.ClientSessionCache, c.sessionCacheKey()
	s, ok := cache.Get(key)
	if !ok || s == nil || s.version != vers || !s.usable(c.config.now()) {
		return nil, nil
	}
	chains, err := c.sessionServerAuth(s)
	if err != nil {
		cache.Put(key, nil)
		c.traceStep(trace.StepResumption, trace.KindInfo, "session not offered",
			"The client has a session with this server, but a full handshake would not accept the certificate it stored, so it does not offer it.",
			field("reason", err.Error()))
		return nil, nil
	}
	if chains != nil && c.tracing() {
		c.traceStep(trace.StepResumption, trace.KindInfo, "stored certificate checked again",
			"Before offering a session from an earlier connection, the client checks the server certificate the session stored, as a full handshake would check a new one: a resumption skips the certificate, never the checks.")
	}
	return s, chains
}

// usable reports whether s may be offered at now: not expired, and its
// server certificate still valid.
func (s *ClientSessionState) usable(now time.Time) bool {
	if now.Sub(s.received) >= s.lifetime || now.Before(s.received) {
		return false
	}
	if len(s.peerCertificates) > 0 && now.After(s.peerCertificates[0].NotAfter) {
		return false
	}
	return true
}
