package main

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
)

// TestConnectBriefQuietShowcerts: --brief prints the summary and no
// steps, --quiet the data alone, --showcerts the chain in PEM that
// openssl x509 reads.
func TestConnectBriefQuietShowcerts(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	caPath := writeCA(t, ca)
	base := []string{"connect", "--ca", caPath, "--servername", "localhost", "--send", "ping"}

	code, stdout, stderr := runArgs(t, append(base, "--brief", addr)...)
	if code != exitOK || !strings.Contains(stdout, "Negotiated with") || strings.Contains(stdout, "ClientHello") || !strings.Contains(stdout, "PING") {
		t.Errorf("--brief: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runArgs(t, append(base, "--quiet", addr)...)
	if code != exitOK || strings.TrimSpace(stdout) != "PING" {
		t.Errorf("--quiet: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runArgs(t, append(base, "--quiet", "--showcerts", addr)...)
	if code != exitOK {
		t.Fatalf("--showcerts: exit %d\n%s", code, stderr)
	}
	var blocks int
	rest := []byte(stdout)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		blocks++
	}
	if blocks != 2 {
		t.Fatalf("--showcerts printed %d certificates, want the 2 sent:\n%s", blocks, stdout)
	}
	openssl := requirePeer(t, "openssl", "openssl")
	file := filepath.Join(t.TempDir(), "chain.pem")
	os.WriteFile(file, []byte(stdout), 0o644)
	out, err := exec.Command(openssl, "x509", "-in", file, "-noout", "-subject").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "localhost") {
		t.Errorf("openssl x509: %v\n%s", err, out)
	}
	if code, _, stderr := runArgs(t, append(base, "--brief", "--json", addr)...); code != exitUsage {
		t.Errorf("--brief --json: exit %d\n%s", code, stderr)
	}
}

// TestConnectInsecureSaysWhy: --insecure still verifies, and says what
// it found: an unknown CA, an expired certificate.
func TestConnectInsecureSaysWhy(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	code, stdout, stderr := runArgs(t, "connect", "--insecure", "--servername", "localhost", "--send", "x", addr)
	if code != exitOK || !strings.Contains(flat(stdout), "no CA you trust signed it") {
		t.Errorf("unknown CA: exit %d\n%s\n%s", code, stdout, stderr)
	}
	expired, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost"}, NotBefore: time.Now().Add(-10 * 24 * time.Hour), NotAfter: time.Now().Add(-3 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	addr = echoServer(t, ca, expired)
	code, stdout, stderr = runArgs(t, "connect", "--insecure", "--ca", writeCA(t, ca), "--servername", "localhost", "--send", "x", addr)
	if code != exitOK || !strings.Contains(flat(stdout), "the certificate expired 3 days ago") {
		t.Errorf("expired: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// flat joins the words of a wrapped table into one line.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
