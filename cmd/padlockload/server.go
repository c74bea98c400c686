package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"padlock/internal/pki"
)

// handshakeTimeout bounds a server-side handshake.
const handshakeTimeout = 30 * time.Second

// echoBuffer is the size of each connection's echo buffer; the clients
// send a few bytes at a time. It is part of what an idle connection costs.
const echoBuffer = 256

// server counts what its connections do, for the control port.
type server struct {
	stack      stack
	open       atomic.Int64 // connections accepted and not yet closed
	handshakes atomic.Int64 // completed
	failures   atomic.Int64 // handshakes that failed
	acceptErrs atomic.Int64 // Accept errors, such as running out of files
}

func runServer(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("padlockload server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "TLS address to listen on")
	control := fs.String("control", "127.0.0.1:0", "plain HTTP address for /stats and /ca.pem; keep it on loopback")
	printAddr := fs.Bool("print-addr", false, "print \"tls=ADDR control=ADDR\" on stdout once listening")
	stackName := fs.String("stack", "padlock", "TLS implementation: padlock or cryptotls")
	keyName := fs.String("key", "ecdsa-p256", "certificate key type")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	st, err := parseStack(*stackName)
	if err == nil {
		_, err = pki.ParseKeyType(*keyName)
	}
	if err != nil {
		fmt.Fprintln(stderr, "padlockload server:", err)
		return exitUsage
	}
	if _, err := raiseFileLimit(); err != nil {
		fmt.Fprintln(stderr, "padlockload server:", err)
		return exitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := startServer(st, pki.KeyType(*keyName), *addr, *control)
	if err != nil {
		fmt.Fprintln(stderr, "padlockload server:", err)
		return exitFail
	}
	defer s.Close()
	if *printAddr {
		fmt.Fprintf(stdout, "tls=%s control=%s\n", s.tls.Addr(), s.control.Addr())
	}
	<-ctx.Done()
	return exitOK
}

// runningServer is a server with its TLS and control listeners.
type runningServer struct {
	*server
	tls     net.Listener
	control net.Listener
}

// startServer makes a CA and a certificate for localhost, and serves TLS
// on addr and the control port on control.
func startServer(st stack, kt pki.KeyType, addr, control string) (*runningServer, error) {
	ca, err := pki.NewCA("padlockload CA", kt, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	leaf, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost", "127.0.0.1"}, KeyType: kt})
	if err != nil {
		return nil, err
	}
	l, err := st.listen(addr, leaf)
	if err != nil {
		return nil, err
	}
	s := &server{stack: st}
	cl, err := startControl(control, s, ca.CertPEM)
	if err != nil {
		l.Close()
		return nil, err
	}
	go s.acceptLoop(l)
	return &runningServer{server: s, tls: l, control: cl}, nil
}

// Close stops accepting; connections being served go on until they end.
func (s *runningServer) Close() {
	s.tls.Close()
	s.control.Close()
}

// acceptLoop serves each connection in its own goroutine until l closes.
func (s *server) acceptLoop(l net.Listener) {
	for {
		c, err := l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Out of file descriptors and the like: wait, then go on.
			s.acceptErrs.Add(1)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		s.open.Add(1)
		go s.serveConn(c.(handshaker))
	}
}

// serveConn completes the handshake, then echoes until the client ends.
// Between pings its Read is pending, as a keep-alive server's is while it
// waits for the next request: the idle connections' memory figures are
// of that case, which is the one that matters for a server.
func (s *server) serveConn(c handshaker) {
	defer s.open.Add(-1)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	err := c.HandshakeContext(ctx)
	cancel()
	if err != nil {
		s.failures.Add(1)
		return
	}
	s.handshakes.Add(1)
	buf := make([]byte, echoBuffer)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
