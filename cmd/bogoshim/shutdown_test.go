package main

import (
	"io"
	"net"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// pair returns a padlock client, the shim's side, over a drainingConn
// and a padlock server over the other end of a TCP connection, both
// through their handshake.
func pair(t *testing.T) (shim, runner *padlock.Conn, runnerTCP *net.TCPConn) {
	t.Helper()
	c, s := tcpPair(t)
	t.Cleanup(func() { c.Close(); s.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	s.SetDeadline(time.Now().Add(10 * time.Second))
	_, is := pki.TestChain(pki.ECDSAP256)
	shim = padlock.Client(&drainingConn{TCPConn: c.(*net.TCPConn)}, &padlock.Config{InsecureSkipVerify: true})
	runner = padlock.Server(s, &padlock.Config{Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
	errc := make(chan error, 1)
	go func() { errc <- runner.Handshake() }()
	if err := shim.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return shim, runner, s.(*net.TCPConn)
}

// TestShutdown checks the shim's two-step shutdown: after its
// close_notify it waits for the runner's, and refuses application data
// or a close without close_notify on the way (BoringSSL's SSL_shutdown).
func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		runner func(r *padlock.Conn, tcp *net.TCPConn)
		ok     bool
	}{
		{"close_notify", func(r *padlock.Conn, tcp *net.TCPConn) { r.CloseWrite(); tcp.CloseWrite() }, true},
		{"data, then close_notify", func(r *padlock.Conn, _ *net.TCPConn) { r.Write([]byte("late")); r.CloseWrite() }, false},
		{"no close_notify", func(_ *padlock.Conn, tcp *net.TCPConn) { tcp.CloseWrite() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shim, runner, tcp := pair(t)
			go func() {
				// The runner reads the shim's close_notify first.
				io.Copy(io.Discard, runner)
				tc.runner(runner, tcp)
			}()
			err := shutdown(shim)
			if (err == nil) != tc.ok {
				t.Errorf("shutdown: %v, want success %t", err, tc.ok)
			}
		})
	}
}

// TestDrainingClose checks that what the shim writes last reaches the
// runner even when the runner's bytes lie unread: closing such a socket
// outright sends a reset, which may destroy them.
func TestDrainingClose(t *testing.T) {
	c, runner := tcpPair(t)
	defer runner.Close()
	runner.SetDeadline(time.Now().Add(10 * time.Second))
	shim := &drainingConn{TCPConn: c.(*net.TCPConn)}
	runner.Write(make([]byte, 64<<10)) // never read by the shim
	shim.Write([]byte("alert"))
	closed := make(chan error, 1)
	go func() { closed <- shim.Close() }()
	got, err := io.ReadAll(runner)
	if string(got) != "alert" || err != nil {
		t.Errorf("runner read %q, %v; want the alert, then the end of the stream", got, err)
	}
	runner.(*net.TCPConn).CloseWrite()
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}

// tcpPair returns the two ends of a loopback TCP connection: the one
// that dialled, and the one accepted.
func tcpPair(t *testing.T) (dialled, accepted net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		ch <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-ch
	if s == nil {
		t.Fatal("accept failed")
	}
	return c, s
}
