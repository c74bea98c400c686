package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/cryptotest"

	"padlock"
)

func TestDemo(t *testing.T) {
	code, stdout, stderr := runArgs(t, "demo")
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	for _, want := range []string{
		"client ──▶ server  ClientHello",
		"client ◀── server  ServerHello",
		"client ◀── server  Certificate",
		"client ◀── server  CertificateVerify",
		"client ◀── server  Finished",
		"client ──▶ server  Finished",
		"certificate chain verified",
		`"hello from the padlock client"`,
		`"hello from the padlock server: got your 29 bytes"`,
		"Summary", "TLS 1.3", "What just happened",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Each message appears once, although both sides traced it.
	if n := strings.Count(stdout, "  ClientHello  ("); n != 1 {
		t.Errorf("ClientHello shown %d times, want 1", n)
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
}

// demoNormalize replaces what changes from run to run even with a fixed
// clock and seed: the port, and the values that depend on the freshly
// made keys and certificates.
var demoNormalize = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`\b[0-9a-f]{8}\b`), "xxxxxxxx"},
	{regexp.MustCompile(`Certificate  \(\d+ bytes\)`), "Certificate  (N bytes)"},
}

// TestDemoGolden checks the layout of the whole demo output. A fixed
// clock, a seeded random stream, x25519 and Ed25519 (deterministic
// signatures) make nearly all of it reproducible; the turn-taking of the
// two sides makes the order so.
func TestDemoGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"demo.golden", nil},
		{"demo_resume.golden", []string{"--resume"}},
		{"demo_tls12.golden", []string{"--version", "1.2"}},
		{"demo_ech.golden", []string{"--ech"}},
		{"demo_reveal.golden", []string{"--reveal"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if tc.file == "demo_ech.golden" || tc.file == "demo_reveal.golden" {
				// The ECH key and HPKE's ephemeral key come from
				// crypto/rand, and so do the certificates, whose size
				// shows in the records.
				cryptotest.SetGlobalRandom(t, 7)
			}
			args := append([]string{"demo", "--now", "2026-01-02T03:04:05Z", "--seed", "7", "--groups", "x25519", "--key-type", "ed25519"}, tc.args...)
			code, stdout, stderr := runArgs(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d\nstderr: %s", code, stderr)
			}
			got := stdout
			for _, n := range demoNormalize {
				got = n.re.ReplaceAllString(got, n.with)
			}
			golden(t, tc.file, got)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s: line %d differs:\n got: %q\nwant: %q\n(go test -update rewrites the file)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", path, len(gl), len(wl))
	}
}

func TestDemoJSON(t *testing.T) {
	code, stdout, stderr := runArgs(t, "demo", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	names := map[string]bool{}
	for i, line := range lines {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d does not parse: %v\n%s", i+1, err, line)
		}
		for _, k := range []string{"conn", "time_ms", "side", "direction", "step", "kind", "name", "explain", "fields", "raw"} {
			if _, ok := e[k]; !ok {
				t.Errorf("line %d lacks %q", i+1, k)
			}
		}
		if c, _ := e["conn"].(float64); c == 0 {
			t.Errorf("line %d names no connection", i+1)
		}
		names[e["name"].(string)] = true
	}
	for _, want := range []string{"ClientHello", "ServerHello", "Certificate", "Finished", "application data"} {
		if !names[want] {
			t.Errorf("no %s event", want)
		}
	}
}

func TestDemoVariants(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--version", "1.2"}, []string{"TLS 1.2", "ServerKeyExchange", "ClientKeyExchange",
			"What TLS 1.3 changes", "ServerKeyExchange and ClientKeyExchange above disappear"}},
		{[]string{"--kx", "rsa"}, []string{"TLS_RSA_WITH_AES_128_GCM_SHA256", "no forward secrecy",
			"What TLS 1.3 changes", "It removes the RSA key transport used here"}},
		{[]string{"--mtls"}, []string{"CertificateRequest", "client certificate  CN=padlock demo client", "client signature verified"}},
		{[]string{"--resume"}, []string{"Second connection", "resumed       yes"}},
		{[]string{"--ech", "--resume"}, []string{"ClientHelloInner", "ECH accepted", `the server saw SNI "localhost"`, "Second connection", "resumed       yes"}},
		{[]string{"--groups", "secp384r1", "--key-type", "ecdsa-p384", "--raw"}, []string{"secp384r1", "\n0000  "}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runArgs(t, append([]string{"demo"}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d\nstderr: %s", code, stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q", want)
				}
			}
		})
	}
}

func TestDemoKeyLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.log")
	c, _, stderr := testCLI()
	c.getenv = func(k string) string {
		if k == "SSLKEYLOGFILE" {
			return path
		}
		return ""
	}
	if code := c.run([]string{"demo"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"} {
		if !strings.Contains(string(data), label) {
			t.Errorf("key log lacks %s", label)
		}
	}
	if !strings.Contains(stderr.String(), path) {
		t.Errorf("no warning naming the key log: %q", stderr.String())
	}
}

func TestDemoFailure(t *testing.T) {
	c, _, stderr := testCLI()
	d := &demoRun{c: c, o: demoOptions{}}
	code := d.fail(demoResult{
		clientErr: &padlock.AlertError{Description: padlock.AlertProtocolVersion, Remote: true},
		serverErr: &padlock.AlertError{Description: padlock.AlertProtocolVersion, Err: errors.New("client offers TLS 1.2 only")},
	})
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	for _, want := range []string{"handshake failed", "client: padlock: remote alert: protocol_version", "client offers TLS 1.2 only", "does not speak any TLS version"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
