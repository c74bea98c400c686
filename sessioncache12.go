package padlock

import (
	"container/list"
	"sync"
)

// defaultServerSessionCacheSize is the bound of a server's TLS 1.2
// session cache when Config.ServerSessionCacheSize is 0.
const defaultServerSessionCacheSize = 1024

// serverSessionCache holds a server's TLS 1.2 sessions by session ID
// (RFC 5246 section 7.4.1.2), forgetting the least recently used when
// full, so that no client can make it grow without bound.
type serverSessionCache struct {
	mu       sync.Mutex
	capacity int
	order    *list.List // of *serverSessionEntry, most recent first
	entries  map[string]*list.Element
}

type serverSessionEntry struct {
	id      string
	session *sessionState
}

func newServerSessionCache(capacity int) *serverSessionCache {
	return &serverSessionCache{capacity: capacity, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the session stored under id, or nil. The session must not
// be changed: other connections may resume it at the same time.
func (c *serverSessionCache) get(id []byte) *sessionState {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[string(id)]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*serverSessionEntry).session
}

// put stores s under id, evicting the least recently used session when
// the cache is full.
func (c *serverSessionCache) put(id []byte, s *sessionState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[string(id)]; ok {
		e.Value.(*serverSessionEntry).session = s
		c.order.MoveToFront(e)
		return
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*serverSessionEntry).id)
	}
	key := string(id)
	c.entries[key] = c.order.PushFront(&serverSessionEntry{id: key, session: s})
}

// len returns the number of sessions held.
func (c *serverSessionCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// serverSessionsMu guards the creation of Config.serverSessions.
var serverSessionsMu sync.Mutex

// sessionCache12 returns the Config's TLS 1.2 session cache, made on
// first use and shared by its clones, or nil when
// ServerSessionCacheSize turns it off.
func (c *Config) sessionCache12() *serverSessionCache {
	if c.ServerSessionCacheSize < 0 {
		return nil
	}
	serverSessionsMu.Lock()
	defer serverSessionsMu.Unlock()
	if c.serverSessions == nil {
		n := c.ServerSessionCacheSize
		if n == 0 {
			n = defaultServerSessionCacheSize
		}
		c.serverSessions = newServerSessionCache(n)
	}
	return c.serverSessions
}
