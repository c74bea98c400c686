package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoRevealMatchesKeyLog checks demo --reveal against the key log
// the same run writes: every line of the log is a revealed secret with
// the same value, and the records and the key schedule's steps are there.
func TestDemoRevealMatchesKeyLog(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string // revealed secrets that must be there
	}{
		{"TLS 1.3", nil, []string{"early_secret", "handshake_secret", "master_secret", "client handshake write_key", "server application write_iv"}},
		{"TLS 1.2", []string{"--version", "1.2"}, []string{"pre_master_secret", "master_secret", "key_block", "client_write_key", "server_write_IV"}},
		{"TLS 1.2 RSA", []string{"--kx", "rsa"}, []string{"pre_master_secret", "master_secret", "key_block"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys.log")
			code, stdout, stderr := runArgs(t, append([]string{"demo", "--reveal", "--json", "--keylog", path}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d\nstderr: %s", code, stderr)
			}
			revealed := map[string]string{} // key log label -> value
			names := map[string]bool{}
			records := 0
			for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
				var e struct {
					Kind, Name string
					Fields     []struct{ Name, Value string }
				}
				if err := json.Unmarshal([]byte(line), &e); err != nil {
					t.Fatalf("%v: %s", err, line)
				}
				if e.Kind == "record" {
					records++
				}
				if e.Kind != "secret" || !strings.HasPrefix(e.Name, "revealed ") {
					continue
				}
				names[strings.TrimPrefix(e.Name, "revealed ")] = true
				var value, label string
				for _, f := range e.Fields {
					switch f.Name {
					case "value":
						value = f.Value
					case "key log":
						label = f.Value
					}
				}
				if label != "" {
					revealed[label] = value
				}
			}
			for _, n := range tc.want {
				if !names[n] {
					t.Errorf("%s not revealed", n)
				}
			}
			if records == 0 {
				t.Error("no record events")
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			for _, line := range lines {
				f := strings.Fields(line)
				if len(f) != 3 {
					t.Fatalf("key log line %q", line)
				}
				if got, ok := revealed[f[0]]; !ok {
					t.Errorf("%s is in the key log but was not revealed", f[0])
				} else if got != f[2] {
					t.Errorf("%s: revealed %s, key log %s", f[0], got, f[2])
				}
			}
		})
	}
}

// TestDemoWithoutRevealShowsNoSecret checks that the plain demo's trace
// holds no value of its key log.
func TestDemoWithoutRevealShowsNoSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.log")
	code, stdout, stderr := runArgs(t, "demo", "--json", "--records", "--keylog", path)
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if secret := strings.Fields(line)[2]; strings.Contains(stdout, secret) {
			t.Errorf("the trace shows %s", strings.Fields(line)[0])
		}
	}
	if !strings.Contains(stdout, `"kind":"record"`) {
		t.Error("--records traced no record")
	}
}

// TestOnlyDemoReveals checks that no command but demo sets
// Config.RevealSecrets: connect and serve never show secrets.
func TestOnlyDemoReveals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasPrefix(f, "demo") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "RevealSecrets") && !strings.HasSuffix(f, "_test.go") {
			t.Errorf("%s sets RevealSecrets: only the demo, which owns both sides, may", f)
		}
	}
}

// TestDemoRevealSVG checks that the diagram of demo --reveal is the
// handshake's: no revealed secret and no record is drawn.
func TestDemoRevealSVG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hs.svg")
	code, _, stderr := runArgs(t, "demo", "--reveal", "--svg", path)
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"revealed", "record", "master_secret"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("the diagram shows %q", bad)
		}
	}
	if !strings.Contains(string(b), "ClientHello") {
		t.Error("the diagram lacks the ClientHello")
	}
}
