package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"padlock/bench"
)

const benchAbout = `
Runs padlock's benchmarks beside their crypto/tls twins and the floor set
by the primitives both use, and prints one table: for each benchmark the
ratios padlock / crypto/tls and padlock / floor, then ns/op, B/op and
allocs/op of each, and whether the performance targets are met
(docs/PERFORMANCE.md). Handshakes compare CPU time (both sides, garbage
collection included), transfers throughput, idle connections the heap
they hold (IdleConn/tls13: nobody reading; IdleConn/tls13/reading: a
Read pending on each side, as on a server's keep-alive connection), and
FirstByte the time to a resumed request's answer with and
without 0-RTT, over a 20 ms round trip (padlock only). The -ech row is
the x25519 handshake with Encrypted Client Hello, for its cost beside the
plain one.

--filter keeps the benchmarks whose names contain every word given, e.g.
--filter "Handshake13 padlock". Unless --accept=false, it then times new
TLS 1.3 connections to padlock serve and to openssl s_server, both with
the same certificate, under the same openssl s_time load, when openssl
is on PATH, and measures what serve's tracing costs: the CPU per new
connection of a server set up as serve's, traced for its page and not,
and the server side of a handshake alone: the CPU per new TLS 1.3 and
TLS 1.2 connection of padlock's and crypto/tls's library servers (all
this takes eight times --accept-time). --count 5 runs everything five
times and reports medians: use it on a machine shared with other work.
`

// benchReport is what bench --json prints.
type benchReport struct {
	Machine machine           `json:"machine"`
	Count   int               `json:"count"` // runs per benchmark; values are medians
	Results []bench.Result    `json:"results"`
	Rows    []bench.Row       `json:"rows"`
	Accept  *acceptResult     `json:"accept,omitempty"`
	Tracing *tracingResult    `json:"tracing,omitempty"`
	Servers []serverHandshake `json:"server_handshakes,omitempty"`
	AllMet  bool              `json:"all_targets_met"`
}

// machine describes where the benchmarks ran.
type machine struct {
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model,omitempty"`
}

func thisMachine() machine {
	m := machine{GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func (c *cli) bench(args []string) int {
	fs := c.newFlags("bench", "padlock bench [flags]", benchAbout)
	filter := fs.String("filter", "", "run only the benchmarks whose names contain every one of these `WORDS`")
	benchtime := fs.Duration("benchtime", time.Second, "how long to run each benchmark")
	count := fs.Int("count", 1, "run every benchmark `N` times, in rounds, and report the medians")
	asJSON := fs.Bool("json", false, "print the results, the table and the machine as JSON")
	list := fs.Bool("list", false, "list the benchmarks and exit")
	wide := fs.Bool("wide", false, "print the table with every column on one line a row (some 190 columns) instead of 100 with the targets below each row")
	accept := fs.Bool("accept", true, "also compare the connection rate of padlock serve and openssl s_server, serve's CPU per connection traced and untraced, and the server handshake CPU of padlock and crypto/tls, under openssl s_time (skipped without openssl)")
	acceptTime := fs.Duration("accept-time", 15*time.Second, "how long openssl s_time loads each server, in three rounds")
	fs.argName("benchtime", "DURATION")
	fs.argName("accept-time", "DURATION")
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) > 0 {
		return fs.usageError("unexpected argument %q", pos[0])
	}
	if *list {
		for _, k := range bench.Select(*filter) {
			fmt.Fprintln(c.stdout, k.Name())
		}
		return exitOK
	}
	if *filter != "" && !fs.isSet("accept") {
		*accept = false // a filtered run is about the benchmarks it names
	}
	cases := len(bench.Select(*filter))
	if cases == 0 && !*accept {
		return fs.usageError("--filter %q matches no benchmark (padlock bench --list shows their names)", *filter)
	}
	report := benchReport{Machine: thisMachine()}
	if *count < 1 {
		return fs.usageError("--count must be at least 1")
	}
	report.Count = *count
	done := 0
	report.Results = bench.Run(*filter, *benchtime, *count, func(k bench.Case, round int) {
		done++
		fmt.Fprintf(c.stderr, "padlock bench: [%d/%d] %s (round %d of %d)\n", done, cases**count, k.Name(), round+1, *count)
	})
	report.Rows = bench.Table(report.Results)
	failed := false
	for _, r := range report.Results {
		if r.Err != "" {
			fmt.Fprintf(c.stderr, "padlock bench: %s: %s\n", r.Name, r.Err)
			failed = true
		}
	}
	if _, err := exec.LookPath("openssl"); *accept && err != nil {
		fmt.Fprintf(c.stderr, "padlock bench: no openssl on PATH: the connection rate is not compared\n")
		*accept = false
	}
	if *accept {
		fmt.Fprintf(c.stderr, "padlock bench: openssl s_time against padlock serve and openssl s_server\n")
		a, err := compareAccept(c.stderr, *acceptTime)
		if err != nil {
			fmt.Fprintf(c.stderr, "padlock bench: accept: %v\n", err)
			failed = true
		} else {
			report.Accept = a
		}
		tr, err := compareTracing(c.stderr, *acceptTime)
		if err != nil {
			fmt.Fprintf(c.stderr, "padlock bench: tracing: %v\n", err)
			failed = true
		} else {
			report.Tracing = tr
		}
		sh, err := compareServerHandshakes(c.stderr, *acceptTime)
		if err != nil {
			fmt.Fprintf(c.stderr, "padlock bench: server handshakes: %v\n", err)
			failed = true
		} else {
			report.Servers = sh
		}
	}
	report.AllMet = bench.AllMet(report.Rows) && (report.Accept == nil || report.Accept.Met) &&
		(report.Tracing == nil || report.Tracing.Met) && serversMet(report.Servers)
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(report)
	} else {
		c.printBenchReport(report, *wide)
	}
	if failed {
		return exitFail
	}
	return exitOK
}

// printBenchReport prints the table and what ran where.
func (c *cli) printBenchReport(r benchReport, wide bool) {
	m := r.Machine
	fmt.Fprintf(c.stdout, "padlock bench: %s %s/%s, %d CPUs, %s; medians of %d runs\n\n",
		m.GoVersion, m.OS, m.Arch, m.CPUs, m.CPUModel, r.Count)
	if wide {
		bench.WriteWideTable(c.stdout, r.Rows)
	} else {
		bench.WriteTable(c.stdout, r.Rows)
	}
	if a := r.Accept; a != nil {
		fmt.Fprintf(c.stdout, "\nnew TLS 1.3 connections/s under openssl s_time: padlock serve %.0f, openssl s_server %.0f (padlock/openssl %.2f; target >= 1: %s)\n",
			a.Padlock, a.OpenSSL, a.Padlock/a.OpenSSL, okOrMissed(a.Met))
	}
	if tr := r.Tracing; tr != nil {
		fmt.Fprintf(c.stdout, "serve's tracing: %.0f us of CPU per new TLS 1.3 connection traced, %.0f untraced (%.2fx; target <= %.2fx: %s)\n",
			tr.TracedMicros, tr.UntracedMicros, tr.Ratio, maxTracingCost, okOrMissed(tr.Met))
	}
	for _, sh := range r.Servers {
		fmt.Fprintf(c.stdout, "server handshake, %s ECDSA: %.0f us of CPU per new connection for padlock, %.0f for crypto/tls (%.2fx; target <= %.2fx: %s)\n",
			sh.Version, sh.PadlockMicros, sh.CryptoTLSMicros, sh.Ratio, maxServerHandshakeCPU, okOrMissed(sh.Met))
	}
	verdict := "every target met"
	if !r.AllMet {
		verdict = "some targets MISSED"
	}
	fmt.Fprintf(c.stdout, "\n%s\n", verdict)
}

// serversMet reports whether every server handshake row meets its target.
func serversMet(rows []serverHandshake) bool {
	for _, r := range rows {
		if !r.Met {
			return false
		}
	}
	return true
}

func okOrMissed(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}
