package main

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"padlock"
	"padlock/trace"
)

// servedConn is a connection whose handshake is done, with the trace of
// that handshake, as http.Server sees it.
type servedConn struct {
	*padlock.Conn
	rec *trace.Recorder
}

// handshakeListener accepts TCP connections, runs each one's handshake
// with a fresh Recorder as its tracer, and hands the connections that
// made it to http.Server. A slow or failing handshake holds up no one.
type handshakeListener struct {
	inner  net.Listener
	config *padlock.Config
	logf   func(net.Addr, padlock.ConnectionState, error)

	conns   chan *servedConn
	errc    chan error // a permanent Accept error
	ctx     context.Context
	cancel  context.CancelFunc // on Close: ends pending handshakes
	pending sync.WaitGroup     // the accept loop and the handshakes
}

func newHandshakeListener(inner net.Listener, config *padlock.Config, logf func(net.Addr, padlock.ConnectionState, error)) *handshakeListener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &handshakeListener{inner: inner, config: config, logf: logf,
		conns: make(chan *servedConn), errc: make(chan error, 1), ctx: ctx, cancel: cancel}
	l.pending.Add(1)
	go l.acceptLoop()
	return l
}

func (l *handshakeListener) acceptLoop() {
	defer l.pending.Done()
	for {
		raw, err := l.inner.Accept()
		if err != nil {
			if l.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// Out of file descriptors and the like: wait, then go on.
			if isTemporary(err) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			l.errc <- err
			return
		}
		l.pending.Add(1)
		go l.handshake(raw)
	}
}

// isTemporary reports errors that a later Accept may not repeat.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// handshake runs one connection's handshake, logs it, and queues the
// connection for Accept.
func (l *handshakeListener) handshake(raw net.Conn) {
	defer l.pending.Done()
	rec := new(trace.Recorder)
	cfg := l.config.Clone()
	cfg.Trace = rec.Trace
	// The page is built from the recording later: describing each
	// message need not delay the client.
	cfg.TraceAfterFlight = true
	conn := padlock.Server(raw, cfg)
	err := conn.HandshakeContext(l.ctx)
	l.logf(raw.RemoteAddr(), conn.ConnectionState(), err)
	if err != nil {
		conn.Close()
		return
	}
	select {
	case l.conns <- &servedConn{Conn: conn, rec: rec}:
	case <-l.ctx.Done():
		conn.Close()
	}
}

// Accept returns the next connection whose handshake succeeded.
func (l *handshakeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errc:
		return nil, err
	case <-l.ctx.Done():
		return nil, net.ErrClosed
	}
}

// Close stops accepting and abandons the handshakes in progress.
func (l *handshakeListener) Close() error {
	l.cancel()
	return l.inner.Close()
}

// Addr returns the address listened on.
func (l *handshakeListener) Addr() net.Addr { return l.inner.Addr() }

// wait waits for the accept loop and the handshakes to end after Close.
func (l *handshakeListener) wait() { l.pending.Wait() }
