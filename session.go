package padlock

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/suites"
	"padlock/trace"
)

// ClientSessionState is a session a client may resume: the server's
// ticket and what the client needs to use it. Its fields are padlock's
// own; a cache only stores and returns it, in memory, or beyond the
// process with Bytes and ParseClientSessionState.
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
	// maxEarlyData is the ticket's max_early_data_size (RFC 8446
	// section 4.6.1): 0 when the server accepts no early data with it.
	maxEarlyData uint32
}

// ClientSessionCache keeps sessions for resumption, keyed by server
// name (Config.ServerName, or the server's address without one);
// sessions from connections that did not verify the server (with
// InsecureSkipVerify) have keys of their own, the name followed by
// " (unverified)". Implementations must be safe for concurrent use. A
// cache that outlives the process stores ClientSessionState.Bytes and
// restores with ParseClientSessionState.
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

// MaxEarlyData returns the most 0-RTT data, in bytes, the server lets a
// client send when it resumes s: the ticket's max_early_data_size (RFC
// 8446 section 4.6.1), 0 when the ticket allows none or s is a TLS 1.2
// session. Conn.WriteEarly data beyond it is not sent early, so an
// application sizes its early request by it.
func (s *ClientSessionState) MaxEarlyData() uint32 { return s.maxEarlyData }

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

// A saved client session (ClientSessionState.Bytes) is padlock's own
// format, versioned so that a blob from another format fails to parse:
//
//	"PLCS" || format(1) || version(2) || suite(2) || group(2) ||
//	ticket<0..2^16-1> || session_id<0..32> || secret<1..2^8-1> ||
//	age_add(4) || received(8, Unix ms) || lifetime(4, seconds) ||
//	ems(1) || verified(1) || peer_scheme(2) || alpn<0..2^8-1> ||
//	ocsp<0..2^24-1> || certificates<0..2^24-1> of cert<1..2^24-1> ||
//	SHA-256 of all that
//
// The checksum is no protection from an attacker, who can write a
// checksum as well as a session; it catches a blob damaged in storage,
// which would otherwise be offered with a wrong secret and end the
// handshake (a TLS 1.3 server MUST abort on a bad binder, RFC 8446
// section 4.2.11) instead of falling back to a full one.
const (
	clientSessionMagic  = "PLCS"
	clientSessionFormat = 2
	// maxSessionCertificates bounds the server chain a saved session
	// may carry, well above any real chain.
	maxSessionCertificates = 16
)

var errBadClientSession = errors.New("padlock: malformed saved client session")

// Bytes encodes the session so that a later process can resume it: it
// carries the ticket or session ID, the session's secret, its ages and
// lifetime, and the server's certificates. The secret lets anyone who
// holds the bytes decrypt the connections that resume the session, and
// resume it themselves: keep them as private as a key log.
//
// A session restored with ParseClientSessionState is checked like any
// other before it is offered: its lifetime, and the stored server chain
// against the current Config (RootCAs, ServerName, the clock,
// VerifyPeerCertificate), whatever the saved bytes say.
func (s *ClientSessionState) Bytes() ([]byte, error) {
	if s == nil || s.version == 0 {
		return nil, errors.New("padlock: no session to encode")
	}
	var b cryptobyte.Builder
	b.AddBytes([]byte(clientSessionMagic))
	b.AddUint8(clientSessionFormat)
	b.AddUint16(s.version)
	b.AddUint16(s.suite)
	b.AddUint16(s.group)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.ticket) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.sessionID) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.secret) })
	b.AddUint32(s.ageAdd)
	b.AddUint64(uint64(s.received.UnixMilli()))
	b.AddUint32(uint32(s.lifetime / time.Second))
	b.AddUint8(boolByte(s.ems))
	b.AddUint8(boolByte(s.verified))
	b.AddUint16(uint16(s.peerScheme))
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.alpn)) })
	b.AddUint32(s.maxEarlyData)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.ocsp) })
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, c := range s.peerCertificates {
			b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c.Raw) })
		}
	})
	body, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return append(body, sum[:]...), nil
}

// ParseClientSessionState decodes a session saved by
// ClientSessionState.Bytes, for a ClientSessionCache to return. Bytes
// that are not exactly such a session, of a version and cipher suite
// padlock knows and with a key of the suite's size, are an error: the
// client then has no session and makes a full handshake. The session's
// claim that its server was verified earns nothing: a Config that
// verifies verifies the stored chain again before offering it.
func ParseClientSessionState(data []byte) (*ClientSessionState, error) {
	if len(data) < sha256.Size {
		return nil, errBadClientSession
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(sum, want[:]) {
		return nil, errBadClientSession
	}
	// The session keeps slices of its bytes: its own copy, so the
	// caller may reuse the buffer.
	in := cryptobyte.String(bytes.Clone(body))
	var magic []byte
	var format, ems, verified uint8
	var received uint64
	var lifetime uint32
	var scheme uint16
	var ticket, sessionID, secret, alpn, ocsp, certs cryptobyte.String
	s := &ClientSessionState{}
	if !in.ReadBytes(&magic, len(clientSessionMagic)) || string(magic) != clientSessionMagic ||
		!in.ReadUint8(&format) || format != clientSessionFormat ||
		!in.ReadUint16(&s.version) || !in.ReadUint16(&s.suite) || !in.ReadUint16(&s.group) ||
		!in.ReadUint16LengthPrefixed(&ticket) || !in.ReadUint8LengthPrefixed(&sessionID) ||
		!in.ReadUint8LengthPrefixed(&secret) || !in.ReadUint32(&s.ageAdd) ||
		!in.ReadUint64(&received) || !in.ReadUint32(&lifetime) ||
		!in.ReadUint8(&ems) || !in.ReadUint8(&verified) || !in.ReadUint16(&scheme) ||
		!in.ReadUint8LengthPrefixed(&alpn) || !in.ReadUint32(&s.maxEarlyData) || !in.ReadUint24LengthPrefixed(&ocsp) ||
		!in.ReadUint24LengthPrefixed(&certs) || !in.Empty() ||
		ems > 1 || verified > 1 || received > 1<<62 {
		return nil, errBadClientSession
	}
	suite := suites.SuiteByID(s.suite)
	if suite == nil {
		return nil, errBadClientSession
	}
	switch s.version {
	case VersionTLS13:
		// A TLS 1.3 session is a ticket and its PSK, of the suite's
		// hash length (RFC 8446 section 4.6.1); no ID, EMS or group.
		if !suite.TLS13 || len(ticket) == 0 || len(sessionID) != 0 || len(secret) != suite.Hash.Size() ||
			ems != 0 || s.group != 0 {
			return nil, errBadClientSession
		}
	case VersionTLS12:
		// A TLS 1.2 session is a ticket or a session ID of at most 32
		// bytes (RFC 5246 section 7.4.1.2), with a 48-byte master secret.
		if suite.TLS13 || (len(ticket) == 0) == (len(sessionID) == 0) || len(sessionID) > 32 ||
			len(secret) != 48 || s.ageAdd != 0 {
			return nil, errBadClientSession
		}
	default:
		return nil, errBadClientSession
	}
	if lifetime == 0 || time.Duration(lifetime)*time.Second > ticketLifetime {
		return nil, errBadClientSession
	}
	for !certs.Empty() {
		var der cryptobyte.String
		if len(s.peerCertificates) == maxSessionCertificates || !certs.ReadUint24LengthPrefixed(&der) || len(der) == 0 {
			return nil, errBadClientSession
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, errBadClientSession
		}
		s.peerCertificates = append(s.peerCertificates, cert)
	}
	// A verified session names the chain that was verified.
	if verified == 1 && len(s.peerCertificates) == 0 {
		return nil, errBadClientSession
	}
	if len(ticket) > 0 {
		s.ticket = []byte(ticket)
	}
	if len(sessionID) > 0 {
		s.sessionID = []byte(sessionID)
	}
	if len(ocsp) > 0 {
		s.ocsp = []byte(ocsp)
	}
	s.secret = []byte(secret)
	s.received = time.UnixMilli(int64(received))
	s.lifetime = time.Duration(lifetime) * time.Second
	s.ems, s.verified = ems == 1, verified == 1
	s.peerScheme = SignatureScheme(scheme)
	s.alpn = string(alpn)
	return s, nil
}
