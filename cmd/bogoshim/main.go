// Command bogoshim runs padlock under BoringSSL's conformance runner
// (BoGo, ssl/test/runner in BoringSSL). It follows the shim protocol of
// BoringSSL's ssl/test/PORTING.md: for each connection of a test it
// dials the runner on loopback, sends its shim ID, and runs one TLS
// connection with padlock's public API as the flags describe, checking
// what the flags expect. It exits 0 when the test passed, 1 when it
// failed (the reason on stderr), and 89 when the test asks for something
// padlock does not do.
//
// bogo_config.json beside it lists the tests disabled for padlock, each
// with its reason, for the runner's -shim-config flag. docs/CONFORMANCE.md
// says how to fetch and run the runner; it is never part of padlock.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

// Exit codes the runner understands.
const (
	exitPass          = 0
	exitFail          = 1
	exitUnimplemented = 89
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	for _, a := range args {
		if a == "-is-handshaker-supported" {
			// Split handshakes are a BoringSSL feature.
			fmt.Println("No")
			return exitPass
		}
	}
	cc, err := parseFlags(args)
	if err == nil {
		err = runTest(cc)
	}
	switch {
	case err == nil:
		return exitPass
	case errors.Is(err, errUnimplemented):
		fmt.Fprintln(os.Stderr, err)
		logUnimplemented(err)
		return exitUnimplemented
	}
	fmt.Fprintln(os.Stderr, err)
	return exitFail
}

// logUnimplemented appends the reason a test is unimplemented to the
// file BOGOSHIM_UNIMPLEMENTED names, if any: the tally of what padlock
// lacks, for deciding what to build next.
func logUnimplemented(err error) {
	name := os.Getenv("BOGOSHIM_UNIMPLEMENTED")
	if name == "" {
		return
	}
	f, ferr := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if ferr != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, err)
}

// runTest runs the test's connections: the first, then one for each
// resumption, sharing the session state a real client or server keeps.
func runTest(cc *connConfigs) error {
	shared, err := newSharedState(&cc.initial)
	if err != nil {
		return err
	}
	for i := 0; i <= cc.initial.resumes; i++ {
		tc, retry := &cc.initial, &cc.initial
		if i > 0 {
			tc, retry = &cc.resume, &cc.retry
			// The runner moves its clock, not ours: the shim's moves too.
			shared.clock = shared.clock.Add(time.Duration(tc.resumptionDelay) * time.Second)
		}
		if err := runConnection(tc, retry, shared, i > 0); err != nil {
			return err
		}
	}
	return nil
}

// dial connects to the runner and introduces the shim by its ID. The
// connection it returns drains on Close, as BoringSSL's shim does: a
// socket closed with the runner's bytes unread sends a reset, which can
// destroy the alert padlock wrote last before the runner reads it.
func dial(tc *testConfig) (net.Conn, error) {
	host := "127.0.0.1"
	if tc.ipv6 {
		host = "::1"
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(tc.port)))
	if err != nil {
		return nil, err
	}
	var id [8]byte
	binary.LittleEndian.PutUint64(id[:], tc.shimID)
	if _, err := conn.Write(id[:]); err != nil {
		conn.Close()
		return nil, err
	}
	return &drainingConn{TCPConn: conn.(*net.TCPConn)}, nil
}

// drainTimeout bounds how long Close waits for the runner to close its
// side.
const drainTimeout = 10 * time.Second

// drainingConn is a TCP connection whose Close half-closes it, reads
// until the runner closes its side, and only then closes it.
type drainingConn struct {
	*net.TCPConn
	once sync.Once
	err  error
}

func (d *drainingConn) Close() error {
	d.once.Do(func() {
		d.TCPConn.CloseWrite()
		d.TCPConn.SetReadDeadline(time.Now().Add(drainTimeout))
		var buf [1024]byte
		for {
			if _, err := d.TCPConn.Read(buf[:]); err != nil {
				break
			}
		}
		d.err = d.TCPConn.Close()
	})
	return d.err
}
