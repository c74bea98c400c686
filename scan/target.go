package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"padlock/internal/wire"
)

// targetScan is the state of one target's scan: what the probes found,
// gathered under mu as they finish.
type targetScan struct {
	s    *Scanner
	r    *Report
	addr string // HOST:PORT dialed
	host string // the host as given, for name checks

	mu        sync.Mutex
	first     map[uint16]*answer  // each version probe's answer
	supported map[uint16]bool     // versions accepted (0x0002: SSL 2.0)
	accepted  map[uint16][]uint16 // suites accepted, per version
	groups    map[uint16][]uint16 // groups accepted, per version
	evidence  map[string]*answer  // the probe behind a finding, by id
	hs        handshakeResults    // what padlock's client saw
	// renegotiation is the server's answer to a client's renegotiation.
	renegotiation string
}

// run probes the versions, then everything else at once.
func (t *targetScan) run(ctx context.Context) {
	t.first = map[uint16]*answer{}
	t.supported = map[uint16]bool{}
	t.accepted = map[uint16][]uint16{}
	t.groups = map[uint16][]uint16{}
	t.evidence = map[string]*answer{}
	t.probeVersions(ctx)
	if len(t.supported) == 0 {
		return
	}
	var wg sync.WaitGroup
	for v := range t.supported {
		if v >= versionSSL30 {
			wg.Go(func() { t.enumerateSuites(ctx, v) })
		}
	}
	if t.supported[versionTLS13] {
		wg.Go(func() { t.probeGroups(ctx, versionTLS13, groupCandidates13) })
	}
	if t.supported[versionTLS12] {
		wg.Go(func() { t.probeGroups(ctx, versionTLS12, groupCandidates12) })
	}
	wg.Go(func() { t.probeFeatures(ctx) })
	wg.Go(func() { t.handshakes(ctx) })
	wg.Wait()
	// Last, alone: a refused renegotiation holds up a single-threaded
	// server (openssl s_server -www sleeps a second), and with it every
	// probe in flight.
	if t.supported[versionTLS12] {
		t.probeClientRenegotiation(ctx)
	}
}

// probe sends the ClientHello h and returns the server's answer; name
// says what the probe is for, in progress reports and errors.
func (t *targetScan) probe(ctx context.Context, name string, h *hello, stop until) *answer {
	return t.send(ctx, name, records(h.message(t.r.ServerName), recordVersion(h.version)), stop)
}

// send is probe for records already built.
func (t *targetScan) send(ctx context.Context, name string, recs []byte, stop until) *answer {
	if !t.s.acquire(ctx) {
		return &answer{sent: recs, err: ctx.Err()}
	}
	a := t.s.exchange(ctx, t.addr, recs, stop)
	t.s.release()
	t.counted()
	if a.err != nil && !errors.Is(a.err, ErrClosed) {
		t.addError(fmt.Sprintf("%s: %v", name, a.err))
	}
	if t.s.opts.Progress != nil {
		t.s.opts.Progress(t.r.Target, name)
	}
	return a
}

// counted counts one connection of the scan.
func (t *targetScan) counted() {
	t.mu.Lock()
	t.r.Probes++
	t.mu.Unlock()
}

// addError records a probe that could not finish.
func (t *targetScan) addError(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !slices.Contains(t.r.Errors, msg) {
		t.r.Errors = append(t.r.Errors, msg)
	}
}

// probeVersions offers each version alone, and SSL 2.0 by its own hello.
func (t *targetScan) probeVersions(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		if a := t.send(ctx, "SSL 2.0", sslv2Hello(), untilServerHello); a.sslv2 {
			t.mu.Lock()
			t.supported[0x0002] = true
			t.evidence["ssl2"] = a
			t.mu.Unlock()
		}
	})
	for _, v := range probeVersions {
		wg.Go(func() {
			h := &hello{version: v, suites: legacySuites, keyShare: true}
			stop := untilServerHello
			if v == versionTLS13 {
				h.suites = tls13Suites
			}
			if v == versionTLS12 {
				stop = untilHelloDone // its Certificate, for servers padlock cannot finish with
			}
			a := t.probe(ctx, versionName(v), h, stop)
			t.mu.Lock()
			defer t.mu.Unlock()
			t.first[v] = a
			if a.hello != nil && a.version() == v {
				t.supported[v] = true
			}
		})
	}
	wg.Wait()
}

// enumerateSuites finds the suites of version v the server accepts:
// offer every candidate, take out the one chosen, offer the rest again,
// until the server refuses. Offering the accepted suites reversed then
// tells the server's order from the client's.
func (t *targetScan) enumerateSuites(ctx context.Context, v uint16) {
	cands := legacySuites
	if v == versionTLS13 {
		cands = tls13Suites
	}
	cands = slices.Clone(cands)
	var acc []uint16
	name := versionName(v) + " cipher suites"
	for len(cands) > 0 {
		a := t.probe(ctx, name, &hello{version: v, suites: cands, keyShare: true}, untilServerHello)
		if a.hello == nil || a.version() != v {
			break
		}
		i := slices.Index(cands, a.hello.CipherSuite)
		if i < 0 {
			t.addError(fmt.Sprintf("%s: the server chose %s, which was not offered", name, suiteName(a.hello.CipherSuite)))
			break
		}
		acc = append(acc, cands[i])
		t.keepEvidence(acc[len(acc)-1], a)
		cands = slices.Delete(cands, i, i+1)
	}
	order := ""
	if len(acc) >= 2 {
		rev := slices.Clone(acc)
		slices.Reverse(rev)
		a := t.probe(ctx, versionName(v)+" suite order", &hello{version: v, suites: rev, keyShare: true}, untilServerHello)
		switch {
		case a.hello == nil:
		case a.hello.CipherSuite == acc[0]:
			order = "server"
		default:
			order = "client"
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.accepted[v] = acc
	if order != "" {
		t.r.SuiteOrder[versionName(v)] = order
	}
}

// keepEvidence keeps the probe that showed a suite accepted as the
// evidence of the finding the suite raises, the first one seen.
func (t *targetScan) keepEvidence(id uint16, a *answer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, f := range suiteFindings(kindOf(id)) {
		if t.evidence[f] == nil {
			t.evidence[f] = a
		}
	}
}

// suiteFindings names the findings a suite's acceptance raises.
func suiteFindings(k suiteKind) []string {
	var ids []string
	if k.cbc() {
		ids = append(ids, "cbc_suites")
	}
	if k.rc4() {
		ids = append(ids, "rc4")
	}
	if k.des3() {
		ids = append(ids, "3des")
	}
	if k.weak() {
		ids = append(ids, "null_or_export")
	}
	if k.rsaKeyTransport() {
		ids = append(ids, "rsa_key_transport")
	}
	return ids
}

// probeGroups offers each candidate group alone in version v. In TLS
// 1.3 the hello carries no key share, so a server that supports the
// group answers with a HelloRetryRequest naming it; in TLS 1.2 only
// ECDHE suites are offered, which the server can choose only with a
// curve in common.
func (t *targetScan) probeGroups(ctx context.Context, v uint16, cands []uint16) {
	ok := make([]bool, len(cands))
	var wg sync.WaitGroup
	for i, g := range cands {
		wg.Go(func() {
			h := &hello{version: v, suites: tls13Suites, groups: []uint16{g}, keyShare: true}
			if v == versionTLS12 {
				h.suites = ecdheSuites
			}
			a := t.probe(ctx, versionName(v)+" group "+groupName(g), h, untilServerHello)
			switch {
			case a.hello == nil || a.version() != v:
			case v == versionTLS13:
				ok[i] = a.hello.SelectedGroup == g || a.hello.KeyShare.Group == g
			default:
				ok[i] = kindOf(a.hello.CipherSuite).ecdhe()
			}
		})
	}
	wg.Wait()
	if v == versionTLS12 {
		for _, g := range t.curvesChosen(ctx, cands) {
			ok[slices.Index(cands, g)] = true
		}
	}
	var acc []uint16
	for i, g := range cands {
		if ok[i] {
			acc = append(acc, g)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.groups[v] = acc
}

// curvesChosen finds TLS 1.2 curves as testssl.sh does: offer them all,
// read the one the ServerKeyExchange names, offer the rest, until the
// server refuses. It finds curves the one-by-one probes miss on a server
// that takes supported_groups to bound its ECDSA certificate's curve
// too (RFC 8422 section 5.1), so that a hello with x25519 alone fails
// although x25519 is used whenever P-256 is also offered.
func (t *targetScan) curvesChosen(ctx context.Context, cands []uint16) []uint16 {
	cands = slices.Clone(cands)
	var found []uint16
	for len(cands) > 0 {
		a := t.probe(ctx, "TLS 1.2 curve order", &hello{version: versionTLS12, suites: ecdheSuites, groups: cands}, untilHelloDone)
		g := skeGroup(a)
		i := slices.Index(cands, g)
		if i < 0 {
			break
		}
		found = append(found, g)
		cands = slices.Delete(cands, i, i+1)
	}
	return found
}

// skeGroup returns the curve of a TLS 1.2 ServerKeyExchange in the
// answer, or 0.
func skeGroup(a *answer) uint16 {
	for _, msg := range a.messages {
		if msg[0] != wire.TypeServerKeyExchange {
			continue
		}
		if m, err := wire.Parse(msg, false); err == nil {
			return m.(*wire.ServerKeyExchange).Group
		}
	}
	return 0
}

// ecdheSuites are the TLS 1.2 ECDHE suites among the candidates.
var ecdheSuites = func() []uint16 {
	var ids []uint16
	for _, id := range legacySuites {
		if kindOf(id).ecdhe() {
			ids = append(ids, id)
		}
	}
	return ids
}()
