package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/cmd/padlock/internal/hello"
	"padlock/cmd/padlock/internal/httpfp"
	"padlock/internal/pki"
	"padlock/trace"
)

// The tests here send padlock's commands names with escape sequences,
// newlines and markup, as a hostile peer would, and check they come out
// as text: escaped on a terminal and in logs (trace.Printable), escaped
// as HTML on the page.

// hostile would paint a terminal red and forge a log line if printed raw.
const hostile = "evil\x1b[31mRED\nFAKE LOG LINE"

// hostileShown is hostile as trace.Printable shows it.
const hostileShown = `evil\x1b[31mRED\nFAKE LOG LINE`

// checkNoRaw fails the test if out holds hostile raw, or anything of it
// that drives a terminal or starts a line.
func checkNoRaw(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\nFAKE") {
		t.Errorf("%s holds the peer's text raw:\n%q", what, out)
	}
}

// TestConnectEscapesPeerNames has padlock connect talk to a server whose
// certificate, from a trusted CA, carries hostile names: the trace, the
// table of what was negotiated and the explanation of a failure must
// show them escaped.
func TestConnectEscapesPeerNames(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	is, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost", hostile}, CommonName: hostile})
	if err != nil {
		t.Fatal(err)
	}
	addr := echoServer(t, ca, is)
	caPath := writeCA(t, ca)

	code, stdout, stderr := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", "ping", addr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	checkNoRaw(t, "stdout", stdout)
	if n := strings.Count(stdout, hostileShown); n < 3 { // trace, subject, names
		t.Errorf("the name is shown escaped %d times, want at least 3:\n%s", n, stdout)
	}

	code, _, stderr = runArgs(t, "connect", "--ca", caPath, "--servername", "other.test", addr)
	if code != exitFail {
		t.Fatalf("wrong name: exit %d\n%s", code, stderr)
	}
	checkNoRaw(t, "stderr", stderr)
	if !strings.Contains(stderr, hostileShown) {
		t.Errorf("the failure does not name the certificate's names:\n%s", stderr)
	}
}

// TestServeLogEscapesPeerText checks the one log line of a connection:
// the client's SNI and ALPN, its certificate's subject and an error that
// quotes the peer must not split the line or reach the terminal raw.
func TestServeLogEscapesPeerText(t *testing.T) {
	var buf bytes.Buffer
	s := &server{log: log.New(&buf, "", 0)}
	remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
	s.logHandshake(remote, padlock.ConnectionState{
		Version: padlock.VersionTLS13, CipherSuite: padlock.TLS_AES_128_GCM_SHA256, CurveID: padlock.X25519,
		ServerName: hostile, NegotiatedProtocol: hostile,
		PeerCertificates: []*x509.Certificate{{Subject: pkix.Name{CommonName: hostile}}},
	}, nil)
	s.logHandshake(remote, padlock.ConnectionState{}, errors.New("the peer said "+hostile))
	out := buf.String()
	checkNoRaw(t, "the log", out)
	if lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); len(lines) != 2 {
		t.Errorf("%d log lines for 2 connections:\n%s", len(lines), out)
	}
	if strings.Count(out, hostileShown) != 4 {
		t.Errorf("the log does not show the 4 values escaped:\n%s", out)
	}
}

// TestServeRefusesHostileSNI has a crypto/tls client send padlock serve a
// server_name with an escape sequence and a newline: the handshake fails
// with illegal_parameter, and the log line names it escaped.
func TestServeRefusesHostileSNI(t *testing.T) {
	addr, _, stderr := startServe(t, "--state-dir", t.TempDir())
	c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: hostile, InsecureSkipVerify: true})
	if err == nil {
		c.Close()
		t.Fatal("the handshake succeeded")
	}
	if !strings.Contains(err.Error(), "illegal parameter") {
		t.Errorf("crypto/tls: %v, want illegal_parameter", err)
	}
	waitForLog(t, stderr, "handshake failed")
	checkNoRaw(t, "the log", stderr.String())
	if !strings.Contains(stderr.String(), "illegal_parameter") || !strings.Contains(stderr.String(), hostileShown) {
		t.Errorf("log:\n%s", stderr)
	}
}

// waitForLog waits until the log holds s: serve logs after the handshake,
// which the client may see end first.
func waitForLog(t *testing.T, log *syncBuffer, s string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(log.String(), s); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", s, log)
		}
	}
}

// TestServePageEscapesMarkup checks that the visitor's page shows markup
// from the handshake as text: ALPN protocols a real client offered, and
// a server_name (which a padlock server now refuses before any page, so
// it is given to the page directly).
func TestServePageEscapesMarkup(t *testing.T) {
	const markup = `<script>alert("x")</script>`
	const escaped = `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`

	base, caPath := serveBase(t)
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}
	client := padlockHTTP(&padlock.Config{RootCAs: pool, NextProtos: []string{markup, "http/1.1"}})
	_, page := get(t, client, base+"/")
	if strings.Contains(page, "<script") || !strings.Contains(page, escaped) {
		t.Errorf("the offered ALPN protocol is not escaped on the page")
	}

	v := visitorReport{connReport: connReport{ServerName: markup, ALPN: markup},
		offer:         hello.Offer{ServerName: markup, ALPN: []string{markup}},
		ClientOffered: clientHello{ServerName: markup},
		HTTP:          httpfp.Layer{UserAgent: markup, Headers: []httpfp.Header{{Name: markup, Value: markup}}}}
	v.Steps = []trace.Event{{Side: trace.Server, Dir: trace.Received, Kind: trace.KindMessage, Name: "ClientHello",
		Fields: []trace.Field{{Name: "server_name", Value: markup}}, Raw: []byte{1, 0, 0, 0}}}
	var b strings.Builder
	if err := pageTemplate.Execute(&b, newPageData(v, markup, true)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script") || strings.Count(b.String(), escaped) < 3 {
		t.Errorf("server_name markup is not escaped on the page:\n%s", b.String())
	}
}
