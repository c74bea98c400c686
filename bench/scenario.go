package bench

import (
	"crypto/tls"
	"crypto/x509"
	"net"

	"padlock"
	"padlock/internal/pki"
)

// scenario is the protocol work of a Group: the same for every stack.
type scenario struct {
	vers  uint16
	suite uint16 // 0: the stack's default for vers
	group padlock.CurveID
	key   pki.KeyType // the server certificate's key, and its CA's
}

// The scenarios of the tables. TLS 1.3 suites are not configurable in
// crypto/tls; with AES hardware it chooses TLS_AES_128_GCM_SHA256, so
// that is what the handshakes use.
var (
	tls13X25519   = scenario{padlock.VersionTLS13, padlock.TLS_AES_128_GCM_SHA256, padlock.X25519, pki.ECDSAP256}
	tls13MLKEM    = scenario{padlock.VersionTLS13, padlock.TLS_AES_128_GCM_SHA256, padlock.X25519MLKEM768, pki.ECDSAP256}
	tls13RSA      = scenario{padlock.VersionTLS13, padlock.TLS_AES_128_GCM_SHA256, padlock.X25519, pki.RSA2048}
	tls12ECDHE    = scenario{padlock.VersionTLS12, padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, padlock.X25519, pki.ECDSAP256}
	tls12RSAKX    = scenario{padlock.VersionTLS12, padlock.TLS_RSA_WITH_AES_128_GCM_SHA256, padlock.X25519, pki.RSA2048}
	tls12ECDHE256 = scenario{padlock.VersionTLS12, padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, padlock.X25519, pki.ECDSAP256}
	tls12ECDHECC  = scenario{padlock.VersionTLS12, padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, padlock.X25519, pki.ECDSAP256}
)

// endpoint is one side of a TLS connection, of either stack.
type endpoint interface {
	net.Conn
	Handshake() error
}

// stack makes the two sides of a connection over a pair of net.Conns.
type stack interface {
	// pair returns the client over a and the server over b.
	pair(a, b net.Conn) (client, server endpoint)
	// resumed reports whether the client's last handshake resumed.
	resumed(client endpoint) bool
}

// padlockStack is padlock configured for a scenario.
type padlockStack struct {
	client, server *padlock.Config
	// cold gives every client connection a Config of its own, so that
	// nothing the Config remembers (verified chains) carries over.
	cold bool
	ech  bool // the handshakes must use Encrypted Client Hello
}

func newPadlockStack(sc scenario, resume bool) *padlockStack {
	ca, is := pki.TestChain(sc.key)
	cert := padlock.Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}
	// The client sends no GREASE ECH: crypto/tls's does not either, and
	// the -ech rows measure ECH itself.
	s := &padlockStack{
		client: &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost",
			MinVersion: sc.vers, MaxVersion: sc.vers,
			CurvePreferences: sc.groups(), DisableECHGREASE: true},
		server: &padlock.Config{Certificates: []padlock.Certificate{cert},
			MinVersion: sc.vers, MaxVersion: sc.vers},
	}
	if sc.suite != 0 {
		s.client.CipherSuites = []uint16{sc.suite}
		s.server.CipherSuites = []uint16{sc.suite}
	}
	if resume {
		s.client.ClientSessionCache = padlock.NewLRUClientSessionCache(8)
	}
	return s
}

func (s *padlockStack) pair(a, b net.Conn) (endpoint, endpoint) {
	client := s.client
	if s.cold {
		fresh := *s.client // s.client is never used, so its caches stay empty
		client = &fresh
	}
	return padlock.Client(a, client), padlock.Server(b, s.server)
}

func (s *padlockStack) resumed(c endpoint) bool {
	return c.(*padlock.Conn).ConnectionState().DidResume
}

// cryptoTLSStack is crypto/tls configured for the same scenario.
type cryptoTLSStack struct {
	client, server *tls.Config
	ech            bool // the handshakes must use Encrypted Client Hello
}

func newCryptoTLSStack(sc scenario, resume bool) *cryptoTLSStack {
	ca, is := pki.TestChain(sc.key)
	cert := tls.Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}
	s := &cryptoTLSStack{
		client: &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost",
			MinVersion: sc.vers, MaxVersion: sc.vers,
			CurvePreferences: cryptoTLSGroups(sc.groups())},
		server: &tls.Config{Certificates: []tls.Certificate{cert},
			MinVersion: sc.vers, MaxVersion: sc.vers},
	}
	if sc.vers == padlock.VersionTLS12 {
		// crypto/tls applies CipherSuites to TLS 1.2 only; the RSA key
		// transport suites must be named to be enabled.
		s.client.CipherSuites = []uint16{sc.suite}
		s.server.CipherSuites = []uint16{sc.suite}
	}
	if resume {
		s.client.ClientSessionCache = tls.NewLRUClientSessionCache(8)
	}
	return s
}

func (s *cryptoTLSStack) pair(a, b net.Conn) (endpoint, endpoint) {
	return tls.Client(a, s.client), tls.Server(b, s.server)
}

func (s *cryptoTLSStack) resumed(c endpoint) bool {
	return c.(*tls.Conn).ConnectionState().DidResume
}

// chain returns the scenario's CA and server certificate, parsed.
func (sc scenario) chain() (*x509.Certificate, *pki.Issued) {
	ca, is := pki.TestChain(sc.key)
	return ca.Cert, is
}

// groups are the groups the client offers: the scenario's, and for TLS
// 1.2 also secp256r1, without which the client could not accept an
// ECDSA P-256 certificate (RFC 8422 section 5.3).
func (sc scenario) groups() []padlock.CurveID {
	if sc.vers == padlock.VersionTLS12 && sc.group != padlock.CurveP256 {
		return []padlock.CurveID{sc.group, padlock.CurveP256}
	}
	return []padlock.CurveID{sc.group}
}

func cryptoTLSGroups(ids []padlock.CurveID) []tls.CurveID {
	out := make([]tls.CurveID, len(ids))
	for i, id := range ids {
		out[i] = tls.CurveID(id)
	}
	return out
}
