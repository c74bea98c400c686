package scan

import (
	"context"
	"crypto/x509"
	"net"
	"sync"
	"time"
)

// Options configure a Scanner. The zero value scans with the defaults.
type Options struct {
	// Timeout bounds each probe, connection included (default 5s).
	Timeout time.Duration
	// Concurrency bounds the probes in flight at once, over all the
	// targets of the Scanner (default 8).
	Concurrency int
	// RootCAs are the CAs the certificate is checked against; the
	// system pool when nil.
	RootCAs *x509.CertPool
	// KeepBytes keeps each finding's probe bytes (Finding.Probe).
	KeepBytes bool
	// Progress, when set, is told of each probe as it finishes: the
	// target and what the probe was. It may be called from many
	// goroutines at once.
	Progress func(target, probe string)
	// Dial, when set, opens the TCP connections (tests, proxies).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Now returns the time certificates are checked at; time.Now when
	// nil.
	Now func() time.Time
}

// Scanner scans TLS servers. It is safe for concurrent use; its
// Concurrency bound holds over all its scans.
type Scanner struct {
	opts Options
	sem  chan struct{}
}

// New returns a Scanner with the options given.
func New(opts Options) *Scanner {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	return &Scanner{opts: opts, sem: make(chan struct{}, opts.Concurrency)}
}

func (s *Scanner) timeout() time.Duration {
	if s.opts.Timeout > 0 {
		return s.opts.Timeout
	}
	return 5 * time.Second
}

func (s *Scanner) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// acquire takes one of the Concurrency slots; false when ctx ended first.
func (s *Scanner) acquire(ctx context.Context) bool {
	select {
	case s.sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Scanner) release() { <-s.sem }

// ScanAll scans the targets concurrently and returns their reports in
// the order given.
func (s *Scanner) ScanAll(ctx context.Context, targets []string) []*Report {
	reports := make([]*Report, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { reports[i] = s.Scan(ctx, t) })
	}
	wg.Wait()
	return reports
}

// Scan scans one target, HOST:PORT (HOST alone means port 443). It
// always returns a report: what could not be found out is in its Errors.
func (s *Scanner) Scan(ctx context.Context, target string) *Report {
	start := time.Now()
	r := &Report{Target: target, CipherSuites: map[string][]string{},
		SuiteOrder: map[string]string{}, Groups: map[string][]string{}}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		host, port = target, "443"
	}
	r.ServerName = hostSNI(host)
	t := &targetScan{s: s, r: r, addr: net.JoinHostPort(host, port), host: host}
	t.run(ctx)
	assess(t)
	r.ElapsedMS = time.Since(start).Milliseconds()
	return r
}
