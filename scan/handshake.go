package scan

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"padlock"
	"padlock/certcompress"
	"padlock/internal/wire"
	"padlock/trace"
)

// handshakeResults is what padlock's client saw in full handshakes.
type handshakeResults struct {
	chain   [][]byte // DER, as sent to a default client
	ocsp    []byte
	schemes map[string]*CertSchemes // by leaf SHA-256
	order   []string                // leaf hashes in the order first seen
}

// handshake runs one handshake of padlock's client with config cfg
// (InsecureSkipVerify and ServerName are set here: checking the chain is
// the scan's job, done once from the bytes) and returns the connection,
// open, and the chain sent.
func (t *targetScan) handshake(ctx context.Context, name string, cfg *padlock.Config) (*padlock.Conn, [][]byte, error) {
	if !t.s.acquire(ctx) {
		return nil, nil, ctx.Err()
	}
	defer t.s.release()
	t.counted()
	defer func() {
		if t.s.opts.Progress != nil {
			t.s.opts.Progress(t.r.Target, name)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, t.s.timeout())
	defer cancel()
	raw, err := t.s.dial(ctx, t.addr)
	if err != nil {
		return nil, nil, err
	}
	var chain [][]byte
	cfg.InsecureSkipVerify = true
	cfg.ServerName = t.host
	cfg.VerifyPeerCertificate = func(certs [][]byte, _ [][]*x509.Certificate) error {
		chain = certs
		return nil
	}
	c := padlock.Client(raw, cfg)
	if err := c.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, chain, nil
}

// handshakes learns what needs whole handshakes: the chain a default
// client gets, resumption, ALPN and the signature schemes.
func (t *targetScan) handshakes(ctx context.Context) {
	t.hs.schemes = map[string]*CertSchemes{}
	var wg sync.WaitGroup
	wg.Go(func() { t.defaultHandshake(ctx) })
	if t.supported[versionTLS12] {
		wg.Go(func() { t.resume12(ctx, false) })
		wg.Go(func() { t.resume12(ctx, true) })
	}
	if t.supported[versionTLS13] {
		wg.Go(func() { t.probeECH(ctx) })
	}
	for _, p := range []string{"h2", "http/1.1"} {
		wg.Go(func() { t.alpn(ctx, p) })
	}
	for _, s := range schemeCandidates {
		wg.Go(func() { t.scheme(ctx, s) })
	}
	wg.Wait()
	if t.hs.chain == nil {
		t.hs.chain = t.chain12() // a server only crypto/tls-era suites reach
	}
}

// maxVersion is the best version padlock's client speaks to the server.
func (t *targetScan) maxVersion() uint16 {
	if t.supported[versionTLS13] {
		return versionTLS13
	}
	return versionTLS12
}

// defaultHandshake connects as a default client that offers certificate
// compression and a session cache, waits briefly for TLS 1.3 tickets,
// and resumes one.
func (t *targetScan) defaultHandshake(ctx context.Context) {
	seen := &serverMessages{}
	cfg := &padlock.Config{
		MaxVersion:           t.maxVersion(),
		EnableRSAKeyExchange: true,
		ClientSessionCache:   padlock.NewLRUClientSessionCache(4),
		// Offering a limit lets the server say its own (RFC 8449 section 4).
		RecordSizeLimit: 1<<14 + 1,
		CertificateCompression: []padlock.CertificateCompressor{
			certcompress.Brotli{}, certcompress.Zstd{}, padlock.ZlibCompressor{}},
		Trace: seen.trace,
	}
	c, chain, err := t.handshake(ctx, "handshake", cfg)
	if err != nil {
		t.addError("handshake of padlock's client: " + err.Error())
		t.untested("resumption", "alpn", "signature_schemes", "certificate_compression")
		return
	}
	st := c.ConnectionState()
	if st.Version == versionTLS13 {
		// Tickets may follow the server's Finished; give them a moment.
		c.SetReadDeadline(time.Now().Add(min(t.s.timeout(), 300*time.Millisecond)))
		var buf [1]byte
		for {
			if _, err := c.Read(buf[:]); err != nil {
				break
			}
		}
	}
	c.Close()
	t.mu.Lock()
	t.hs.chain, t.hs.ocsp = chain, st.OCSPResponse
	tickets := seen.apply(t.r, st.Version == versionTLS13)
	t.mu.Unlock()
	if st.Version != versionTLS13 || tickets == 0 {
		return
	}
	cfg.Trace = nil
	if c2, _, err := t.handshake(ctx, "TLS 1.3 resumption", cfg); err == nil {
		resumed := c2.ConnectionState().DidResume
		c2.Close()
		t.mu.Lock()
		t.r.Resumption.TLS13Resumed = resumed
		t.mu.Unlock()
	}
}

// serverMessages keeps, from the trace of padlock's client, the server's
// messages that say what ConnectionState does not: NewSessionTickets,
// EncryptedExtensions and CompressedCertificate.
type serverMessages struct {
	mu          sync.Mutex
	tickets     []*wire.NewSessionTicket13
	recordLimit uint16
	compressed  string
}

// trace is a trace.Tracer.
func (m *serverMessages) trace(e trace.Event) {
	if e.Kind != trace.KindMessage || e.Dir != trace.Received || len(e.Raw) == 0 {
		return
	}
	msg, err := wire.Parse(e.Raw, true)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch msg := msg.(type) {
	case *wire.NewSessionTicket13:
		m.tickets = append(m.tickets, msg)
	case *wire.EncryptedExtensions:
		m.recordLimit = msg.RecordSizeLimit
	case *wire.CompressedCertificate:
		m.compressed = wire.CertCompressionName(msg.Algorithm)
	}
}

// apply writes what was seen into r and returns how many tickets came.
// The messages were parsed in their TLS 1.3 forms: unless tls13, they
// count for nothing.
func (m *serverMessages) apply(r *Report, tls13 bool) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !tls13 {
		return 0
	}
	res := &r.Resumption
	res.TLS13Tickets = len(m.tickets)
	for _, nst := range m.tickets {
		res.TicketLifetime = max(res.TicketLifetime, nst.Lifetime)
		if nst.HasEarlyData && nst.MaxEarlyData > 0 {
			res.EarlyData, res.MaxEarlyData = true, max(res.MaxEarlyData, nst.MaxEarlyData)
		}
	}
	r.Features.CertificateCompression = m.compressed
	if m.recordLimit != 0 {
		r.Features.RecordSizeLimit = m.recordLimit // TLS 1.3's, over TLS 1.2's
	}
	return len(m.tickets)
}

// resume12 connects twice in TLS 1.2 with one session cache, with
// tickets or (noTickets) session IDs only, and records whether the
// second connection resumed.
func (t *targetScan) resume12(ctx context.Context, noTickets bool) {
	cfg := &padlock.Config{MaxVersion: versionTLS12, EnableRSAKeyExchange: true,
		SessionTicketsDisabled: noTickets, ClientSessionCache: padlock.NewLRUClientSessionCache(4)}
	name := "TLS 1.2 ticket resumption"
	if noTickets {
		name = "TLS 1.2 session ID resumption"
	}
	resumed := false
	for range 2 {
		c, _, err := t.handshake(ctx, name, cfg)
		if err != nil {
			return
		}
		resumed = c.ConnectionState().DidResume
		c.Close()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if noTickets {
		t.r.Resumption.TLS12SessionID = resumed
	} else {
		t.r.Resumption.TLS12Ticket = resumed
	}
}

// alpn offers protocol p alone.
func (t *targetScan) alpn(ctx context.Context, p string) {
	cfg := &padlock.Config{MaxVersion: t.maxVersion(), EnableRSAKeyExchange: true,
		NextProtos: []string{p}, SessionTicketsDisabled: true}
	c, _, err := t.handshake(ctx, "ALPN "+p, cfg)
	if err != nil {
		return
	}
	got := c.ConnectionState().NegotiatedProtocol
	c.Close()
	if got == p {
		t.mu.Lock()
		t.r.ALPN = append(t.r.ALPN, p)
		slices.SortFunc(t.r.ALPN, func(a, b string) int { return len(a) - len(b) }) // h2 first
		t.mu.Unlock()
	}
}

// scheme accepts only signature scheme id from the server: the
// certificate it answers with is one that signs with it.
func (t *targetScan) scheme(ctx context.Context, id uint16) {
	cfg := &padlock.Config{MaxVersion: t.maxVersion(), SessionTicketsDisabled: true,
		SignatureSchemes: []padlock.SignatureScheme{padlock.SignatureScheme(id)}}
	c, chain, err := t.handshake(ctx, "signature scheme "+schemeName(id), cfg)
	if err != nil {
		return
	}
	used := c.ConnectionState().PeerSignatureScheme
	c.Close()
	if uint16(used) != id || len(chain) == 0 {
		return
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return
	}
	sum := sha256.Sum256(chain[0])
	key := hex.EncodeToString(sum[:])
	t.mu.Lock()
	defer t.mu.Unlock()
	cs := t.hs.schemes[key]
	if cs == nil {
		cs = &CertSchemes{Subject: leaf.Subject.String(), Key: keyDescription(leaf), SHA256: key}
		t.hs.schemes[key] = cs
		t.hs.order = append(t.hs.order, key)
	}
	cs.Schemes = append(cs.Schemes, schemeName(id))
}

// chain12 returns the certificates of the TLS 1.2 probe's first flight,
// which is in the clear.
func (t *targetScan) chain12() [][]byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.first[versionTLS12]
	if a == nil {
		return nil
	}
	for _, msg := range a.messages {
		if msg[0] != wire.TypeCertificate {
			continue
		}
		if m, err := wire.Parse(msg, false); err == nil {
			return m.(*wire.Certificate12).Certificates
		}
	}
	return nil
}
