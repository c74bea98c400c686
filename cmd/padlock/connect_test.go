package main

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// echoServer runs a crypto/tls server that echoes what it reads, in
// upper case, until the client stops; it returns its address.
func echoServer(t *testing.T, ca *pki.CA, is *pki.Issued) string {
	t.Helper()
	cert := tls.Certificate{Certificate: is.DER, PrivateKey: is.Key}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				buf := make([]byte, 1024)
				n, err := c.Read(buf)
				if err != nil {
					return
				}
				c.Write([]byte(strings.ToUpper(string(buf[:n]))))
			}()
		}
	}()
	return ln.Addr().String()
}

// writeCA writes the CA certificate to a file and returns its path.
func writeCA(t *testing.T, ca *pki.CA) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, ca.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConnectCryptoTLS(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	caPath := writeCA(t, ca)

	code, stdout, stderr := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", "ping", addr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"ClientHello", "ServerHello", "certificate chain verified", "Negotiated with " + addr, "TLS 1.3", "PING", "verified          yes"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestConnectJSON(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	caPath := writeCA(t, ca)

	code, stdout, stderr := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", "ping", "--reconnect", "1", "--json", addr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (one per connection):\n%s", len(lines), stdout)
	}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range []string{"version", "cipher_suite", "group", "signature_scheme", "alpn", "server_name", "resumed", "peer_certificates", "verified", "steps"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q", i+1, k)
			}
		}
		if _, ok := m["error"]; ok {
			t.Errorf("line %d has an error: %v", i+1, m["error"])
		}
		if m["version"] != "TLS 1.3" || m["server_name"] != "localhost" || m["received"] != "PING" {
			t.Errorf("line %d: version %v, server_name %v, received %v", i+1, m["version"], m["server_name"], m["received"])
		}
		if wantResumed := i == 1; m["resumed"] != wantResumed {
			t.Errorf("line %d: resumed %v, want %v", i+1, m["resumed"], wantResumed)
		}
	}
	var first struct {
		Verified         bool `json:"verified"`
		PeerCertificates []struct {
			Subject  string `json:"subject"`
			Issuer   string `json:"issuer"`
			NotAfter string `json:"not_after"`
			SHA256   string `json:"sha256"`
		} `json:"peer_certificates"`
		Steps []struct{ Name string } `json:"steps"`
	}
	json.Unmarshal([]byte(lines[0]), &first)
	if !first.Verified || len(first.PeerCertificates) == 0 || len(first.Steps) == 0 {
		t.Fatalf("first connection: %+v", first)
	}
	if pc := first.PeerCertificates[0]; pc.Subject != "CN=localhost" || pc.Issuer == "" || pc.NotAfter == "" || len(pc.SHA256) != 64 {
		t.Errorf("peer certificate: %+v", pc)
	}
}

func TestConnectUnknownCA(t *testing.T) {
	stranger, err := pki.NewCA("stranger CA", pki.ECDSAP256, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	is, err := stranger.Issue(pki.IssueOptions{Hosts: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	addr := echoServer(t, stranger, is)
	trusted, _ := pki.TestChain(pki.ECDSAP256)

	code, _, stderr := runArgs(t, "connect", "--ca", writeCA(t, trusted), "--servername", "localhost", "--send", "x", addr)
	if code != exitFail {
		t.Fatalf("exit %d, want %d", code, exitFail)
	}
	for _, want := range []string{"unknown_ca", "CN=stranger CA", "--ca"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// --json still prints the connection, with the error naming the alert.
	code, stdout, _ := runArgs(t, "connect", "--ca", writeCA(t, trusted), "--servername", "localhost", "--json", addr)
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil || code != exitFail {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if e, _ := m["error"].(string); !strings.Contains(e, "unknown_ca") {
		t.Errorf("error = %q", e)
	}

	// --insecure connects, and says so loudly.
	code, stdout, stderr = runArgs(t, "connect", "--insecure", "--send", "x", addr)
	if code != exitOK || !strings.Contains(stderr, "WARNING") || !strings.Contains(stdout, "NO: --insecure") {
		t.Errorf("--insecure: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestConnectWrongName(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	code, _, stderr := runArgs(t, "connect", "--ca", writeCA(t, ca), "--servername", "other.test", addr)
	if code != exitFail {
		t.Fatalf("exit %d, want %d", code, exitFail)
	}
	for _, want := range []string{"bad_certificate", "localhost", "--servername"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestConnectNoSharedSuite(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	// An RSA key transport suite cannot be served with an ECDSA key.
	code, _, stderr := runArgs(t, "connect", "--ca", writeCA(t, ca), "--servername", "localhost",
		"--max-version", "1.2", "--suites", "TLS_RSA_WITH_AES_128_GCM_SHA256", addr)
	if flat := strings.Join(strings.Fields(stderr), " "); code != exitFail || !strings.Contains(flat, "handshake_failure") || !strings.Contains(flat, "cipher suite") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestConnectRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, stderr := runArgs(t, "connect", addr)
	if code != exitFail || !strings.Contains(stderr, "Nothing is listening") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestConnectStdin(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	c, stdout, stderr := testCLI()
	c.stdin = io.MultiReader(strings.NewReader("from stdin"))
	code := c.run([]string{"connect", "--ca", writeCA(t, ca), "--servername", "localhost", "--timeout", "5s", addr})
	if code != exitOK || !strings.Contains(stdout.String(), "FROM STDIN") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestConnectWithoutEMS connects to a TLS 1.2 server without the
// extended master secret (RFC 7627): connect goes on and shows the
// warning, and refuses the server with --require-ems.
func TestConnectWithoutEMS(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	ln, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{
		Certificates:                []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}},
		MaxVersion:                  padlock.VersionTLS12,
		DisableExtendedMasterSecret: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				io.Copy(c, c)
			}()
		}
	}()
	caPath, addr := writeCA(t, ca), ln.Addr().String()
	code, stdout, stderr := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", "ping", "--timeout", "1s", addr)
	if code != exitOK || !strings.Contains(stdout, "no extended master secret") {
		t.Errorf("exit %d, want 0 with the warning\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, _, stderr = runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--require-ems", "--send", "ping", addr)
	flat := strings.Join(strings.Fields(stderr), " ")
	if code != exitFail || !strings.Contains(flat, "handshake_failure") || !strings.Contains(flat, "extended master secret") {
		t.Errorf("--require-ems: exit %d, want 1 naming handshake_failure\n%s", code, stderr)
	}
	if !strings.Contains(flat, "Leave out --require-ems") {
		t.Errorf("--require-ems: no advice\n%s", stderr)
	}
}

// TestConnectEarlyData resumes against `padlock serve`'s configuration
// with --max-early-data, sending the request as 0-RTT data.
func TestConnectEarlyData(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	cert := padlock.Certificate{Certificate: is.DER, PrivateKey: is.Key}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	sc := &padlock.Config{Certificates: []padlock.Certificate{cert}, MaxEarlyData: 1024}
	got := make(chan string, 2)
	go func() {
		for {
			raw, err := ln.Accept()
			if err != nil {
				return
			}
			raw.SetDeadline(time.Now().Add(10 * time.Second))
			c := padlock.Server(raw, sc)
			buf := make([]byte, 1024)
			n, _ := c.Read(buf)
			got <- string(buf[:n])
			c.Write([]byte("pong"))
			c.Close()
		}
	}()
	code, stdout, stderr := runArgs(t, "connect", "--ca", writeCA(t, ca), "--servername", "localhost",
		"--reconnect", "1", "--early-data", "ping", "--send", "x", ln.Addr().String())
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "accepted: 4 bytes sent with the ClientHello") {
		t.Errorf("output does not report the early data accepted:\n%s", stdout)
	}
	if first, second := <-got, <-got; first != "x" || second != "ping" {
		t.Errorf("server read %q then %q, want the first --send, then the early data alone", first, second)
	}
}

// TestConnectCertCompression connects to padlock serve, which compresses
// its certificate for a client that offers it (RFC 8879): connect offers
// brotli, zstd and zlib, and reports which one came, in text and in
// JSON; with --cert-compression=false it offers none and says so.
func TestConnectCertCompression(t *testing.T) {
	dir := t.TempDir()
	addr, _, _ := startServe(t, "--state-dir", dir)
	caPath := filepath.Join(dir, "ca.pem")
	send := `GET /api/handshake HTTP/1.0\r\n\r\n`

	code, stdout, stderr := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", send, addr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "cert compression") || !strings.Contains(stdout, "brotli") {
		t.Errorf("text output does not report brotli:\n%s", stdout)
	}
	code, stdout, stderr = runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", send, "--json", addr)
	if code != exitOK {
		t.Fatalf("--json: exit %d\n%s", code, stderr)
	}
	var rep struct {
		CertificateCompression *string `json:"certificate_compression"`
		Received               string  `json:"received"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.CertificateCompression == nil || *rep.CertificateCompression != "brotli" {
		t.Errorf("certificate_compression = %v, want brotli", rep.CertificateCompression)
	}
	// The server's page says the same from its side.
	if !strings.Contains(rep.Received, `"certificate_compression": "brotli: `) {
		t.Errorf("serve's report does not show brotli:\n%s", rep.Received)
	}

	code, stdout, stderr = runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", send, "--cert-compression=false", addr)
	if code != exitOK {
		t.Fatalf("--cert-compression=false: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "none: not offered") {
		t.Errorf("--cert-compression=false: text output does not say none was offered:\n%s", stdout)
	}
	code, stdout, _ = runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", send, "--cert-compression=false", "--json", addr)
	rep.CertificateCompression = nil
	if err := json.Unmarshal([]byte(stdout), &rep); code != exitOK || err != nil {
		t.Fatalf("--cert-compression=false --json: exit %d, %v\n%s", code, err, stdout)
	}
	if rep.CertificateCompression == nil || *rep.CertificateCompression != "" {
		t.Errorf("--cert-compression=false: certificate_compression = %v, want \"\"", rep.CertificateCompression)
	}
}
