// crypto/tls dropped RSA key transport from its defaults in Go 1.22
// (GODEBUG tlsrsakex=1 restores them), but naming the suites in
// Config.CipherSuites enables them, as every test here does; so no
// //go:debug directive, which would change crypto/tls's defaults for the
// whole test binary.

package interop

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// suite12 is a TLS 1.2 suite and the key types its authentication takes.
type suite12 struct {
	id  uint16
	kts []pki.KeyType
	kx  bool // RSA key transport: no ECDHE, so no group
}

// suites12 are the TLS 1.2 suites padlock implements: ECDHE with AEADs
// (RFC 5289, RFC 7905; ECDSA suites also take Ed25519 keys, RFC 8422
// section 2) and the two RSA key transport suites (RFC 5288).
var suites12 = []suite12{
	{padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, []pki.KeyType{pki.ECDSAP256, pki.ECDSAP384, pki.Ed25519}, false},
	{padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, []pki.KeyType{pki.ECDSAP256}, false},
	{padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, []pki.KeyType{pki.ECDSAP256}, false},
	{padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, []pki.KeyType{pki.RSA2048}, false},
	{padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, []pki.KeyType{pki.RSA2048}, false},
	{padlock.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, []pki.KeyType{pki.RSA2048}, false},
	{padlock.TLS_RSA_WITH_AES_128_GCM_SHA256, []pki.KeyType{pki.RSA2048}, true},
	{padlock.TLS_RSA_WITH_AES_256_GCM_SHA384, []pki.KeyType{pki.RSA2048}, true},
}

// groups12 are the ECDHE curves of TLS 1.2 (RFC 8422 section 5.1.1).
var groups12 = []padlock.CurveID{padlock.X25519, padlock.CurveP256, padlock.CurveP384, padlock.CurveP521}

// params12 is one cell of the TLS 1.2 matrix; group is 0 for RSA key
// transport.
type params12 struct {
	kt    pki.KeyType
	suite uint16
	group padlock.CurveID
}

func (p params12) String() string {
	g := "rsa-kx"
	if p.group != 0 {
		g = p.group.String()
	}
	return fmt.Sprintf("%s/%s/%s", p.kt, padlock.CipherSuiteName(p.suite), g)
}

// TestCryptoTLS12 runs the TLS 1.2 suites with both sides pinned to TLS
// 1.2, in both roles: handshake, parameters, secrets, echo, close.
func TestCryptoTLS12(t *testing.T) {
	for _, s := range suites12 {
		for i, kt := range s.kts {
			groups := groups12
			switch {
			case s.kx:
				groups = []padlock.CurveID{0}
			case i > 0:
				groups = groups12[:1] // other key types: one group is enough
			}
			for _, group := range groups {
				p := params12{kt, s.id, group}
				t.Run("padlock-client/"+p.String(), func(t *testing.T) { padlockClient12(t, p) })
				t.Run("padlock-server/"+p.String(), func(t *testing.T) { padlockServer12(t, p) })
			}
		}
	}
}

// curves returns the groups a side offers: the server only the group
// under test, the client that group and its certificate's curve, which
// in TLS 1.2 the client must list for an ECDSA certificate to be usable
// (RFC 8422 section 5.3).
func (p params12) curves(client bool) []padlock.CurveID {
	if p.group == 0 {
		return nil
	}
	c := []padlock.CurveID{p.group}
	if !client {
		return c
	}
	switch {
	case p.kt == pki.ECDSAP256 && p.group != padlock.CurveP256:
		c = append(c, padlock.CurveP256)
	case p.kt == pki.ECDSAP384 && p.group != padlock.CurveP384:
		c = append(c, padlock.CurveP384)
	}
	return c
}

func (p params12) padlockConfig(client bool) *padlock.Config {
	return &padlock.Config{MaxVersion: padlock.VersionTLS12, CipherSuites: []uint16{p.suite},
		CurvePreferences: p.curves(client)}
}

func (p params12) tlsConfig(client bool) *tls.Config {
	c := &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{p.suite}}
	for _, g := range p.curves(client) {
		c.CurvePreferences = append(c.CurvePreferences, tls.CurveID(g))
	}
	return c
}

// padlockClient12 connects a padlock client to a crypto/tls server.
func padlockClient12(t *testing.T, p params12) {
	_, tcert, ca := chain(p.kt)
	var plog, tlog bytes.Buffer
	pc := p.padlockConfig(true)
	pc.RootCAs, pc.ServerName, pc.KeyLogWriter = ca.Pool(), "localhost", &plog
	tc := p.tlsConfig(false)
	tc.Certificates, tc.KeyLogWriter = []tls.Certificate{tcert}, &tlog
	a, b := tcpPair(t)
	client, server := padlock.Client(a, pc), tls.Server(b, tc)
	if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
		t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
	}
	ps, ts := client.ConnectionState(), server.ConnectionState()
	checkState12(t, p, ps, ts)
	checkPeer(t, "padlock client", ps.PeerCertificates, p.kt)
	checkSecrets(t, ps, ts, &plog, &tlog)
	echoExchange(t, client, server)
}

// padlockServer12 connects a crypto/tls client to a padlock server.
func padlockServer12(t *testing.T, p params12) {
	pcert, _, ca := chain(p.kt)
	var plog, tlog bytes.Buffer
	pc := p.padlockConfig(false)
	pc.Certificates, pc.KeyLogWriter = []padlock.Certificate{pcert}, &plog
	tc := p.tlsConfig(true)
	tc.RootCAs, tc.ServerName, tc.KeyLogWriter = ca.Pool(), "localhost", &tlog
	a, b := tcpPair(t)
	client, server := tls.Client(a, tc), padlock.Server(b, pc)
	if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
		t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
	}
	ps, ts := server.ConnectionState(), client.ConnectionState()
	checkState12(t, p, ps, ts)
	checkPeer(t, "crypto/tls client", ts.PeerCertificates, p.kt)
	checkSecrets(t, ps, ts, &plog, &tlog)
	echoExchange(t, client, server)
}

// checkState12 compares what both sides negotiated with the test cell.
func checkState12(t *testing.T, p params12, ps padlock.ConnectionState, ts tls.ConnectionState) {
	t.Helper()
	if ps.Version != padlock.VersionTLS12 || ts.Version != tls.VersionTLS12 {
		t.Errorf("version: padlock %s, crypto/tls %s; want TLS 1.2",
			padlock.VersionName(ps.Version), padlock.VersionName(ts.Version))
	}
	if ps.CipherSuite != p.suite || ts.CipherSuite != p.suite {
		t.Errorf("suite: padlock %s, crypto/tls %s; want %s", padlock.CipherSuiteName(ps.CipherSuite),
			padlock.CipherSuiteName(ts.CipherSuite), padlock.CipherSuiteName(p.suite))
	}
	if ps.CurveID != p.group || ts.CurveID != tls.CurveID(p.group) {
		t.Errorf("group: padlock %v, crypto/tls %v; want %v", ps.CurveID, ts.CurveID, p.group)
	}
	// crypto/tls always offers and accepts RFC 7627.
	if !ps.ExtendedMasterSecret {
		t.Error("padlock: no extended master secret with crypto/tls")
	}
	if !ps.HandshakeComplete {
		t.Error("padlock: HandshakeComplete is false")
	}
}

// TestCryptoTLS12VersionNegotiation pins one side to TLS 1.2 and leaves
// the other able to speak TLS 1.3. The one that can must settle for 1.2
// without mistaking it for a downgrade attack: the DOWNGRD sentinel of
// RFC 8446 section 4.1.3 is sent only by a server that could have spoken
// TLS 1.3, and checked only by a client that offered it.
func TestCryptoTLS12VersionNegotiation(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	for _, pinPadlock := range []bool{false, true} {
		pin := "crypto/tls-pinned"
		var pMax, tMax uint16 = 0, tls.VersionTLS12
		if pinPadlock {
			pin = "padlock-pinned"
			pMax, tMax = padlock.VersionTLS12, 0
		}
		t.Run("padlock-client/"+pin, func(t *testing.T) {
			a, b := tcpPair(t)
			client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: pMax})
			server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}, MaxVersion: tMax})
			if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
				t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
			}
			if v := client.ConnectionState().Version; v != padlock.VersionTLS12 {
				t.Errorf("version %s, want TLS 1.2", padlock.VersionName(v))
			}
			echoExchange(t, client, server)
		})
		t.Run("padlock-server/"+pin, func(t *testing.T) {
			a, b := tcpPair(t)
			client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: tMax})
			server := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}, MaxVersion: pMax})
			if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
				t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
			}
			if v := server.ConnectionState().Version; v != padlock.VersionTLS12 {
				t.Errorf("version %s, want TLS 1.2", padlock.VersionName(v))
			}
			echoExchange(t, client, server)
		})
	}
}

// TestCryptoTLS12RSAKeyExchangeOptIn checks that padlock speaks RSA key
// transport, which has no forward secrecy, only when asked to: a peer
// that offers nothing else gets a handshake_failure, unless
// Config.EnableRSAKeyExchange is set.
func TestCryptoTLS12RSAKeyExchangeOptIn(t *testing.T) {
	pcert, tcert, ca := chain(pki.RSA2048)
	rsaOnly := []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}
	for _, enable := range []bool{false, true} {
		name := map[bool]string{false: "default", true: "enabled"}[enable]
		t.Run("padlock-client/"+name, func(t *testing.T) {
			a, b := tcpPair(t)
			client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost",
				EnableRSAKeyExchange: enable})
			server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}, CipherSuites: rsaOnly,
				MaxVersion: tls.VersionTLS12})
			perr, terr := handshakeBoth(client, server, a, b)
			if !enable {
				wantPadlockAlert(t, "padlock client", perr, padlock.AlertHandshakeFailure, true)
				return
			}
			if perr != nil || terr != nil {
				t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", perr, terr)
			}
			if s := client.ConnectionState().CipherSuite; s != padlock.TLS_RSA_WITH_AES_128_GCM_SHA256 {
				t.Errorf("suite %s", padlock.CipherSuiteName(s))
			}
			echoExchange(t, client, server)
		})
		t.Run("padlock-server/"+name, func(t *testing.T) {
			a, b := tcpPair(t)
			client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", CipherSuites: rsaOnly,
				MaxVersion: tls.VersionTLS12})
			server := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert},
				EnableRSAKeyExchange: enable})
			terr, perr := handshakeBoth(client, server, a, b)
			if !enable {
				wantPadlockAlert(t, "padlock server", perr, padlock.AlertHandshakeFailure, false)
				wantTLSRemoteAlert(t, "crypto/tls client", terr, padlock.AlertHandshakeFailure)
				return
			}
			if perr != nil || terr != nil {
				t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", terr, perr)
			}
			if s := server.ConnectionState().CipherSuite; s != padlock.TLS_RSA_WITH_AES_128_GCM_SHA256 {
				t.Errorf("suite %s", padlock.CipherSuiteName(s))
			}
			echoExchange(t, client, server)
		})
	}
}
