package padlock

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/trace"
)

// ClientAuthType says whether a server asks for a client certificate and
// how it treats the answer. The levels are those of crypto/tls.
type ClientAuthType int

// The client authentication levels.
const (
	NoClientCert               ClientAuthType = iota // do not ask
	RequestClientCert                                // ask; accept none; do not verify
	RequireAnyClientCert                             // ask; require one; do not verify
	VerifyClientCertIfGiven                          // ask; accept none; verify one that is sent
	RequireAndVerifyClientCert                       // ask; require one; verify it
)

// String returns the level's Go name, such as "RequireAndVerifyClientCert".
func (a ClientAuthType) String() string {
	switch a {
	case NoClientCert:
		return "NoClientCert"
	case RequestClientCert:
		return "RequestClientCert"
	case RequireAnyClientCert:
		return "RequireAnyClientCert"
	case VerifyClientCertIfGiven:
		return "VerifyClientCertIfGiven"
	case RequireAndVerifyClientCert:
		return "RequireAndVerifyClientCert"
	}
	return "ClientAuthType(" + strconv.Itoa(int(a)) + ")"
}

// Default limits, each overridable in Config.
const (
	// DefaultMaxHandshakeMessage bounds a single handshake message other
	// than a ClientHello (see maxClientHello) and a Certificate (see
	// Limits.MaxCertificateBytes).
	DefaultMaxHandshakeMessage = 64 << 10
	// DefaultHandshakeTimeout bounds a server-side handshake.
	DefaultHandshakeTimeout = 30 * time.Second
)

// Config says what a client or server offers, what it trusts and how it
// reports what it does. A Config may be shared by many connections and
// must not be changed once in use.
type Config struct {
	// Rand is the source of randomness; crypto/rand.Reader when nil.
	// A deterministic Rand reproduces a handshake byte for byte.
	Rand io.Reader
	// Time returns the current time, for certificate validity; time.Now
	// when nil.
	Time func() time.Time

	// Certificates are the chains this party can present. A server picks
	// the first whose key can sign with a scheme the client accepts.
	Certificates []Certificate
	// GetCertificate, when set, chooses the server's certificate from the
	// client's hello; it overrides Certificates unless it returns nil.
	GetCertificate func(*ClientHelloInfo) (*Certificate, error)
	// GetConfigForClient, when set, is called on a server once the
	// ClientHello is read and chooses the Config for the rest of the
	// handshake; nil keeps this one. An error, or a Config with neither
	// certificates nor GetCertificate, ends the handshake with
	// internal_error.
	GetConfigForClient func(*ClientHelloInfo) (*Config, error)
	// GetClientCertificate, when set, chooses the client's certificate
	// when the server asks for one; it overrides Certificates.
	GetClientCertificate func(*CertificateRequestInfo) (*Certificate, error)

	// RootCAs are the CAs a client trusts; the system pool when nil.
	RootCAs *x509.CertPool
	// ServerName is the name a client sends (SNI) and verifies in the
	// server's certificate.
	ServerName string
	// InsecureSkipVerify makes a client accept any server certificate.
	// It defeats TLS's protection against an active attacker.
	InsecureSkipVerify bool
	// VerifyPeerCertificate, when set, is called once padlock's own checks
	// of a peer's certificate chain have passed, with the chain as sent
	// (DER, leaf first) and its verified chains (nil when padlock did not
	// verify it: InsecureSkipVerify, or a ClientAuth that does not
	// verify). An error ends the handshake with bad_certificate, as in
	// crypto/tls, and is wrapped in the handshake's error. It is called
	// again for the chain a session stored before the session is resumed
	// or offered, as a full handshake would call it; an error then means
	// a full handshake instead.
	VerifyPeerCertificate func(rawCerts [][]byte, verifiedChains [][]*x509.Certificate) error
	// VerifyConnection, when set, is called on either side once the
	// handshake's own checks of the peer (and VerifyPeerCertificate) have
	// passed, before the handshake completes, in full handshakes and
	// resumptions alike. It sees the connection's state: version, suite,
	// ALPN, server name, the peer's chain and its verified chains (a
	// resumption's are those of its session, checked again). An error
	// ends the handshake with bad_certificate and is wrapped in the
	// handshake's error. It suits checks a chain alone cannot decide,
	// and pinning that must hold on resumptions too.
	VerifyConnection func(ConnectionState) error
	// ClientAuth is the server's policy for client certificates.
	ClientAuth ClientAuthType
	// ClientCAs are the CAs a server trusts for client certificates.
	ClientCAs *x509.CertPool

	// NextProtos are the ALPN protocols offered (client) or accepted
	// (server), in preference order.
	NextProtos []string

	// MinVersion and MaxVersion bound the versions used; the defaults are
	// TLS 1.2 and TLS 1.3, and nothing older is ever spoken.
	MinVersion uint16
	MaxVersion uint16
	// CipherSuites lists the suites enabled, of both versions, in
	// preference order; nil selects the defaults (no RSA key transport).
	CipherSuites []uint16
	// EnableRSAKeyExchange adds the TLS 1.2 RSA key transport suites to
	// the defaults. Naming them in CipherSuites enables them too.
	EnableRSAKeyExchange bool
	// CurvePreferences lists the key exchange groups in preference order;
	// nil selects X25519MLKEM768, x25519, secp256r1, secp384r1,
	// secp521r1 (a TLS 1.3 client sends key shares for the first two
	// only).
	CurvePreferences []CurveID
	// SignatureSchemes lists, in preference order, the signature schemes
	// accepted in the peer's handshake signatures (the
	// signature_algorithms a client offers and a server asks for) and
	// those this party's certificates sign with, unless a Certificate
	// has SignatureSchemes of its own; nil selects the defaults.
	SignatureSchemes []SignatureScheme
	// DisableExtendedMasterSecret turns off the TLS 1.2 extended master
	// secret (RFC 7627): a client does not offer it, a server does not
	// answer it, and the master secret covers only the randoms, which
	// leaves the session open to the triple handshake attack. By default
	// a client always offers it (RFC 7627 section 5.1) and a server uses
	// it whenever offered. Set it only to talk to a legacy peer that
	// breaks on the extension. It does not decide whether a peer without
	// the extension is accepted: see RequireExtendedMasterSecret.
	DisableExtendedMasterSecret bool
	// RequireExtendedMasterSecret refuses a TLS 1.2 peer that does not
	// use the extended master secret (RFC 7627): a client without it in
	// its ClientHello, or a server without it in its ServerHello, gets a
	// handshake_failure alert (RFC 7627 section 5.2). By default such a
	// peer is accepted, as by most TLS stacks, with three limits on the
	// session: it is never resumed (section 5.3), no keying material is
	// exported from it (section 5.4), and the trace warns of it. TLS 1.3
	// is not affected: its key schedule always covers the handshake.
	RequireExtendedMasterSecret bool
	// PreferClientCipherSuites makes a server follow the client's order
	// of suites and groups instead of its own.
	PreferClientCipherSuites bool

	// KeyLogWriter, when set, receives the connection's secrets in the
	// NSS key log format, for tools like Wireshark. Anyone who reads it
	// can decrypt the connection.
	KeyLogWriter io.Writer
	// RevealSecrets, when set, receives every secret, key and IV of the
	// connection's key schedule as it is derived, with the inputs that
	// produced it: the TLS 1.3 schedule step by step, the TLS 1.2
	// premaster secret, master secret and key block. It is for teaching
	// and debugging tools that own both ends of a connection, such as
	// padlock demo --reveal; anyone who sees its values can decrypt the
	// connection, as with KeyLogWriter. nil, the default, costs nothing,
	// and secrets never appear in Trace's events either way.
	RevealSecrets func(trace.Secret)
	// Trace, when set, receives every step of every handshake.
	Trace trace.Tracer
	// TraceRecords also gives Trace one event of kind trace.KindRecord
	// for each record sent or received: its header, its encrypted bytes,
	// the nonce it was sealed with, and its decrypted content, type and
	// padding; never a key. Record events after the handshake come from
	// the goroutines that call Read and Write. It costs copies of every
	// record, and nothing when off.
	TraceRecords bool
	// TraceAfterFlight hands Trace the events of each flight only once
	// the flight is on the wire, and the events of a handshake's last
	// steps when it ends, rather than as they happen: describing every
	// message for the trace then no longer delays the peer. Events keep
	// their order and their times. A tracer that shows both sides of a
	// connection live, and so relies on one side's events coming before
	// the other side's answer, should leave it off.
	TraceAfterFlight bool
	// TraceDetailOnDemand, with TraceAfterFlight, leaves the Fields and
	// Layout of message events to be computed from their bytes when
	// Event.Complete is first called (trace's renderers, its Recorder's
	// Events and MarshalJSON call it), rather than for every message:
	// most of what tracing costs. For a server that records every
	// handshake and shows few of them; a Tracer that reads Fields
	// itself calls Complete first.
	TraceDetailOnDemand bool

	// SessionTicketsDisabled stops a server from issuing tickets and a
	// client from offering them.
	SessionTicketsDisabled bool
	// TicketKeys supplies the keys that seal a server's session tickets;
	// when nil each Config rotates its own (see RotatingTicketKeys).
	TicketKeys TicketKeySource
	// StatelessRetry makes a TLS 1.3 server that asks for another key
	// share put what it needs to go on into the HelloRetryRequest's
	// cookie (RFC 8446 section 4.2.2): the hash of the first ClientHello,
	// the suite and group chosen, a digest of the fields the second
	// ClientHello must repeat, and the time, sealed under a key derived
	// from TicketKeys (so servers sharing ticket keys accept each other's
	// cookies). The second ClientHello is then checked and continued from
	// its cookie alone, and must come within a minute; one without a
	// valid cookie is refused with illegal_parameter, and so is a first
	// ClientHello offering more than 32 PSK identities, more than a cookie
	// records. Off, the server keeps the first ClientHello in memory and
	// sends no cookie.
	StatelessRetry bool
	// WrapSession, when set, makes the ticket a server issues for a
	// session (a TLS 1.3 PSK identity, a TLS 1.2 session ticket) in place
	// of padlock's sealing under TicketKeys: it may seal the session's
	// Bytes (EncryptTicket is padlock's own sealing), or store them and
	// return a handle to them. The ticket goes to the client in the
	// clear, so it must not reveal the Bytes, which hold the session's
	// secret. On an error a TLS 1.2 server sends an empty ticket and a
	// TLS 1.3 server ends the connection with internal_error, as when
	// padlock's own sealing fails. The TLS 1.2 session ID cache (see
	// ServerSessionCacheSize and ServerSessionStore) does not use it.
	WrapSession func(ConnectionState, *SessionState) ([]byte, error)
	// UnwrapSession, when set, turns a ticket a client offers back into
	// its session, in place of padlock's opening: with ParseSessionState
	// of the Bytes WrapSession kept, or DecryptTicket. (nil, nil) means
	// the ticket is unknown and the handshake is a full one; an error
	// ends the handshake with internal_error. The ConnectionState is the
	// handshake's so far (ServerName is set). A session it returns is
	// checked as an opened ticket is (version, cipher suite, lifetime,
	// server name, and the client's certificate against the current
	// ClientAuth and ClientCAs) and may still not be resumed.
	UnwrapSession func(identity []byte, cs ConnectionState) (*SessionState, error)
	// ClientSessionCache, when set, keeps a client's sessions so later
	// connections to the same server can resume them.
	ClientSessionCache ClientSessionCache
	// PSKWithoutKeyExchange allows TLS 1.3 resumption in psk_ke mode
	// (RFC 8446 section 4.2.9): the ticket's key alone keys the
	// connection, with no new (EC)DHE exchange, so the resumed connection
	// has no forward secrecy of its own. A client offers it beside
	// psk_dhe_ke; a server that allows it uses it when offered.
	PSKWithoutKeyExchange bool
	// ServerSessionCacheSize bounds the TLS 1.2 sessions a server keeps
	// for resumption by session ID, for clients that do not use tickets
	// (RFC 5246 section 7.4.1.2): 0 means 1024, a negative value turns
	// the cache off. A ServerSessionStore takes the cache's place.
	ServerSessionCacheSize int
	// ServerSessionStore, when set, keeps a server's TLS 1.2 sessions by
	// session ID in place of its in-memory cache, for instance in a store
	// a fleet of servers shares: each session sealed under TicketKeys, as
	// a ticket is, with the rest of its lifetime as its time to live.
	ServerSessionStore ServerSessionStore
	// MaxEarlyData turns on a server's acceptance of TLS 1.3 0-RTT data
	// (RFC 8446 section 2.3): its tickets then allow a client to send up
	// to this many bytes of application data with its ClientHello. 0,
	// the default, accepts none. Early data can be replayed by an
	// attacker (section 8): see ConnectionState.EarlyDataAccepted for how
	// a server tells it apart, and EarlyDataReplay for the single-use
	// check.
	MaxEarlyData uint32
	// EarlyDataReplay records the tickets whose early data a server
	// accepted, so that each ticket carries early data once (RFC 8446
	// section 8.1). nil uses a bounded in-memory store, one per Config
	// and its clones; servers that share tickets must share a
	// ReplayFilter too, or a ticket's early data is accepted once by each.
	EarlyDataReplay ReplayFilter
	// SendEarlyData lets a client send the data given to Conn.WriteEarly
	// as 0-RTT data when it resumes a TLS 1.3 session whose ticket allows
	// early data (RFC 8446 section 4.2.10).
	SendEarlyData bool

	// MaxHandshakeMessage bounds one handshake message (default 64 KiB).
	// A server accepts a ClientHello as large as its structure allows,
	// 131,396 bytes, whatever this says, as OpenSSL does: post-quantum
	// key shares and padding make hellos large, and a client cannot know
	// a server's limit. A message over the limit is illegal_parameter.
	MaxHandshakeMessage int
	// Limits bounds what a peer can make a connection hold or do without
	// making progress; zero fields take the defaults of DefaultLimits.
	Limits Limits
	// HandshakeTimeout bounds a server's handshake when the caller set no
	// deadline (default 30s; negative disables).
	HandshakeTimeout time.Duration
	// RecordSizeLimit is the record_size_limit padlock announces (RFC
	// 8449): the most plaintext a protected record sent to it may carry,
	// counted as TLS 1.3 counts it (content type and padding included),
	// from 64 to 16385 (GnuTLS refuses below 512); a larger record gets
	// record_overflow. Zero
	// announces no limit of padlock's own: a client then offers no
	// record_size_limit, and a server answers a client's with the
	// protocol's maximum. Whenever both sides sent the extension, padlock
	// keeps its records within the peer's limit.
	RecordSizeLimit uint16

	// CertificateCompression lists the algorithms of TLS 1.3
	// certificate compression (RFC 8879), in order of preference: a
	// client offers them in its ClientHello and a server in its
	// CertificateRequest, and either side compresses its own Certificate
	// with the first of them the peer offered. Nil, the default, offers
	// and uses none: compression is opt-in, so the ClientHello padlock
	// sends (and its fingerprint) stays as it was, and no peer can make
	// a connection run a decompressor it did not ask for. ZlibCompressor
	// is built in; package padlock/certcompress has brotli and zstd.
	CertificateCompression []CertificateCompressor

	// EncryptedClientHelloConfigList is, on a client, the server's
	// ECHConfigList (draft-ietf-tls-esni section 4), as a DNS HTTPS
	// record or an earlier ECHRejectionError carries it. With it the
	// client encrypts its real ClientHello to the first config it
	// supports and sends an outer one that names only the config's
	// public_name; it then speaks TLS 1.3 only. If the server cannot
	// decrypt it, the handshake completes for public_name alone and
	// fails with an *ECHRejectionError: no application data is sent.
	EncryptedClientHelloConfigList []byte

	// EncryptedClientHelloKeys are, on a server, the ECH keys it
	// decrypts a client's ClientHelloInner with, tried in order (see
	// NewECHKey). With any set, a ClientHello it cannot decrypt gets the
	// configs marked SendAsRetry as retry_configs.
	EncryptedClientHelloKeys []EncryptedClientHelloKey

	// DisableECHGREASE stops a TLS 1.3 client without
	// EncryptedClientHelloConfigList from sending a GREASE
	// encrypted_client_hello extension (draft-ietf-tls-esni section
	// 6.2): random bytes shaped like ECH, so that connections that use
	// ECH do not stand out. Browsers send it.
	DisableECHGREASE bool

	autoTickets    *RotatingTicketKeys // see ticketKeys
	chains         *chainCache         // see chainCache
	ticketCiphers  *ticketCiphers      // see ticketCipher
	keys           *keyPool            // see keyPool
	serverSessions *serverSessionCache // see sessionCache12
	compressed     *compressedCache    // see compressedCache
	replay         *replayStore        // see replayFilter
}

// ClientHelloInfo is what a server's GetConfigForClient and
// GetCertificate see of a ClientHello.
type ClientHelloInfo struct {
	ServerName        string
	CipherSuites      []uint16
	SupportedCurves   []CurveID
	SignatureSchemes  []SignatureScheme
	SupportedProtos   []string
	SupportedVersions []uint16
	// Raw is the ClientHello message exactly as received.
	Raw []byte
	// Conn is the connection the hello came on. Reading from or writing
	// to it would break the handshake.
	Conn net.Conn

	ctx    context.Context // see Context
	config *Config         // the Config that received the hello, for SupportsCertificate
}

// CertificateRequestInfo is what a client's GetClientCertificate sees of a
// server's request for a certificate.
type CertificateRequestInfo struct {
	// AcceptableCAs are the DER-encoded names of the CAs the server
	// trusts; empty when it did not say.
	AcceptableCAs [][]byte
	// SignatureSchemes are the schemes the server accepts.
	SignatureSchemes []SignatureScheme
	// Version is the version negotiated.
	Version uint16

	ctx    context.Context // see Context
	config *Config         // for SupportsCertificate
}

// Context returns the context of the handshake that asks: the one
// passed to Conn.HandshakeContext, or context.Background.
func (cri *CertificateRequestInfo) Context() context.Context {
	if cri.ctx == nil {
		return context.Background()
	}
	return cri.ctx
}

// Clone returns a shallow copy of c. The copy shares c's automatic
// session ticket keys and its TLS 1.2 session cache.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	c.ticketKeys() // so that the clone resumes the original's sessions
	c.sessionCache12()
	c.chainCache()
	c.ticketCipherCache()
	c.keyPool()
	c.compressedCache()
	c.replayFilter()
	n := *c
	return &n
}

func (c *Config) rand() io.Reader {
	if c.Rand != nil {
		return c.Rand
	}
	return rand.Reader
}

func (c *Config) now() time.Time {
	if c.Time != nil {
		return c.Time()
	}
	return time.Now()
}

func (c *Config) minVersion() uint16 {
	if c.MinVersion > VersionTLS12 {
		return c.MinVersion
	}
	return VersionTLS12
}

func (c *Config) maxVersion() uint16 {
	if c.MaxVersion != 0 && c.MaxVersion < VersionTLS13 {
		return c.MaxVersion
	}
	return VersionTLS13
}

// supportsVersion reports whether v is enabled.
func (c *Config) supportsVersion(v uint16) bool {
	return v >= c.minVersion() && v <= c.maxVersion() && v >= VersionTLS12
}

// suites13 returns the enabled TLS 1.3 suites in preference order.
func (c *Config) suites13() []uint16 {
	if c.CipherSuites == nil {
		return suites.Default13
	}
	return slices.DeleteFunc(slices.Clone(c.CipherSuites), func(id uint16) bool {
		s := suites.SuiteByID(id)
		return s == nil || !s.TLS13
	})
}

// suites12 returns the enabled TLS 1.2 suites in preference order.
func (c *Config) suites12() []uint16 {
	if c.CipherSuites == nil {
		if c.EnableRSAKeyExchange {
			return slices.Concat(suites.Default12, suites.RSAKeyTransport12)
		}
		return suites.Default12
	}
	return slices.DeleteFunc(slices.Clone(c.CipherSuites), func(id uint16) bool {
		s := suites.SuiteByID(id)
		return s == nil || s.TLS13
	})
}

// serverGroups are the groups a server accepts by default, in its order
// of preference: the post-quantum hybrids before the classical groups,
// and secp521r1 last, for a client that offers nothing else (as the
// servers of crypto/tls and OpenSSL accept it).
var serverGroups = []uint16{
	uint16(X25519MLKEM768), uint16(X25519), uint16(SecP256r1MLKEM768),
	uint16(CurveP256), uint16(SecP384r1MLKEM1024), uint16(CurveP384),
	uint16(CurveP521),
}

// groups returns the enabled key exchange groups in preference order. A
// client offers fewer by default than a server accepts: every group
// offered lengthens the ClientHello.
func (c *Config) groups(server bool) []uint16 {
	if c.CurvePreferences == nil {
		if server {
			return serverGroups
		}
		return suites.DefaultGroups
	}
	var ids []uint16
	for _, g := range c.CurvePreferences {
		if suites.GroupByID(uint16(g)) != nil {
			ids = append(ids, uint16(g))
		}
	}
	return ids
}

// maxRecordSizeLimit is the largest record_size_limit of each version
// (RFC 8449 section 4): TLS 1.3 counts the content type byte.
func maxRecordSizeLimit(version uint16) uint16 {
	if version == VersionTLS13 {
		return record.MaxPlaintext + 1
	}
	return record.MaxPlaintext
}

// recordSizeLimit returns the record_size_limit to announce in version,
// the protocol's maximum when none is configured.
func (c *Config) recordSizeLimit(version uint16) (uint16, error) {
	n := c.RecordSizeLimit
	if n != 0 && (n < 64 || n > record.MaxPlaintext+1) {
		return 0, alertf(alert.InternalError, "Config.RecordSizeLimit %d is outside 64..16385 (RFC 8449 section 4)", n)
	}
	if n == 0 {
		n = maxRecordSizeLimit(VersionTLS13)
	}
	if version == VersionTLS12 {
		n = min(n, maxRecordSizeLimit(version))
	}
	return n, nil
}

// schemes returns the signature schemes for handshake signatures: those
// accepted from the peer, and those signed with by a certificate without
// schemes of its own.
func (c *Config) schemes(tls13 bool) []uint16 {
	return allowedSchemes(c.SignatureSchemes, tls13)
}

// offeredSchemes returns schemes(tls13) for a signature_algorithms
// list, which may not be empty (RFC 8446 section 4.2.3, RFC 5246 section
// 7.4.1.4.1): a SignatureSchemes that leaves no scheme padlock accepts
// in the version (only RSASSA-PKCS1-v1_5 for TLS 1.3, only SHA-1) is a
// configuration that can verify no peer, reported before a malformed
// message goes out.
func (c *Config) offeredSchemes(tls13 bool) ([]uint16, error) {
	ids := c.schemes(tls13)
	if len(ids) == 0 {
		vers := VersionTLS12
		if tls13 {
			vers = VersionTLS13
		}
		names := make([]string, len(c.SignatureSchemes))
		for i, s := range c.SignatureSchemes {
			names[i] = s.String()
		}
		return nil, alertf(alert.InternalError, "Config.SignatureSchemes (%s) leaves no scheme padlock accepts in %s",
			strings.Join(names, ", "), VersionName(vers))
	}
	return ids, nil
}

// signingSchemes returns the schemes cert signs with, in its order of
// preference (see Certificate.SignatureSchemes).
func (c *Config) signingSchemes(cert *Certificate, tls13 bool) []uint16 {
	if cert.SignatureSchemes != nil {
		return allowedSchemes(cert.SignatureSchemes, tls13)
	}
	return c.schemes(tls13)
}

// allowedSchemes returns the schemes of list that padlock makes and
// accepts in handshake signatures of the version, or the defaults for a
// nil list.
func allowedSchemes(list []SignatureScheme, tls13 bool) []uint16 {
	var base []uint16
	if tls13 {
		base = suites.DefaultSchemes13
	} else {
		base = suites.DefaultSchemes12
	}
	if list == nil {
		return base
	}
	var ids []uint16
	for _, s := range list {
		if slices.Contains(base, uint16(s)) {
			ids = append(ids, uint16(s))
		}
	}
	return ids
}

// Limits bounds what a peer may send. Every limit protects against a
// peer that would make padlock hold memory or spin without progress.
type Limits struct {
	// MaxCertificates bounds the certificates in a peer's chain, and so
	// the work of verifying it. The default, 100, is far above any
	// real chain; OpenSSL, BoringSSL and crypto/tls count none, and
	// bound the chain by its size only.
	MaxCertificates int
	// MaxCertificateBytes bounds the total size of a peer's chain. A
	// Certificate message may be this large even above
	// MaxHandshakeMessage. The default, 100 KiB, is OpenSSL's and
	// BoringSSL's (max_cert_list).
	MaxCertificateBytes int
	// MaxEmptyRecords bounds consecutive empty application-data records.
	MaxEmptyRecords int
	// MaxWarningAlerts bounds the alerts a connection ignores without
	// application data in between (TLS 1.2 warnings, TLS 1.3
	// user_canceled), and apart from them the HelloRequests a TLS 1.2
	// client ignores during its handshake (RFC 5246 section 7.4.1.1):
	// all are dropped without an answer, so only a limit stops a peer
	// sending them without end. The default, 4, is BoringSSL's.
	MaxWarningAlerts int
	// MaxCompatChangeCipherSpec bounds the TLS 1.3 compatibility
	// ChangeCipherSpec records dropped during a handshake. RFC 8446
	// section 5 has them dropped "at any time" before the peer's
	// Finished, and a peer may send more than one (a client that sent
	// early data and then got a HelloRetryRequest may send another with
	// its second flight), so the limit only stops a flood. The default,
	// 32, is BoringSSL's bound on empty records.
	MaxCompatChangeCipherSpec int
	// MaxKeyUpdates bounds the KeyUpdates accepted without application
	// data in between.
	MaxKeyUpdates int
}

// DefaultLimits are the limits a zero Limits field stands for.
var DefaultLimits = Limits{
	MaxCertificates:           100,
	MaxCertificateBytes:       100 << 10,
	MaxEmptyRecords:           32,
	MaxWarningAlerts:          4,
	MaxCompatChangeCipherSpec: 32,
	MaxKeyUpdates:             32,
}

// limits returns the limits in force, defaults filled in.
func (c *Config) limits() Limits {
	l, d := c.Limits, DefaultLimits
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	return Limits{
		MaxCertificates:           pick(l.MaxCertificates, d.MaxCertificates),
		MaxCertificateBytes:       pick(l.MaxCertificateBytes, d.MaxCertificateBytes),
		MaxEmptyRecords:           pick(l.MaxEmptyRecords, d.MaxEmptyRecords),
		MaxWarningAlerts:          pick(l.MaxWarningAlerts, d.MaxWarningAlerts),
		MaxCompatChangeCipherSpec: pick(l.MaxCompatChangeCipherSpec, d.MaxCompatChangeCipherSpec),
		MaxKeyUpdates:             pick(l.MaxKeyUpdates, d.MaxKeyUpdates),
	}
}

func (c *Config) maxHandshakeMessage() int {
	if c.MaxHandshakeMessage > 0 {
		return c.MaxHandshakeMessage
	}
	return DefaultMaxHandshakeMessage
}

// maxClientHello is the largest ClientHello body the structure of RFC
// 8446 section 4.1.2 (and RFC 5246 section 7.4.1.2) allows: version 2,
// random 32, session ID 1+32, cipher suites 2+65534, compression methods
// 1+255, extensions 2+65535. OpenSSL's limit is the same.
const maxClientHello = 131396
