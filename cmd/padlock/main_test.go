package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"padlock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// syncBuffer is a bytes.Buffer safe for the concurrent writes of serve.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testCLI returns a cli with captured output, empty standard input and
// an empty environment.
func testCLI() (*cli, *syncBuffer, *syncBuffer) {
	var stdout, stderr syncBuffer
	return &cli{
		ctx:    context.Background(),
		stdin:  strings.NewReader(""),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(string) string { return "" },
	}, &stdout, &stderr
}

// runArgs runs padlock with args and returns its exit status and output.
func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	c, stdout, stderr := testCLI()
	code := c.run(args)
	return code, stdout.String(), stderr.String()
}

func TestRunWrapper(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("help: exit %d", code)
	}
	if !strings.Contains(stdout.String(), "padlock demo") {
		t.Errorf("help does not mention padlock demo:\n%s", stdout.String())
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"demo", "--no-such-flag"},
		{"demo", "extra"},
		{"demo", "--version", "1.1"},
		{"demo", "--version", "2"},
		{"demo", "--kx", "dh"},
		{"demo", "--kx", "rsa", "--version", "1.3"},
		{"demo", "--kx", "rsa", "--key-type", "ed25519"},
		{"demo", "--key-type", "dsa"},
		{"demo", "--groups", "x448"},
		{"connect"},
		{"connect", "a:1", "b:2"},
		{"connect", "--min-version", "1.0", "localhost:1"},
		{"connect", "--min-version", "1.3", "--max-version", "1.2", "localhost:1"},
		{"connect", "--suites", "TLS_RSA_WITH_RC4_128_SHA", "localhost:1"},
		{"connect", "--groups", "ffdhe2048", "localhost:1"},
		{"connect", "--cert", "x.pem", "localhost:1"},
		{"connect", "--ca", "/nonexistent/ca.pem", "localhost:1"},
		{"connect", "--timeout", "0s", "localhost:1"},
		{"serve", "--client-auth", "sometimes", "--state-dir", "/nonexistent/padlock"},
		{"serve", "--cert", "x.pem", "--state-dir", "/nonexistent/padlock"},
		{"serve", "--suites", "nope", "--state-dir", "/nonexistent/padlock"},
		{"cert", "--key-type", "rsa-1024"},
		{"help", "frobnicate"},
	} {
		code, stdout, stderr := runArgs(t, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, exitUsage, stdout, stderr)
			continue
		}
		if !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: no usage on stderr:\n%s", args, stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"help", "demo"}, {"demo", "--help"}, {"connect", "-h"}, {"help", "serve"}, {"help", "cert"}} {
		code, stdout, _ := runArgs(t, args...)
		if code != exitOK {
			t.Errorf("%q: exit %d, want 0", args, code)
		}
		if !strings.Contains(stdout, "usage:") {
			t.Errorf("%q: no usage on stdout:\n%s", args, stdout)
		}
	}
	_, stdout, _ := runArgs(t, "help", "demo")
	for _, want := range []string{"--version 1.3|1.2", "--kx ecdhe|rsa", "--mtls", "--resume", "--json", "--keylog FILE"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo usage lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "--seed") || strings.Contains(stdout, "--now") {
		t.Errorf("demo usage shows the hidden flags:\n%s", stdout)
	}
	_, stdout, _ = runArgs(t, "help", "serve")
	for _, want := range []string{"--require-ems", "handshake_failure", "RFC 7627"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("serve usage lacks %q:\n%s", want, stdout)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]uint16{"1.2": padlock.VersionTLS12, "1.3": padlock.VersionTLS13, "TLS 1.3": padlock.VersionTLS13, "tls1.2": padlock.VersionTLS12} {
		if got, err := parseVersion(in); err != nil || got != want {
			t.Errorf("parseVersion(%q) = %#x, %v; want %#x", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.1", "1.4", "ssl3"} {
		if _, err := parseVersion(in); err == nil {
			t.Errorf("parseVersion(%q): no error", in)
		}
	}
}

func TestParseSuitesAndGroups(t *testing.T) {
	ids, err := parseSuites("tls_aes_256_gcm_sha384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,")
	if err != nil || len(ids) != 2 || ids[0] != padlock.TLS_AES_256_GCM_SHA384 || ids[1] != padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 {
		t.Errorf("parseSuites = %#x, %v", ids, err)
	}
	if _, err := parseSuites("TLS_NOPE"); err == nil || !strings.Contains(err.Error(), "TLS_AES_128_GCM_SHA256") {
		t.Errorf("unknown suite: error %v does not list the known suites", err)
	}
	groups, err := parseGroups("P-256,x25519mlkem768,secp384r1,X25519")
	want := []padlock.CurveID{padlock.CurveP256, padlock.X25519MLKEM768, padlock.CurveP384, padlock.X25519}
	if err != nil || len(groups) != len(want) {
		t.Fatalf("parseGroups = %v, %v", groups, err)
	}
	for i := range want {
		if groups[i] != want[i] {
			t.Errorf("group %d = %v, want %v", i, groups[i], want[i])
		}
	}
	if _, err := parseGroups(""); err == nil {
		t.Error("empty group list: no error")
	}
}

func TestHostPort(t *testing.T) {
	for in, want := range map[string][2]string{
		"example.com":      {"example.com:443", "example.com"},
		"example.com:8443": {"example.com:8443", "example.com"},
		"[::1]:8443":       {"[::1]:8443", "::1"},
		"::1":              {"[::1]:443", "::1"},
		"127.0.0.1:1":      {"127.0.0.1:1", "127.0.0.1"},
	} {
		addr, host, err := hostPort(in)
		if err != nil || addr != want[0] || host != want[1] {
			t.Errorf("hostPort(%q) = %q, %q, %v; want %q, %q", in, addr, host, err, want[0], want[1])
		}
	}
	if _, _, err := hostPort(":443"); err == nil {
		t.Error("hostPort(:443): no error")
	}
}

func TestUnescape(t *testing.T) {
	if got := unescape(`GET / HTTP/1.0\r\n\r\n\\n`); got != "GET / HTTP/1.0\r\n\r\n\\n" {
		t.Errorf("unescape = %q", got)
	}
}

func TestCert(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runArgs(t, "cert", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"ca.pem", "ca-key.pem", "server.pem", "server-key.pem"} {
		p := filepath.Join(dir, f)
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
		if !strings.Contains(stdout, p) {
			t.Errorf("output does not name %s:\n%s", p, stdout)
		}
	}
	cert, err := padlock.LoadX509KeyPair(filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.Leaf.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	ca1, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))

	// A second certificate reuses the CA.
	code, stdout, stderr = runArgs(t, "cert", "--out", dir, "--client", "--name", "alice", "--key-type", "ed25519")
	if code != exitOK {
		t.Fatalf("client cert: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "reused") {
		t.Errorf("second run does not say it reused the CA:\n%s", stdout)
	}
	ca2, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if !bytes.Equal(ca1, ca2) {
		t.Error("the CA changed on the second run")
	}
	client, err := padlock.LoadX509KeyPair(filepath.Join(dir, "alice.pem"), filepath.Join(dir, "alice-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if client.Leaf.Subject.CommonName != "alice" || len(client.Leaf.DNSNames) != 0 {
		t.Errorf("client certificate: CN %q, names %v", client.Leaf.Subject.CommonName, client.Leaf.DNSNames)
	}
}

func TestUseColor(t *testing.T) {
	// /dev/null is a character device, like a terminal.
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer devNull.Close()
	c, _, _ := testCLI()
	if !c.useColor(devNull) {
		t.Error("no colour for a character device")
	}
	if c.useColor(new(bytes.Buffer)) {
		t.Error("colour for a buffer")
	}
	c.getenv = func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return ""
	}
	if c.useColor(devNull) {
		t.Error("colour despite NO_COLOR")
	}
}
