package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"padlock"
)

func TestBenchList(t *testing.T) {
	code, out, _ := runArgs(t, "bench", "--list", "--filter", "Handshake12")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "Handshake12/") {
		t.Errorf("list:\n%s", out)
	}
}

// TestBenchJSON runs one small group and checks the report.
func TestBenchJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs benchmarks")
	}
	code, out, errOut := runArgs(t, "bench", "--filter", "Echo64 pipe", "--benchtime", "20ms", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r benchReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 3 || len(r.Rows) != 1 || r.Accept != nil || r.Count != 1 {
		t.Fatalf("report: %+v", r)
	}
	if row := r.Rows[0]; row.Padlock == nil || row.CryptoTLS == nil || row.Floor == nil || row.VsCryptoTLS == 0 {
		t.Errorf("row: %+v", row)
	}
}

func TestBenchUsage(t *testing.T) {
	if code, _, _ := runArgs(t, "bench", "--filter", "no such benchmark", "--accept=false"); code != exitUsage {
		t.Errorf("a filter matching nothing: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runArgs(t, "bench", "--count", "0"); code != exitUsage {
		t.Errorf("--count 0: exit %d, want %d", code, exitUsage)
	}
}

// TestTracingCostRuns: the tracing comparison of padlock bench loads a
// traced and an untraced server with openssl s_time and measures this
// process's CPU for each (the target itself is checked by padlock bench,
// on a quiet machine, not here).
func TestTracingCostRuns(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	dir := t.TempDir()
	certFile, keyFile, err := acceptCertificate(dir)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := padlock.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, traced := range []bool{true, false} {
		n, cpu, err := loadInProcess(openssl, cert, traced, time.Second)
		if err != nil || n == 0 || cpu <= 0 {
			t.Errorf("traced %v: %d connections, %v of CPU, %v", traced, n, cpu, err)
		}
	}
}
