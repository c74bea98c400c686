package padlock

import (
	"bytes"
	"crypto/rand"
	"sync"
	"testing"

	"padlock/internal/pki"
	"padlock/internal/suites"
)

// TestKeyPool checks that keys made ahead are handed out once each, on
// the right curve, and that a Config with its own Rand makes none.
func TestKeyPool(t *testing.T) {
	x25519, p256 := suites.GroupByID(suites.X25519), suites.GroupByID(suites.Secp256r1)
	c := &Config{}
	p := c.keyPool()
	if p.take(x25519) != nil {
		t.Fatal("an empty pool handed out a key")
	}
	p.refill(x25519, c)
	a, b := p.take(x25519), p.take(x25519)
	if a == nil || b == nil || a == b || bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("keys %p %p", a, b)
	}
	if p.take(x25519) != nil || p.take(p256) != nil {
		t.Error("pool handed out more keys than it made")
	}
	// A hybrid takes the keys of its curve.
	p.refill(x25519, c)
	if k := p.take(suites.GroupByID(suites.X25519MLKEM768)); k == nil || k.Curve() != x25519.Curve() {
		t.Error("X25519MLKEM768 found no x25519 key")
	}
	if (&Config{Rand: rand.Reader}).keyPool() != nil {
		t.Error("a Config with its own Rand has a key pool")
	}
}

// TestKeyPoolConcurrent takes and refills from many goroutines; the race
// detector checks the locking, and no key may come out twice.
func TestKeyPoolConcurrent(t *testing.T) {
	g := suites.GroupByID(suites.X25519)
	c := &Config{}
	p := c.keyPool()
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				p.refill(g, c)
				if k := p.take(g); k != nil {
					mu.Lock()
					if seen[string(k.Bytes())] {
						t.Error("a key came out twice")
					}
					seen[string(k.Bytes())] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
}

// TestKeyPoolHandshakes checks that a server refills its pool after each
// handshake and uses a key from it in the next.
func TestKeyPoolHandshakes(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, vers := range []uint16{VersionTLS13, VersionTLS12} {
		sc := &Config{Certificates: []Certificate{cert}, MaxVersion: vers}
		cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers, CurvePreferences: []CurveID{X25519, CurveP256}}
		g := suites.GroupByID(suites.X25519)
		for i := range 3 {
			if _, _, cerr, serr := runPair(t, cc, sc); cerr != nil || serr != nil {
				t.Fatalf("%s handshake %d: %v, %v", VersionName(vers), i, cerr, serr)
			}
			if n := len(sc.keys.keys[g.Curve()]); n != keysAhead {
				t.Errorf("%s handshake %d: %d keys ahead, want %d", VersionName(vers), i, n, keysAhead)
			}
		}
	}
}
