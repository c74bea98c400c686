package padlock

import (
	"container/list"
	"crypto/x509"
	"sync"
	"time"
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

	sessionID        []byte // TLS 1.2 without a ticket: the server's session ID
	peerCertificates []*x509.Certificate
	verifiedChains   [][]*x509.Certificate
	ocsp             []byte
}

// ClientSessionCache keeps sessions for resumption, keyed by server
// name. Implementations must be safe for concurrent use.
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

// sessionCacheKey is the key a client's session is stored under.
func (c *Conn) sessionCacheKey() string {
	if c.config.ServerName != "" {
		return c.config.ServerName
	}
	return c.conn.RemoteAddr().String()
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
