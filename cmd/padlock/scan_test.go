package main

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"padlock/internal/pki"
	"padlock/scan"
)

// TestScanJSON scans two crypto/tls servers, one named on the command
// line and one in --targets, and reads one JSON report per target.
func TestScanJSON(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	a, b := echoServer(t, ca, is), echoServer(t, ca, is)
	targets := filepath.Join(t.TempDir(), "targets")
	os.WriteFile(targets, []byte("# more\n"+b+"\n\n"), 0o600)
	code, stdout, stderr := runArgs(t, "scan", "--ca", writeCA(t, ca), "--json", "--targets", targets, a)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	var got []string
	for sc.Scan() {
		var r scan.Report
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		got = append(got, r.Target)
		if len(r.Versions) != 2 || r.CipherSuites["TLS 1.3"] == nil || r.Grade.Grade == "" || r.Certificate == nil || !r.Certificate.Trusted {
			t.Errorf("report of %s: %s", r.Target, sc.Text())
		}
	}
	if strings.Join(got, " ") != a+" "+b {
		t.Errorf("targets %v, want %s then %s", got, a, b)
	}
}

// TestScanText checks the text report's parts, and the probe bytes of
// --show-bytes.
func TestScanText(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	code, stdout, stderr := runArgs(t, "scan", "--show-bytes", addr) // the test CA is not trusted
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{addr + "  grade F", "versions       TLS 1.2, TLS 1.3", "TLS 1.3        3 suites",
		"CRITICAL cert_untrusted", "ClientHello", "legacy_version", "X25519MLKEM768"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\x1b[") || stderr != "" {
		t.Errorf("colour or progress off a terminal: stderr %q", stderr)
	}
}

// TestScanUsageAndFailure checks the exit statuses: 2 without a target
// or with a bad flag value, 1 for a target that does not answer.
func TestScanUsageAndFailure(t *testing.T) {
	if code, _, _ := runArgs(t, "scan"); code != exitUsage {
		t.Errorf("no target: exit %d", code)
	}
	if code, _, _ := runArgs(t, "scan", "--concurrency", "0", "localhost:1"); code != exitUsage {
		t.Errorf("--concurrency 0: exit %d", code)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	code, stdout, _ := runArgs(t, "scan", "--timeout", "1s", addr)
	if code != exitFail || !strings.Contains(stdout, "probe error") {
		t.Errorf("closed port: exit %d\n%s", code, stdout)
	}
}
