package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestTable checks the ratios and targets of a handshake row.
func TestTable(t *testing.T) {
	results := []Result{
		{Group: "Handshake13/x", Stack: StackPadlock, CPUNsPerOp: 80, AllocsPerOp: 40},
		{Group: "Handshake13/x", Stack: StackCryptoTLS, CPUNsPerOp: 100, AllocsPerOp: 100},
		{Group: "Handshake13/x", Stack: StackFloor, CPUNsPerOp: 50},
		{Group: "Echo64/pipe", Stack: StackPadlock, NsPerOp: 10, AllocsPerOp: 1},
	}
	rows := Table(results)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	hs := rows[0]
	if hs.VsCryptoTLS != 0.8 || hs.VsFloor != 1.6 || hs.AllocsVsCryptoTLS != 0.4 {
		t.Errorf("ratios %v %v %v", hs.VsCryptoTLS, hs.VsFloor, hs.AllocsVsCryptoTLS)
	}
	if len(hs.Targets) != 2 || !hs.Targets[0].Met || !hs.Targets[1].Met {
		t.Errorf("handshake targets %+v", hs.Targets)
	}
	if echo := rows[1]; len(echo.Targets) != 1 || echo.Targets[0].Met || AllMet(rows) {
		t.Errorf("an allocating echo passes: %+v", echo.Targets)
	}
	var out bytes.Buffer
	if err := WriteTable(&out, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "MISSED") || !strings.Contains(out.String(), "Handshake13/x") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestRun runs one small group through Run, as padlock bench does, and
// checks every stack produced a result with its median.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs benchmarks")
	}
	var ran []string
	results := Run("Echo64 pipe", 20*time.Millisecond, 2, func(c Case, round int) { ran = append(ran, c.Name()) })
	if len(results) != 3 || len(ran) != 6 {
		t.Fatalf("%d results from %d runs", len(results), len(ran))
	}
	for _, r := range results {
		if r.Err != "" || r.Runs != 2 || r.NsPerOp <= 0 {
			t.Errorf("%s: %+v", r.Name, r)
		}
		if r.Stack == StackPadlock && r.AllocsPerOp != 0 && !raceEnabled {
			t.Errorf("padlock echo allocates %d times per round trip", r.AllocsPerOp)
		}
	}
}

// TestCaseNames checks that every benchmark has a unique name and that
// Select finds them by words.
func TestCaseNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Cases() {
		if seen[c.Name()] {
			t.Errorf("two benchmarks named %s", c.Name())
		}
		seen[c.Name()] = true
	}
	if n := len(Select("handshake13 PADLOCK")); n != 6 {
		t.Errorf("Select found %d TLS 1.3 padlock handshakes, want 6", n)
	}
}

func TestHuman(t *testing.T) {
	for x, want := range map[float64]string{0.5: "0.50", 12.34: "12.3", 595: "595", 2812: "2812", 73400: "73.4k", 734000: "734k", 1.03e6: "1.03M", 1.15e9: "1.15G"} {
		if got := human(x); got != want {
			t.Errorf("human(%v) = %q, want %q", x, got, want)
		}
	}
}

// TestTableFirstByte checks that a FirstByte row compares ms/req and
// says why it has no crypto/tls column.
func TestTableFirstByte(t *testing.T) {
	rows := Table([]Result{{Group: "FirstByte/resumed-0rtt", Stack: StackPadlock, Metrics: map[string]float64{"ms/req": 21.4}}})
	if len(rows) != 1 || rows[0].Metric != "ms/req" || rows[0].Note == "" || len(rows[0].Targets) != 0 {
		t.Fatalf("rows %+v", rows)
	}
	var out bytes.Buffer
	if err := WriteTable(&out, rows); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "21.4") || !strings.Contains(s, "no 0-RTT outside QUIC") {
		t.Errorf("table:\n%s", s)
	}
}

// TestTableWidth: the default table fits 100 columns, its notes wrapped
// below their rows; the wide one has them on the row.
func TestTableWidth(t *testing.T) {
	rows := Table([]Result{
		{Group: "Handshake13/x25519-ecdsa-cold", Stack: StackPadlock, CPUNsPerOp: 800, NsPerOp: 800, AllocsPerOp: 40},
		{Group: "Handshake13/x25519-ecdsa-cold", Stack: StackCryptoTLS, CPUNsPerOp: 1000, NsPerOp: 1000, AllocsPerOp: 100},
		{Group: "FirstByte/resumed-0rtt", Stack: StackPadlock, Metrics: map[string]float64{"ms/req": 21.4}},
	})
	var narrow, wide bytes.Buffer
	WriteTable(&narrow, rows)
	WriteWideTable(&wide, rows)
	for _, l := range strings.Split(narrow.String(), "\n") {
		if len(l) > 100 {
			t.Errorf("a line of %d columns:\n%s", len(l), l)
		}
	}
	if !strings.Contains(narrow.String(), "\n    ") || !strings.Contains(wide.String(), "ns/op pl") {
		t.Errorf("narrow:\n%s\nwide:\n%s", narrow.String(), wide.String())
	}
}
