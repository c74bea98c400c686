package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"padlock"
	"padlock/padlockhttp"
)

// tracingResult is what serve's tracing costs: CPU per new TLS 1.3
// connection of a server set up as padlock serve's, with its tracing and
// without, under the same openssl s_time load.
type tracingResult struct {
	TracedMicros   float64 `json:"traced_cpu_us_per_conn"`
	UntracedMicros float64 `json:"untraced_cpu_us_per_conn"`
	Ratio          float64 `json:"ratio"`
	Met            bool    `json:"met"` // Ratio <= maxTracingCost
}

// maxTracingCost bounds the CPU serve may spend per new connection
// against the untraced library (issue 15).
const maxTracingCost = 1.25

// compareTracing runs, in this process, a server with padlock serve's
// listener options (tracing each handshake for the page, logging one
// line) and the same server untraced, in turn for acceptRounds rounds,
// each loaded by openssl s_time -new over TLS 1.3 for its share of d.
// The client is another process, so the process's own CPU time (user
// and system, from getrusage) is the server's.
func compareTracing(progress io.Writer, d time.Duration) (*tracingResult, error) {
	openssl, certFile, keyFile, cleanup, err := sTimeSetup()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cert, err := padlock.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	var cpu [2]time.Duration
	var conns [2]int
	for round := 0; round < acceptRounds; round++ {
		for i, traced := range []bool{true, false} {
			fmt.Fprintf(progress, "padlock bench: s_time against serve's server, traced %v (%v)\n", traced, d/acceptRounds)
			n, c, err := loadInProcess(openssl, cert, traced, d/acceptRounds)
			if err != nil {
				return nil, err
			}
			cpu[i] += c
			conns[i] += n
		}
	}
	if conns[0] == 0 || conns[1] == 0 {
		return nil, fmt.Errorf("s_time completed no connection")
	}
	r := &tracingResult{
		TracedMicros:   float64(cpu[0].Microseconds()) / float64(conns[0]),
		UntracedMicros: float64(cpu[1].Microseconds()) / float64(conns[1]),
	}
	r.Ratio = r.TracedMicros / r.UntracedMicros
	r.Met = r.Ratio <= maxTracingCost
	return r, nil
}

// loadInProcess serves TLS 1.3 here as padlock serve does, traced or
// not, while openssl s_time loads it for d; it returns the connections
// s_time made and the CPU time this process spent meanwhile.
func loadInProcess(openssl string, cert padlock.Certificate, traced bool, d time.Duration) (int, time.Duration, error) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	s := &server{log: log.New(io.Discard, "", log.LstdFlags)}
	cfg := &padlock.Config{Certificates: []padlock.Certificate{cert}}
	ln := padlockhttp.NewListener(inner, cfg, padlockhttp.ListenerOptions{Trace: traced, OnHandshake: s.logHandshake, RecordFirst: firstBytesKept})
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return sTimeCPU(openssl, inner.Addr().String(), d, "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256")
}

// sTimeCPU runs openssl s_time -new against addr for d with the extra
// args, and returns the connections it made and the CPU time this
// process, the server's, spent meanwhile.
func sTimeCPU(openssl, addr string, d time.Duration, args ...string) (int, time.Duration, error) {
	var out bytes.Buffer
	argv := append([]string{"s_time", "-connect", addr, "-new", "-time", strconv.Itoa(max(1, int(d/time.Second)))}, args...)
	client := exec.Command(openssl, argv...)
	client.Stdout, client.Stderr = &out, &out
	before := processCPU()
	err := client.Run()
	spent := processCPU() - before
	if err != nil {
		return 0, 0, fmt.Errorf("openssl s_time: %v: %s", err, out.Bytes())
	}
	m := sTimeConns.FindSubmatch(out.Bytes())
	if m == nil {
		return 0, 0, fmt.Errorf("openssl s_time printed no count: %s", out.Bytes())
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n, spent, nil
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
