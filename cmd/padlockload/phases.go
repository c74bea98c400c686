package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"padlock/trace"
)

// ping is what a client sends to check that a connection echoes.
var ping = []byte("ping\n")

// echo sends ping on c and reads it back, within timeout.
func echo(c net.Conn, timeout time.Duration) error {
	c.SetDeadline(time.Now().Add(timeout))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(ping); err != nil {
		return err
	}
	buf := make([]byte, len(ping))
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if string(buf) != string(ping) {
		return fmt.Errorf("echo: got %q", buf)
	}
	return nil
}

// oneConnection connects, checks the echo and closes.
func oneConnection(ctx context.Context, dial dialFunc, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := dial(ctx, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	return echo(c, timeout)
}

// errorLog prints the first few errors of a phase, not thousands.
type errorLog struct {
	w      io.Writer
	phase  string
	mu     sync.Mutex
	logged int
}

func (l *errorLog) log(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.logged < 5 {
		// A handshake error may quote the server: print it as text.
		fmt.Fprintf(l.w, "padlockload client: %s: %s\n", l.phase, trace.Printable(err.Error()))
	}
	l.logged++
}

// idleSet is the connections held open.
type idleSet struct {
	conns    []net.Conn
	failures int
	elapsed  time.Duration
}

// openIdle opens o.idle connections, o.workers handshakes at a time, each
// checked with an echo and then left idle.
func openIdle(ctx context.Context, dial dialFunc, o clientOptions, logw io.Writer) *idleSet {
	start := time.Now()
	conns := make([]net.Conn, o.idle)
	var failures atomic.Int64
	elog := &errorLog{w: logw, phase: "idle connection"}
	parallel(o.idle, o.workers, func(i int) {
		ctx, cancel := context.WithTimeout(ctx, o.timeout)
		defer cancel()
		c, err := dial(ctx, o.addr)
		if err == nil {
			if err = echo(c, o.timeout); err != nil {
				c.Close()
			}
		}
		if err != nil {
			failures.Add(1)
			elog.log(err)
			return
		}
		conns[i] = c
	})
	s := &idleSet{failures: int(failures.Load()), elapsed: time.Since(start)}
	for _, c := range conns {
		if c != nil {
			s.conns = append(s.conns, c)
		}
	}
	return s
}

// checkAlive checks that every idle connection still echoes, and returns
// how many do not.
func (s *idleSet) checkAlive(o clientOptions, logw io.Writer) int {
	var failures atomic.Int64
	elog := &errorLog{w: logw, phase: "idle connection after the burst"}
	parallel(len(s.conns), o.workers, func(i int) {
		if err := echo(s.conns[i], o.timeout); err != nil {
			failures.Add(1)
			elog.log(err)
		}
	})
	return int(failures.Load())
}

func (s *idleSet) closeAll() {
	for _, c := range s.conns {
		c.Close()
	}
}

// parallel calls f(0) ... f(n-1), at most workers at a time.
func parallel(n, workers int, f func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// burstResult is what the concurrent phase measured.
type burstResult struct {
	workers    int // clients at once
	handshakes int
	failures   int
	elapsed    time.Duration
	latencies  []time.Duration // sorted
}

// runConcurrent starts o.concurrent clients at the same moment; each
// connects, checks the echo and closes, again and again until o.duration
// has passed (once when it is 0).
func runConcurrent(ctx context.Context, dial dialFunc, o clientOptions, logw io.Writer) burstResult {
	elog := &errorLog{w: logw, phase: "concurrent handshake"}
	gate := make(chan struct{})
	results := make([][]time.Duration, o.concurrent)
	var failures atomic.Int64
	var wg sync.WaitGroup
	var start time.Time
	for w := range o.concurrent {
		wg.Go(func() {
			<-gate
			for {
				t := time.Now()
				if err := oneConnection(ctx, dial, o.addr, o.timeout); err != nil {
					failures.Add(1)
					elog.log(err)
				} else {
					results[w] = append(results[w], time.Since(t))
				}
				if time.Since(start) >= o.duration {
					return
				}
			}
		})
	}
	start = time.Now()
	close(gate)
	wg.Wait()
	r := burstResult{workers: o.concurrent, failures: int(failures.Load()), elapsed: time.Since(start)}
	r.latencies = slices.Concat(results...)
	slices.Sort(r.latencies)
	r.handshakes = len(r.latencies) + r.failures
	return r
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p/100*float64(len(sorted))))]
}
