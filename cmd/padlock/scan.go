package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"padlock/scan"
)

const scanAbout = `
Finds out what TLS servers accept and whether it is safe, like testssl.sh:
protocol versions (SSL 2.0 to TLS 1.3), cipher suites per version in the
server's order, key exchange groups (post-quantum hybrids included),
signature schemes per certificate, the certificate chain and its checks,
session resumption, ALPN and the features that matter for security. Each
problem is a finding with a stable id, a severity and an explanation of
what to change; the grade (A+ to F) says which finding set it.

Probes are padlock's own ClientHellos: most need only the server's first
answer, so versions and suites padlock does not implement (SSL 3.0, RC4,
CBC, export) are found without speaking them. Every probe has a deadline.
Exit status 1 means some target could not be scanned at all.
`

func (c *cli) scan(args []string) int {
	fs := c.newFlags("scan", "padlock scan [flags] HOST:PORT [HOST:PORT ...]", scanAbout)
	jsonOut := fs.Bool("json", false, "print one JSON object per target, one per line, instead of text")
	targetsFile := fs.String("targets", "", "read more targets from `FILE`, one HOST:PORT a line (# starts a comment)")
	concurrency := fs.Int("concurrency", 8, "how many probes run at once, over all targets")
	timeout := fs.Duration("timeout", 5*time.Second, "the deadline of each probe, connection included")
	caFile := fs.String("ca", "", "check certificates against the CAs in `FILE` (PEM) instead of the system's")
	showBytes := fs.Bool("show-bytes", false, "show, under each finding, the bytes of the probe that found it")
	fs.argNames(map[string]string{"concurrency": "N", "timeout": "DURATION"})
	targets, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if *targetsFile != "" {
		more, err := readTargets(*targetsFile)
		if err != nil {
			return fs.usageError("--targets: %v", err)
		}
		targets = append(targets, more...)
	}
	if len(targets) == 0 {
		return fs.usageError("no target: give HOST:PORT or --targets FILE")
	}
	if *concurrency < 1 || *timeout <= 0 {
		return fs.usageError("--concurrency must be 1 or more and --timeout positive")
	}
	opts := scan.Options{Timeout: *timeout, Concurrency: *concurrency, KeepBytes: *showBytes, Now: c.now}
	for _, t := range targets {
		if _, _, err := hostPort(t); err != nil {
			return fs.usageError("%v", err)
		}
	}
	if *caFile != "" {
		if opts.RootCAs, err = loadPool(*caFile); err != nil {
			return fs.usageError("--ca: %v", err)
		}
	}
	progress := c.newScanProgress(len(targets))
	opts.Progress = progress.probe
	reports := scan.New(opts).ScanAll(c.ctx, targets)
	progress.done()
	return c.printScan(reports, *jsonOut, *showBytes)
}

// printScan writes the reports and returns the exit status.
func (c *cli) printScan(reports []*scan.Report, jsonOut, showBytes bool) int {
	code := exitOK
	enc := json.NewEncoder(c.stdout)
	for i, r := range reports {
		if len(r.Versions) == 0 {
			code = exitFail
		}
		if jsonOut {
			enc.Encode(r)
			continue
		}
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		w := &scanText{w: bufio.NewWriter(c.stdout), color: c.useColor(c.stdout), showBytes: showBytes}
		w.report(r)
		w.w.Flush()
	}
	return code
}

// readTargets reads a targets file: one HOST:PORT a line; blank lines
// and # comments are skipped.
func readTargets(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, nil
}

// scanProgress keeps a line on stderr, when it is a terminal, that says
// how far the scans are.
type scanProgress struct {
	c       *cli
	on      bool
	targets int
	mu      sync.Mutex
	probes  int
	last    time.Time
}

func (c *cli) newScanProgress(targets int) *scanProgress {
	f, ok := c.stderr.(*os.File)
	return &scanProgress{c: c, on: ok && isTerminal(f), targets: targets}
}

// probe is scan.Options.Progress.
func (p *scanProgress) probe(target, what string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probes++
	if time.Since(p.last) < 50*time.Millisecond {
		return
	}
	p.last = time.Now()
	line := fmt.Sprintf("scanning %d target(s): %d probes; %s: %s", p.targets, p.probes, target, what)
	fmt.Fprintf(p.c.stderr, "\r\x1b[K%s", truncate(line, 78))
}

// done clears the progress line.
func (p *scanProgress) done() {
	if p.on {
		fmt.Fprint(p.c.stderr, "\r\x1b[K")
	}
}

// truncate cuts s to n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
