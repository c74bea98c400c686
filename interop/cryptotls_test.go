package interop

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
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
