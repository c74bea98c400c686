package padlock

import (
	"crypto/ecdh"
	"sync"

	"padlock/internal/suites"
)

// keysAhead is how many ECDH private keys per curve a server keeps made
// ahead of the handshakes that will use them.
const keysAhead = 2

// keyPool keeps ECDH private keys that a server made ahead of time. Once
// a server has sent its flight it has nothing to do until the client
// answers, which takes the client a key exchange and a signature check:
// the server makes the key of a later handshake then, and that
// handshake, which takes it from the pool, answers sooner. The work is
// the same; it moves off the path the client waits on.
//
// Every key is fresh from the Config's random source, handed out once
// and then forgotten, like one made on the spot: forward secrecy is
// unchanged. A Config with its own Rand makes no keys ahead, so that a
// deterministic Rand still gives the same handshakes.
type keyPool struct {
	mu   sync.Mutex
	keys map[ecdh.Curve][]*ecdh.PrivateKey
}

// keyPoolMu guards the creation of Config.keys.
var keyPoolMu sync.Mutex

// keyPool returns the Config's pool, made on first use and shared with
// its clones; nil when the Config has its own Rand.
func (c *Config) keyPool() *keyPool {
	if c.Rand != nil {
		return nil
	}
	keyPoolMu.Lock()
	defer keyPoolMu.Unlock()
	if c.keys == nil {
		c.keys = &keyPool{keys: map[ecdh.Curve][]*ecdh.PrivateKey{}}
	}
	return c.keys
}

// take returns a key made ahead on g's curve, or nil if there is none.
func (p *keyPool) take(g *suites.Group) *ecdh.PrivateKey {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := p.keys[g.Curve()]
	if len(keys) == 0 {
		return nil
	}
	k := keys[len(keys)-1]
	keys[len(keys)-1] = nil
	p.keys[g.Curve()] = keys[:len(keys)-1]
	return k
}

// refill makes keys on g's curve until the pool holds keysAhead of them.
func (p *keyPool) refill(g *suites.Group, c *Config) {
	if p == nil {
		return
	}
	for {
		p.mu.Lock()
		n := len(p.keys[g.Curve()])
		p.mu.Unlock()
		if n >= keysAhead {
			return
		}
		k, err := g.NewECDHKey(c.rand())
		if err != nil {
			return // the handshake that needs a key will report it
		}
		p.mu.Lock()
		p.keys[g.Curve()] = append(p.keys[g.Curve()], k)
		p.mu.Unlock()
	}
}
