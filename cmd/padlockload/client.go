package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// clientOptions are the client's flags.
type clientOptions struct {
	addr       string
	control    string
	idle       int
	concurrent int
	workers    int
	duration   time.Duration
	timeout    time.Duration
	hold       time.Duration
	stack      stack
}

func runClient(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("padlockload client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o clientOptions
	fs.StringVar(&o.addr, "addr", "", "the server's TLS address (required)")
	fs.StringVar(&o.control, "control", "", "the server's control address, HOST:PORT or an http:// URL (required)")
	fs.IntVar(&o.idle, "idle", 1000, "connections to open and hold idle")
	fs.IntVar(&o.concurrent, "concurrent", 100, "handshakes to run at once while the idle connections are held")
	fs.IntVar(&o.workers, "dial-workers", 64, "handshakes at once while opening the idle connections")
	fs.DurationVar(&o.duration, "duration", 0, "keep the concurrent handshakes going this long; 0 runs each once")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "bound on one connection's dial, handshake and echo")
	fs.DurationVar(&o.hold, "hold", 0, "after measuring the idle connections, hold them this long (to profile the server)")
	stackName := fs.String("stack", "padlock", "TLS implementation: padlock or cryptotls")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	var err error
	if o.stack, err = parseStack(*stackName); err == nil && (o.addr == "" || o.control == "") {
		err = errors.New("-addr and -control are required")
	}
	if err == nil && (o.idle < 0 || o.concurrent < 0 || o.workers < 1) {
		err = errors.New("-idle and -concurrent must not be negative, -dial-workers must be positive")
	}
	if err != nil {
		fmt.Fprintln(stderr, "padlockload client:", err)
		return exitUsage
	}
	r, err := runLoad(context.Background(), o, stderr)
	if r != nil {
		r.write(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "padlockload client:", err)
		return exitFail
	}
	if r.failed() {
		return exitFail
	}
	return exitOK
}

// warmups are handshakes made before the baseline is measured, so that
// the baseline includes what every connection's first use loads once.
const warmups = 8

// runLoad runs the phases: baseline, idle connections, concurrent
// handshakes, a check that the idle connections still echo.
func runLoad(ctx context.Context, o clientOptions, logw io.Writer) (*report, error) {
	r := &report{stack: o.stack}
	limit, err := raiseFileLimit()
	if err != nil {
		return nil, err
	}
	r.add("open_files_limit", limit)
	cc := newControlClient(controlURL(o.control))
	caPEM, err := cc.get(ctx, "/ca.pem")
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("control: /ca.pem holds no certificate")
	}
	dial := o.stack.dialer(roots, o.timeout)
	desc, err := firstConnection(ctx, dial, o.addr, o.timeout)
	if err != nil {
		return nil, fmt.Errorf("first connection: %w", err)
	}
	r.add("negotiated", desc)
	for range warmups {
		if err := oneConnection(ctx, dial, o.addr, o.timeout); err != nil {
			return nil, fmt.Errorf("warm-up connection: %w", err)
		}
	}
	base, err := measure(ctx, cc)
	if err != nil {
		return nil, err
	}
	idle := openIdle(ctx, dial, o, logw)
	defer idle.closeAll()
	r.idlePhase(idle)
	held, err := measure(ctx, cc)
	if err != nil {
		return r, err
	}
	r.memoryPhase(base, held, len(idle.conns))
	time.Sleep(o.hold)
	burst := runConcurrent(ctx, dial, o, logw)
	r.concurrentPhase(burst)
	r.add("idle_alive_failures", idle.checkAlive(o, logw))
	end, err := cc.stats(ctx, false)
	if err != nil {
		return r, err
	}
	r.finalPhase(base.server, end)
	return r, nil
}

// firstConnection makes one connection and says what it negotiated.
func firstConnection(ctx context.Context, dial dialFunc, addr string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := dial(ctx, addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return describe(c), echo(c, timeout)
}

// snapshot is the memory of both processes at one moment.
type snapshot struct {
	server stats
	client memory
}

// measure reads both processes' memory after collecting garbage.
func measure(ctx context.Context, cc *controlClient) (snapshot, error) {
	var s snapshot
	var err error
	if s.server, err = cc.stats(ctx, true); err != nil {
		return s, fmt.Errorf("control: %w", err)
	}
	s.client, err = readMemory(true)
	return s, err
}

// controlURL accepts HOST:PORT as well as a URL.
func controlURL(s string) string {
	if len(s) > 7 && (s[:7] == "http://" || s[:8] == "https://") {
		return s
	}
	return "http://" + s
}
