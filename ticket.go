package padlock

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"
)

// A session ticket is the server's own state, sealed so that only servers
// holding the ticket key can open it (RFC 5077 section 4 describes the
// idea; RFC 8446 leaves the format to the server). padlock's ticket:
//
//	key_name[16] || nonce[12] || AES-256-GCM(sessionState, aad = key_name)

// TicketKey is a secret from which padlock derives the name and the
// AES-256-GCM key of one session ticket key. Servers that share ticket
// keys can resume each other's sessions.
type TicketKey [32]byte

// TicketKeySource supplies the ticket keys in use, so that keys can come
// from a file or a shared store for a fleet of servers.
type TicketKeySource interface {
	// TicketKeys returns the keys in use at now, newest first: the first
	// seals new tickets, all of them open tickets.
	TicketKeys(now time.Time) ([]TicketKey, error)
}

// SetSessionTicketKeys makes the server seal tickets with keys[0] and
// open tickets sealed with any of keys. Call it before c is in use.
func (c *Config) SetSessionTicketKeys(keys []TicketKey) {
	c.TicketKeys = StaticTicketKeys(keys)
}

// StaticTicketKeys is a TicketKeySource of a fixed list of keys.
type StaticTicketKeys []TicketKey

// TicketKeys returns the fixed keys.
func (s StaticTicketKeys) TicketKeys(time.Time) ([]TicketKey, error) {
	if len(s) == 0 {
		return nil, errors.New("padlock: no session ticket keys")
	}
	return s, nil
}

// RotatingTicketKeys makes a new random key every Period and keeps the
// last Keep keys for opening tickets. It is the default TicketKeySource,
// with a period of a day and eight keys, so a ticket stays usable for its
// whole lifetime of a week.
type RotatingTicketKeys struct {
	Period time.Duration
	Keep   int
	Rand   io.Reader // crypto/rand when nil

	mu      sync.Mutex
	keys    []TicketKey // newest first
	created time.Time   // of keys[0]
}

// TicketKeys returns the current keys, rotating first if the newest is
// older than Period.
func (r *RotatingTicketKeys) TicketKeys(now time.Time) ([]TicketKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	period, keep := r.Period, r.Keep
	if period <= 0 {
		period = 24 * time.Hour
	}
	if keep <= 0 {
		keep = 8
	}
	if len(r.keys) == 0 || now.Sub(r.created) >= period || now.Before(r.created) {
		var k TicketKey
		if _, err := io.ReadFull(randOrDefault(r.Rand), k[:]); err != nil {
			return nil, err
		}
		r.keys = append([]TicketKey{k}, r.keys...)
		if len(r.keys) > keep {
			r.keys = r.keys[:keep]
		}
		r.created = now
	}
	return r.keys, nil
}

// autoTicketsMu guards the creation of Config.autoTickets.
var autoTicketsMu sync.Mutex

// ticketKeys returns the TicketKeySource in use: Config.TicketKeys, or
// the Config's own RotatingTicketKeys, made on first use and shared by
// its clones.
func (c *Config) ticketKeys() TicketKeySource {
	if c.TicketKeys != nil {
		return c.TicketKeys
	}
	autoTicketsMu.Lock()
	defer autoTicketsMu.Unlock()
	if c.autoTickets == nil {
		c.autoTickets = &RotatingTicketKeys{Rand: c.Rand}
	}
	return c.autoTickets
}

// ticketCipher is one TicketKey expanded into its name and AEAD.
type ticketCipher struct {
	name [16]byte
	aead cipher.AEAD
}

// newTicketCipher expands k for one use, "ticket" or "cookie": each use
// has its own HKDF labels, so a ticket key never seals a cookie and a
// cookie can never be passed off as a ticket.
func newTicketCipher(k TicketKey, use string) (*ticketCipher, error) {
	name, err := hkdf.Expand(sha256.New, k[:], "padlock "+use+" key name", 16)
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Expand(sha256.New, k[:], "padlock "+use+" aes-256-gcm key", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	tc := &ticketCipher{aead: aead}
	copy(tc.name[:], name)
	return tc, nil
}

// maxTicketCiphers bounds the expanded ticket keys a Config keeps: three
// times the keys a RotatingTicketKeys keeps with room to spare, as each
// key may be expanded for tickets, cookies and stored session IDs.
const maxTicketCiphers = 32

// ticketCiphers keeps the ticketCiphers of the keys in use, so that a
// ticket is sealed or opened without deriving its key's name and AEAD
// again: two HKDF expansions and an AES-GCM key setup, some twenty
// allocations per ticket. The cache belongs to a Config and its clones.
type ticketCiphers struct {
	mu sync.Mutex
	m  map[cipherUse]*ticketCipher
}

// cipherUse names one expansion of a TicketKey: the key and its use.
type cipherUse struct {
	key TicketKey
	use string
}

// ticketCipherCacheMu guards the creation of Config.ticketCiphers.
var ticketCipherCacheMu sync.Mutex

// ticketCipherCache returns the Config's cache of ticketCiphers, made on
// first use and shared with its clones.
func (c *Config) ticketCipherCache() *ticketCiphers {
	ticketCipherCacheMu.Lock()
	defer ticketCipherCacheMu.Unlock()
	if c.ticketCiphers == nil {
		c.ticketCiphers = &ticketCiphers{m: map[cipherUse]*ticketCipher{}}
	}
	return c.ticketCiphers
}

// ticketCipher returns the expanded form of k for tickets, from the
// Config's cache.
func (c *Config) ticketCipher(k TicketKey) (*ticketCipher, error) {
	return c.keyCipher(k, "ticket")
}

// keyCipher returns the expanded form of k for use, from the Config's
// cache.
func (c *Config) keyCipher(k TicketKey, use string) (*ticketCipher, error) {
	cache := c.ticketCipherCache()
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if tc := cache.m[cipherUse{k, use}]; tc != nil {
		return tc, nil
	}
	tc, err := newTicketCipher(k, use)
	if err != nil {
		return nil, err
	}
	if len(cache.m) >= maxTicketCiphers {
		clear(cache.m) // keys retired long ago go; the current ones come back
	}
	cache.m[cipherUse{k, use}] = tc
	return tc, nil
}

// sealTicket encrypts a session state under the newest ticket key.
func (c *Config) sealTicket(state []byte) ([]byte, error) {
	return c.seal(state, "ticket")
}

// openTicket decrypts a ticket with whichever key's name it carries; nil
// when none does or it does not authenticate. A ticket that cannot be
// opened is not an error: the handshake goes on without resumption.
func (c *Config) openTicket(ticket []byte) []byte {
	return c.open(ticket, "ticket")
}

// seal encrypts plain under the newest ticket key's expansion for use
// ("ticket" or "cookie"): key_name[16] || nonce[12] || AES-256-GCM, the
// key name authenticated as additional data.
func (c *Config) seal(plain []byte, use string) ([]byte, error) {
	keys, err := c.ticketKeys().TicketKeys(c.now())
	if err != nil {
		return nil, err
	}
	tc, err := c.keyCipher(keys[0], use)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 16+12, 16+12+len(plain)+tc.aead.Overhead())
	copy(out, tc.name[:])
	if _, err := io.ReadFull(c.rand(), out[16:28]); err != nil {
		return nil, err
	}
	return tc.aead.Seal(out, out[16:28], plain, out[:16]), nil
}

// open decrypts what seal made for use with whichever key in use its
// name designates; nil when none does or it does not authenticate.
func (c *Config) open(sealed []byte, use string) []byte {
	if len(sealed) < 16+12+16 {
		return nil
	}
	keys, err := c.ticketKeys().TicketKeys(c.now())
	if err != nil {
		return nil
	}
	for _, k := range keys {
		tc, err := c.keyCipher(k, use)
		if err != nil || string(tc.name[:]) != string(sealed[:16]) {
			continue
		}
		plain, err := tc.aead.Open(nil, sealed[16:28], sealed[28:], sealed[:16])
		if err != nil {
			return nil
		}
		return plain
	}
	return nil
}

func randOrDefault(r io.Reader) io.Reader {
	if r != nil {
		return r
	}
	return (&Config{}).rand()
}

// ticketLifetime is how long a ticket may be used: the longest RFC 8446
// section 4.6.1 allows.
const ticketLifetime = 7 * 24 * time.Hour

// sessionState is what a ticket carries: enough for the server to resume
// the session without keeping anything itself.
type sessionState struct {
	version uint16
	suite   uint16
	// group is, in TLS 1.2, the ECDHE group of the full handshake, which
	// a resumption reports as its own (0 for RSA key transport). TLS 1.3
	// resumptions make a key exchange of their own.
	group   uint16
	created uint64 // Unix seconds: when this ticket was issued
	// authenticated is when the full handshake that authenticated the
	// session ran, in Unix seconds. Resumptions issue new tickets but
	// never move it: the session's life is measured from it.
	authenticated uint64
	ageAdd        uint32 // TLS 1.3 obfuscated_ticket_age offset
	secret        []byte // TLS 1.3: the resumption PSK; TLS 1.2: the master secret
	ems           bool   // TLS 1.2: the master secret is an extended one
	alpn          string
	serverName    string
	// clientAuth is the server's ClientAuth when the session was made:
	// what was asked of the client and how certs was checked.
	clientAuth ClientAuthType
	certs      [][]byte // the client's certificate chain, if it sent one
	// peerScheme is the scheme of the client's CertificateVerify in the
	// full handshake, 0 without one: ConnectionState.PeerSignatureScheme
	// of every resumption.
	peerScheme uint16
	// maxEarlyData is the max_early_data_size the ticket was issued with
	// (RFC 8446 section 4.6.1), 0 when it allows no early data.
	maxEarlyData uint32
}

// age is how long ago the session was authenticated, at now.
func (s *sessionState) age(now time.Time) time.Duration {
	return now.Sub(time.Unix(int64(s.authenticated), 0))
}

// expired reports whether the session is past the ticket lifetime at
// now, or dated in the future beyond the allowed skew.
func (s *sessionState) expired(now time.Time) bool {
	age := s.age(now)
	return age >= ticketLifetime || age < -ticketAgeSkew
}

func (s *sessionState) marshal() []byte {
	var b cryptobyte.Builder
	b.AddUint16(s.version)
	b.AddUint16(s.suite)
	b.AddUint16(s.group)
	b.AddUint64(s.created)
	b.AddUint64(s.authenticated)
	b.AddUint32(s.ageAdd)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.secret) })
	b.AddUint8(boolByte(s.ems))
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.alpn)) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.serverName)) })
	b.AddUint8(uint8(s.clientAuth))
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, c := range s.certs {
			b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c) })
		}
	})
	b.AddUint16(s.peerScheme)
	b.AddUint32(s.maxEarlyData)
	return b.BytesOrPanic()
}

// parseSessionState decodes a session state; it is authenticated by the
// ticket's AEAD, but decoded as strictly as any network input.
func parseSessionState(data []byte) (*sessionState, error) {
	s := &sessionState{}
	in := cryptobyte.String(data)
	var secret, alpn, name, certs cryptobyte.String
	var ems, clientAuth uint8
	if !in.ReadUint16(&s.version) || !in.ReadUint16(&s.suite) || !in.ReadUint16(&s.group) || !in.ReadUint64(&s.created) ||
		!in.ReadUint64(&s.authenticated) || !in.ReadUint32(&s.ageAdd) ||
		!in.ReadUint8LengthPrefixed(&secret) || !in.ReadUint8(&ems) ||
		!in.ReadUint8LengthPrefixed(&alpn) || !in.ReadUint8LengthPrefixed(&name) || !in.ReadUint8(&clientAuth) ||
		!in.ReadUint24LengthPrefixed(&certs) || !in.ReadUint16(&s.peerScheme) || !in.ReadUint32(&s.maxEarlyData) || !in.Empty() || ems > 1 || len(secret) == 0 ||
		ClientAuthType(clientAuth) > RequireAndVerifyClientCert {
		return nil, errors.New("padlock: malformed session state")
	}
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadUint24LengthPrefixed(&c) || len(c) == 0 {
			return nil, errors.New("padlock: malformed session state")
		}
		s.certs = append(s.certs, c)
	}
	s.secret, s.ems, s.alpn, s.serverName = secret, ems == 1, string(alpn), string(name)
	s.clientAuth = ClientAuthType(clientAuth)
	return s, nil
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
