package padlock

import (
	"crypto/x509"
	"runtime"
	"slices"
	"sync"
	"time"
)

// maxCachedChains bounds the chains a Config remembers.
const maxCachedChains = 32

// chainCache remembers the certificate chains a Config's connections
// verified, so that the next handshake with the same peer neither parses
// the certificates again nor verifies their signatures: for a client that
// talks to a few servers, that is most of its handshake's work beyond the
// key exchange.
//
// Reusing a result is safe because x509 verification is a function of
// the chain's bytes, the roots, the name, the key usage and the time: a
// Config may not change once in use, so its roots do not; the entry is
// keyed by the rest; and it is used only while the time lies within the
// validity of every certificate of the chains it found. (Chains that were
// not yet valid when the entry was made may have become valid since; the
// cached answer, a success, still holds.) Only successes are cached.
// Where a platform verifier stands in for a nil pool (Windows, macOS,
// iOS) it may consult revocation, so nothing is cached there without
// explicit roots.
type chainCache struct {
	mu      sync.Mutex
	entries map[string]*chainEntry // by the leaf's DER
}

// chainEntry is one chain, parsed, and the verifications it passed.
type chainEntry struct {
	certs   []*x509.Certificate
	results []chainResult
}

// chainResult is a successful verification and what it depended on.
type chainResult struct {
	roots               *x509.CertPool
	name                string
	usage               x509.ExtKeyUsage
	chains              [][]*x509.Certificate
	notBefore, notAfter time.Time
}

// chainCacheMu guards the creation of Config.chains.
var chainCacheMu sync.Mutex

// chainCache returns the Config's cache, made on first use and shared
// with its clones.
func (c *Config) chainCache() *chainCache {
	chainCacheMu.Lock()
	defer chainCacheMu.Unlock()
	if c.chains == nil {
		c.chains = &chainCache{entries: map[string]*chainEntry{}}
	}
	return c.chains
}

// cacheable reports whether verifications against roots may be reused.
func cacheable(roots *x509.CertPool) bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios":
		return roots != nil
	}
	return true
}

// lookup returns the parsed chain and its verified chains when ders,
// verified against roots for name and usage, passed before and still
// would at now.
func (cc *chainCache) lookup(ders [][]byte, roots *x509.CertPool, name string, usage x509.ExtKeyUsage, now time.Time) ([]*x509.Certificate, [][]*x509.Certificate, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	e := cc.entries[string(ders[0])]
	if e == nil || !e.matches(ders) {
		return nil, nil, false
	}
	for _, r := range e.results {
		if r.roots == roots && r.name == name && r.usage == usage && !now.Before(r.notBefore) && !now.After(r.notAfter) {
			return e.certs, r.chains, true
		}
	}
	return nil, nil, false
}

// matches reports whether the entry's chain is exactly ders.
func (e *chainEntry) matches(ders [][]byte) bool {
	if len(e.certs) != len(ders) {
		return false
	}
	for i, c := range e.certs {
		if string(c.Raw) != string(ders[i]) {
			return false
		}
	}
	return true
}

// store records that certs, parsed from ders, verified into chains.
func (cc *chainCache) store(certs []*x509.Certificate, roots *x509.CertPool, name string, usage x509.ExtKeyUsage, chains [][]*x509.Certificate) {
	r := chainResult{roots: roots, name: name, usage: usage, chains: chains}
	for _, chain := range chains {
		for _, cert := range chain {
			if r.notBefore.IsZero() || cert.NotBefore.After(r.notBefore) {
				r.notBefore = cert.NotBefore
			}
			if r.notAfter.IsZero() || cert.NotAfter.Before(r.notAfter) {
				r.notAfter = cert.NotAfter
			}
		}
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	key := string(certs[0].Raw)
	e := cc.entries[key]
	if e == nil || !e.matches(rawChain(certs)) {
		if len(cc.entries) >= maxCachedChains {
			for k := range cc.entries { // evict one, at random
				delete(cc.entries, k)
				break
			}
		}
		e = &chainEntry{certs: certs}
		cc.entries[key] = e
	}
	e.results = slices.DeleteFunc(e.results, func(old chainResult) bool {
		return old.roots == roots && old.name == name && old.usage == usage
	})
	e.results = append(e.results, r)
}

func rawChain(certs []*x509.Certificate) [][]byte {
	ders := make([][]byte, len(certs))
	for i, c := range certs {
		ders[i] = c.Raw
	}
	return ders
}
