package interop

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// The TLS 1.3 suites (RFC 8446 appendix B.4). crypto/tls always enables
// all three, so each test pins padlock's side to force one.
var suites13 = []uint16{
	padlock.TLS_AES_128_GCM_SHA256,
	padlock.TLS_AES_256_GCM_SHA384,
	padlock.TLS_CHACHA20_POLY1305_SHA256,
}

// groups13 are the key exchange groups both padlock and crypto/tls (Go
// 1.26) implement: the classic curves and the ML-KEM hybrids.
var groups13 = []padlock.CurveID{
	padlock.X25519,
	padlock.CurveP256,
	padlock.CurveP384,
	padlock.CurveP521,
	padlock.X25519MLKEM768,
	padlock.SecP256r1MLKEM768,
	padlock.SecP384r1MLKEM1024,
}

// params13 is one cell of the TLS 1.3 matrix.
type params13 struct {
	kt    pki.KeyType
	suite uint16
	group padlock.CurveID
}

func (p params13) String() string {
	return fmt.Sprintf("%s/%s/%s", p.kt, padlock.CipherSuiteName(p.suite), p.group)
}

// TestCryptoTLS13 runs every suite, group and key type in both roles
// against crypto/tls: handshake, negotiated parameters, key log and
// exporter agreement, 64 KiB echoed, close_notify both ways.
func TestCryptoTLS13(t *testing.T) {
	for _, kt := range keyTypes {
		for _, suite := range suites13 {
			for _, group := range groups13 {
				p := params13{kt, suite, group}
				t.Run("padlock-client/"+p.String(), func(t *testing.T) { padlockClient13(t, p) })
				t.Run("padlock-server/"+p.String(), func(t *testing.T) { padlockServer13(t, p) })
			}
		}
	}
}

// padlockClient13 connects a padlock client to a crypto/tls server.
func padlockClient13(t *testing.T, p params13) {
	_, tcert, ca := chain(p.kt)
	var plog, tlog bytes.Buffer
	a, b := tcpPair(t)
	client := padlock.Client(a, &padlock.Config{
		RootCAs:          ca.Pool(),
		ServerName:       "localhost",
		CipherSuites:     []uint16{p.suite},
		CurvePreferences: []padlock.CurveID{p.group},
		KeyLogWriter:     &plog,
	})
	server := tls.Server(b, &tls.Config{
		Certificates:     []tls.Certificate{tcert},
		CurvePreferences: []tls.CurveID{tls.CurveID(p.group)},
		KeyLogWriter:     &tlog,
	})
	if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
		t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
	}
	ps, ts := client.ConnectionState(), server.ConnectionState()
	checkState13(t, p, ps, ts)
	checkPeer(t, "padlock client", ps.PeerCertificates, p.kt)
	if len(ps.VerifiedChains) == 0 {
		t.Error("padlock client: no verified chain")
	}
	if ts.ServerName != "localhost" {
		t.Errorf("crypto/tls server: SNI %q, want localhost", ts.ServerName)
	}
	checkSecrets(t, ps, ts, &plog, &tlog)
	echoExchange(t, client, server)
}

// padlockServer13 connects a crypto/tls client to a padlock server.
func padlockServer13(t *testing.T, p params13) {
	pcert, _, ca := chain(p.kt)
	var plog, tlog bytes.Buffer
	a, b := tcpPair(t)
	client := tls.Client(a, &tls.Config{
		RootCAs:          ca.Pool(),
		ServerName:       "localhost",
		CurvePreferences: []tls.CurveID{tls.CurveID(p.group)},
		KeyLogWriter:     &tlog,
	})
	server := padlock.Server(b, &padlock.Config{
		Certificates:     []padlock.Certificate{pcert},
		CipherSuites:     []uint16{p.suite},
		CurvePreferences: []padlock.CurveID{p.group},
		KeyLogWriter:     &plog,
	})
	if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
		t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
	}
	ps, ts := server.ConnectionState(), client.ConnectionState()
	checkState13(t, p, ps, ts)
	checkPeer(t, "crypto/tls client", ts.PeerCertificates, p.kt)
	if ps.ServerName != "localhost" {
		t.Errorf("padlock server: SNI %q, want localhost", ps.ServerName)
	}
	checkSecrets(t, ps, ts, &plog, &tlog)
	echoExchange(t, client, server)
}

// checkState13 compares what both sides say was negotiated with what the
// test forced.
func checkState13(t *testing.T, p params13, ps padlock.ConnectionState, ts tls.ConnectionState) {
	t.Helper()
	if !ps.HandshakeComplete || !ts.HandshakeComplete {
		t.Errorf("HandshakeComplete: padlock %v, crypto/tls %v", ps.HandshakeComplete, ts.HandshakeComplete)
	}
	if ps.Version != padlock.VersionTLS13 || ts.Version != tls.VersionTLS13 {
		t.Errorf("version: padlock %s, crypto/tls %s; want TLS 1.3",
			padlock.VersionName(ps.Version), padlock.VersionName(ts.Version))
	}
	if ps.CipherSuite != p.suite || ts.CipherSuite != p.suite {
		t.Errorf("suite: padlock %s, crypto/tls %s; want %s", padlock.CipherSuiteName(ps.CipherSuite),
			padlock.CipherSuiteName(ts.CipherSuite), padlock.CipherSuiteName(p.suite))
	}
	if ps.CurveID != p.group || ts.CurveID != tls.CurveID(p.group) {
		t.Errorf("group: padlock %v, crypto/tls %v; want %v", ps.CurveID, ts.CurveID, p.group)
	}
	if want := expectedSchemes(p.kt); !slices.Contains(want, ps.SignatureScheme) {
		t.Errorf("padlock: signature scheme %v, want one of %v", ps.SignatureScheme, want)
	}
}

// checkPeer checks that the peer presented the test chain of key type kt.
func checkPeer(t *testing.T, who string, certs []*x509.Certificate, kt pki.KeyType) {
	t.Helper()
	_, is := pki.TestChain(kt)
	if len(certs) == 0 || !bytes.Equal(certs[0].Raw, is.DER[0]) {
		t.Errorf("%s: peer certificates are not the test chain (%d certificates)", who, len(certs))
	}
}

// exporterLabel is an RFC 5705 label that no real protocol uses.
const exporterLabel = "EXPERIMENTAL padlock interop"

// checkSecrets checks that both sides derived the same secrets: every key
// log line crypto/tls wrote must be among padlock's, and the exporters
// (RFC 8446 section 7.5) must agree.
func checkSecrets(t *testing.T, ps padlock.ConnectionState, ts tls.ConnectionState, plog, tlog *bytes.Buffer) {
	t.Helper()
	ours := strings.Split(strings.TrimSpace(plog.String()), "\n")
	theirs := strings.Split(strings.TrimSpace(tlog.String()), "\n")
	if len(theirs) == 0 || theirs[0] == "" {
		t.Error("crypto/tls wrote no key log")
	}
	for _, line := range theirs {
		if !slices.Contains(ours, line) {
			label, _, _ := strings.Cut(line, " ")
			t.Errorf("key log: crypto/tls wrote a %s line that padlock did not:\ncrypto/tls: %s\npadlock:\n%s",
				label, line, plog.String())
		}
	}
	for _, ctx := range [][]byte{nil, []byte("context")} {
		want, err := ts.ExportKeyingMaterial(exporterLabel, ctx, 42)
		if err != nil {
			t.Fatalf("crypto/tls exporter: %v", err)
		}
		got, err := ps.ExportKeyingMaterial(exporterLabel, ctx, 42)
		if err != nil {
			t.Errorf("padlock exporter: %v", err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("exporter (context %q): padlock %x, crypto/tls %x", ctx, got, want)
		}
	}
}

// TestCryptoTLS13HelloRetry lets one side keep its default groups and pins
// the other to a single group, so the ClientHello's key shares often miss
// and the server must ask again (RFC 8446 section 4.1.4). At least one
// handshake per role must have needed a HelloRetryRequest.
func TestCryptoTLS13HelloRetry(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	// padlock client with its defaults against a crypto/tls server pinned
	// to each of them.
	clientHRR := false
	for _, group := range []padlock.CurveID{padlock.X25519MLKEM768, padlock.X25519, padlock.CurveP256, padlock.CurveP384} {
		t.Run("padlock-client/"+group.String(), func(t *testing.T) {
			a, b := tcpPair(t)
			client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
			server := tls.Server(b, &tls.Config{
				Certificates:     []tls.Certificate{tcert},
				CurvePreferences: []tls.CurveID{tls.CurveID(group)},
			})
			if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
				t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
			}
			ps, ts := client.ConnectionState(), server.ConnectionState()
			if ps.CurveID != group || ts.CurveID != tls.CurveID(group) {
				t.Errorf("group: padlock %v, crypto/tls %v; want %v", ps.CurveID, ts.CurveID, group)
			}
			clientHRR = clientHRR || ts.HelloRetryRequest
			echoExchange(t, client, server)
		})
	}
	if !clientHRR {
		t.Error("no padlock client handshake needed a HelloRetryRequest: the test lost its point")
	}
	// crypto/tls client with its defaults against a padlock server pinned
	// to each group.
	serverHRR := false
	for _, group := range groups13 {
		t.Run("padlock-server/"+group.String(), func(t *testing.T) {
			a, b := tcpPair(t)
			client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
			server := padlock.Server(b, &padlock.Config{
				Certificates:     []padlock.Certificate{pcert},
				CurvePreferences: []padlock.CurveID{group},
			})
			if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
				t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
			}
			ps, ts := server.ConnectionState(), client.ConnectionState()
			if ps.CurveID != group || ts.CurveID != tls.CurveID(group) {
				t.Errorf("group: padlock %v, crypto/tls %v; want %v", ps.CurveID, ts.CurveID, group)
			}
			serverHRR = serverHRR || ts.HelloRetryRequest
			echoExchange(t, client, server)
		})
	}
	if !serverHRR {
		t.Error("no padlock server handshake sent a HelloRetryRequest: the test lost its point")
	}
}

// TestCryptoTLS13ALPN checks that both roles agree on the protocol the
// server picks from the client's list (RFC 7301 section 3.2).
func TestCryptoTLS13ALPN(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	offered, accepted := []string{"h2", "http/1.1"}, []string{"http/1.1", "h2c"}
	t.Run("padlock-client", func(t *testing.T) {
		a, b := tcpPair(t)
		client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", NextProtos: offered})
		server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}, NextProtos: accepted})
		if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
			t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
		}
		if p, q := client.ConnectionState().NegotiatedProtocol, server.ConnectionState().NegotiatedProtocol; p != "http/1.1" || q != "http/1.1" {
			t.Errorf("ALPN: padlock %q, crypto/tls %q; want http/1.1", p, q)
		}
		echoExchange(t, client, server)
	})
	t.Run("padlock-server", func(t *testing.T) {
		a, b := tcpPair(t)
		client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", NextProtos: offered})
		server := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}, NextProtos: accepted})
		if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
			t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
		}
		// The server's preference decides, as RFC 7301 section 3.2 lets it.
		if p, q := server.ConnectionState().NegotiatedProtocol, client.ConnectionState().NegotiatedProtocol; p != "http/1.1" || q != "http/1.1" {
			t.Errorf("ALPN: padlock %q, crypto/tls %q; want http/1.1", p, q)
		}
		echoExchange(t, client, server)
	})
}

// TestCryptoTLS13ClientAuth runs mutual authentication with a client
// certificate of each key type, in both roles.
func TestCryptoTLS13ClientAuth(t *testing.T) {
	for _, kt := range keyTypes {
		pcert, tcert, ca := chain(kt)
		is := pki.TestClient(kt)
		t.Run("padlock-client/"+string(kt), func(t *testing.T) {
			a, b := tcpPair(t)
			client := padlock.Client(a, &padlock.Config{
				RootCAs: ca.Pool(), ServerName: "localhost",
				Certificates: []padlock.Certificate{padlockCert(is)},
			})
			server := tls.Server(b, &tls.Config{
				Certificates: []tls.Certificate{tcert},
				ClientAuth:   tls.RequireAndVerifyClientCert,
				ClientCAs:    ca.Pool(),
			})
			if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
				t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
			}
			if certs := server.ConnectionState().PeerCertificates; len(certs) == 0 || !bytes.Equal(certs[0].Raw, is.DER[0]) {
				t.Error("crypto/tls server did not get padlock's client certificate")
			}
			echoExchange(t, client, server)
		})
		t.Run("padlock-server/"+string(kt), func(t *testing.T) {
			a, b := tcpPair(t)
			client := tls.Client(a, &tls.Config{
				RootCAs: ca.Pool(), ServerName: "localhost",
				Certificates: []tls.Certificate{tlsCert(is)},
			})
			server := padlock.Server(b, &padlock.Config{
				Certificates: []padlock.Certificate{pcert},
				ClientAuth:   padlock.RequireAndVerifyClientCert,
				ClientCAs:    ca.Pool(),
			})
			if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
				t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
			}
			ps := server.ConnectionState()
			if len(ps.PeerCertificates) == 0 || !bytes.Equal(ps.PeerCertificates[0].Raw, is.DER[0]) {
				t.Error("padlock server did not get crypto/tls's client certificate")
			}
			if len(ps.VerifiedChains) == 0 {
				t.Error("padlock server: no verified chain for the client certificate")
			}
			echoExchange(t, client, server)
		})
	}
}

// TestCryptoTLS13KeyUpdate has padlock update its keys mid-connection,
// sometimes asking crypto/tls to update too (RFC 8446 section 4.6.3),
// and checks that data flows both ways after each update.
func TestCryptoTLS13KeyUpdate(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	run := func(t *testing.T, pc *padlock.Conn, peer tlsConn) {
		echoed := make(chan error, 1)
		go func() { echoed <- echoUntilEOF(peer) }()
		for i, request := range []bool{false, true, true, false} {
			if err := pc.UpdateKeys(request); err != nil {
				t.Fatalf("UpdateKeys(%v): %v", request, err)
			}
			msg := fmt.Sprintf("message %d after an update (request %v)", i, request)
			if _, err := pc.Write([]byte(msg)); err != nil {
				t.Fatalf("write: %v", err)
			}
			buf := make([]byte, len(msg))
			if _, err := io.ReadFull(pc, buf); err != nil || string(buf) != msg {
				t.Fatalf("read back %q, %v; want %q", buf, err, msg)
			}
		}
		if err := pc.CloseWrite(); err != nil {
			t.Fatal(err)
		}
		if rest, err := io.ReadAll(pc); err != nil || len(rest) > 0 {
			t.Errorf("padlock read %q, %v; want io.EOF", rest, err)
		}
		if err := <-echoed; err != nil {
			t.Errorf("crypto/tls: %v", err)
		}
	}
	t.Run("padlock-client", func(t *testing.T) {
		a, b := tcpPair(t)
		client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
		server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}})
		mustHandshake(t, client, server, a, b)
		run(t, client, server)
	})
	t.Run("padlock-server", func(t *testing.T) {
		a, b := tcpPair(t)
		client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
		server := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
		mustHandshake(t, client, server, a, b)
		run(t, server, client)
	})
}
