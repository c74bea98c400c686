package main

import (
	"fmt"
	"io"
	"time"
)

// report is what the client prints: key=value lines in the order added.
type report struct {
	stack    stack
	keys     []string
	values   map[string]string
	failures int
}

func (r *report) add(key string, value any) {
	if r.values == nil {
		r.values = map[string]string{"stack": string(r.stack)}
		r.keys = []string{"stack"}
	}
	switch v := value.(type) {
	case float64:
		value = fmt.Sprintf("%.2f", v)
	case time.Duration:
		value = fmt.Sprintf("%.2f", v.Seconds()*1000) // milliseconds
	}
	r.keys = append(r.keys, key)
	r.values[key] = fmt.Sprint(value)
}

// addFailures adds a count that must be zero.
func (r *report) addFailures(key string, n int) {
	r.failures += n
	r.add(key, n)
}

func (r *report) failed() bool { return r.failures > 0 }

func (r *report) write(w io.Writer) {
	for _, k := range r.keys {
		fmt.Fprintf(w, "%s=%s\n", k, r.values[k])
	}
}

func (r *report) idlePhase(s *idleSet) {
	r.add("idle_connections", len(s.conns))
	r.addFailures("idle_failures", s.failures)
	r.add("idle_open_seconds", s.elapsed.Seconds())
	r.add("idle_handshakes_per_second", float64(len(s.conns))/s.elapsed.Seconds())
}

// memoryPhase adds the memory held by n idle connections: the growth of
// each process's resident set, and of its Go heap and stacks, from the
// baseline, divided by n.
func (r *report) memoryPhase(base, held snapshot, n int) {
	per := func(before, after int64) int64 {
		if n == 0 {
			return 0
		}
		return (after - before) / int64(n)
	}
	bs, hs := base.server.Memory, held.server.Memory
	r.add("server_rss_baseline_kb", bs.RSSKB)
	r.add("server_rss_idle_kb", hs.RSSKB)
	r.add("server_rss_bytes_per_idle_conn", per(bs.RSSKB*1024, hs.RSSKB*1024))
	r.add("server_heap_bytes_per_idle_conn", per(int64(bs.HeapInuse), int64(hs.HeapInuse)))
	r.add("server_stack_bytes_per_idle_conn", per(int64(bs.StackInuse), int64(hs.StackInuse)))
	r.add("server_goroutines_idle", held.server.Goroutines)
	bc, hc := base.client, held.client
	r.add("client_rss_bytes_per_idle_conn", per(bc.RSSKB*1024, hc.RSSKB*1024))
}

func (r *report) concurrentPhase(b burstResult) {
	r.add("concurrent", b.workers)
	r.add("concurrent_handshakes", b.handshakes)
	r.addFailures("concurrent_failures", b.failures)
	r.add("concurrent_seconds", b.elapsed.Seconds())
	r.add("concurrent_handshakes_per_second", float64(b.handshakes)/b.elapsed.Seconds())
	r.add("handshake_p50_ms", percentile(b.latencies, 50))
	r.add("handshake_p99_ms", percentile(b.latencies, 99))
	r.add("handshake_max_ms", percentile(b.latencies, 100))
}

// finalPhase adds the server's own count of failures since the baseline
// and the peak memory of both processes.
func (r *report) finalPhase(base, end stats) {
	r.addFailures("server_handshake_failures", int(end.Failures-base.Failures))
	r.add("server_accept_errors", end.AcceptErrors-base.AcceptErrors)
	r.add("server_peak_rss_kb", end.Memory.HWMKB)
	if m, err := readMemory(false); err == nil {
		r.add("client_peak_rss_kb", m.HWMKB)
	}
}
