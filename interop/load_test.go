package interop

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The load test's size; the defaults are what CI runs.
var (
	loadIdle       = flag.Int("load.idle", 10000, "TestLoad: idle connections held open")
	loadConcurrent = flag.Int("load.concurrent", 1000, "TestLoad: handshakes run at once")
)

// loadTimeout bounds each process of the load test. One run takes about
// 15 seconds on two cores.
const loadTimeout = 100 * time.Second

// TestLoad builds cmd/padlockload and runs its server and client as two
// processes (each may hold 20,000 files here), with padlock and then with
// crypto/tls: 10,000 idle connections held open, then 1,000 handshakes at
// once. Every connection must succeed; the memory figures are logged.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test takes half a minute; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the load test reads /proc")
	}
	bin := buildPadlockLoad(t)
	figures := map[string]map[string]string{}
	for _, st := range []string{"padlock", "cryptotls"} {
		t.Run(st, func(t *testing.T) { figures[st] = runLoad(t, bin, st) })
	}
	p, c := figures["padlock"], figures["cryptotls"]
	if p != nil && c != nil {
		t.Logf("memory per idle connection (server RSS): padlock %s B, crypto/tls %s B; Go heap: padlock %s B, crypto/tls %s B",
			p["server_rss_bytes_per_idle_conn"], c["server_rss_bytes_per_idle_conn"],
			p["server_heap_bytes_per_idle_conn"], c["server_heap_bytes_per_idle_conn"])
	}
}

// buildPadlockLoad builds the load program into the test's directory.
func buildPadlockLoad(t *testing.T) string {
	t.Helper()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin := filepath.Join(t.TempDir(), "padlockload")
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, gobin, "build", "-o", bin, "padlock/cmd/padlockload").CombinedOutput()
	if err != nil {
		t.Fatalf("go build padlock/cmd/padlockload: %v\n%s", err, out)
	}
	return bin
}

var loadAddrRE = regexp.MustCompile(`tls=(\S+) control=(\S+)`)

// runLoad runs one server and one client of stack st and returns the
// client's report.
func runLoad(t *testing.T, bin, st string) map[string]string {
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	server := exec.CommandContext(ctx, bin, "server", "-print-addr", "-stack", st)
	server.WaitDelay = time.Second
	// Stop it with SIGTERM, so that it exits through its own path.
	server.Cancel = func() error { return server.Process.Signal(syscall.SIGTERM) }
	var serverErr strings.Builder
	server.Stderr = &serverErr
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		server.Process.Signal(syscall.SIGTERM)
		if err := server.Wait(); err != nil {
			t.Errorf("server: %v\n%s", err, serverErr.String())
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := loadAddrRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("server printed %q, %v; stderr:\n%s", line, err, serverErr.String())
	}
	client := exec.CommandContext(ctx, bin, "client", "-stack", st, "-addr", m[1], "-control", m[2],
		"-idle", strconv.Itoa(*loadIdle), "-concurrent", strconv.Itoa(*loadConcurrent))
	began := time.Now()
	out, err := client.Output()
	report := parseLoadReport(string(out))
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Errorf("client: %v\n%s%s", err, out, stderr)
	}
	for _, k := range []string{"idle_failures", "concurrent_failures", "idle_alive_failures", "server_handshake_failures"} {
		if report[k] != "0" {
			t.Errorf("%s = %q, want 0", k, report[k])
		}
	}
	if report["idle_connections"] != strconv.Itoa(*loadIdle) {
		t.Errorf("idle_connections = %q, want %d", report["idle_connections"], *loadIdle)
	}
	t.Logf("%s: %d idle connections, %d at once, in %.1fs:\n%s", st, *loadIdle, *loadConcurrent,
		time.Since(began).Seconds(), formatLoadReport(out))
	return report
}

// parseLoadReport reads the client's key=value lines.
func parseLoadReport(out string) map[string]string {
	r := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			r[k] = v
		}
	}
	return r
}

// formatLoadReport indents the report for the test log.
func formatLoadReport(out []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fmt.Fprintf(&b, "    %s\n", line)
	}
	return b.String()
}
