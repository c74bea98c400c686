package padlockhttp

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"padlock"
	"padlock/trace"
)

// Conn is a server connection whose handshake is done, as Listener
// returns it: the padlock connection and, when the listener traces, the
// record of its trace.
type Conn struct {
	*padlock.Conn
	rec   *trace.Recorder
	first *firstBytes // nil unless ListenerOptions.RecordFirst
}

// Events returns the connection's trace so far: its handshake, then
// anything traced since (alerts, session tickets). It is nil unless the
// Listener traces.
func (c *Conn) Events() []trace.Event {
	if c.rec == nil {
		return nil
	}
	return c.rec.Events()
}

// ListenerOptions configures a Listener.
type ListenerOptions struct {
	// Trace records each connection's trace, for Conn.Events and Events.
	// The trace is kept as the handshake goes, and its messages are
	// described after each flight is written
	// (padlock.Config.TraceAfterFlight), so tracing does not delay the
	// client. A Config.Trace of the listener's Config still gets every
	// event.
	Trace bool
	// OnHandshake, when set, is called as each handshake ends, with its
	// error if it failed, from the goroutine that ran it.
	OnHandshake func(remote net.Addr, cs padlock.ConnectionState, err error)
	// RecordFirst, when positive, keeps a copy of the first RecordFirst
	// bytes each client sends after its handshake, for Conn.FirstBytes
	// and FirstBytes: an HTTP/2 client's preface, SETTINGS and first
	// HEADERS, or an HTTP/1.1 client's first request head, which show
	// what net/http's handlers cannot see (header order, HTTP/2 frames).
	// A few KiB hold them.
	RecordFirst int
}

// Listener accepts TCP connections, runs each one's handshake in a
// goroutine of its own, and returns from Accept only the connections
// whose handshake succeeded, each as a *Conn: a slow or failing
// handshake holds up no one, and http.Server never sees it.
type Listener struct {
	inner  net.Listener
	config *padlock.Config
	opts   ListenerOptions

	conns   chan *Conn
	errc    chan error // a permanent Accept error
	ctx     context.Context
	cancel  context.CancelFunc // on Close: ends pending handshakes
	pending sync.WaitGroup     // the accept loop and the handshakes
}

// NewListener returns a Listener of server connections configured by
// config over the connections inner accepts. It begins accepting at
// once.
func NewListener(inner net.Listener, config *padlock.Config, opts ListenerOptions) *Listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Listener{inner: inner, config: config, opts: opts,
		conns: make(chan *Conn), errc: make(chan error, 1), ctx: ctx, cancel: cancel}
	l.pending.Add(1)
	go l.acceptLoop()
	return l
}

func (l *Listener) acceptLoop() {
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

// handshake runs one connection's handshake and queues the connection
// for Accept.
func (l *Listener) handshake(raw net.Conn) {
	defer l.pending.Done()
	cfg := l.config
	var rec *trace.Recorder
	if l.opts.Trace {
		rec = new(trace.Recorder)
		cfg = cfg.Clone()
		if prev := cfg.Trace; prev != nil {
			cfg.Trace = func(e trace.Event) { rec.Trace(e); prev(e) }
		} else {
			cfg.Trace = rec.Trace
		}
		cfg.TraceAfterFlight = true
		cfg.TraceDetailOnDemand = true // the Recorder completes what is shown
	}
	conn := padlock.Server(raw, cfg)
	err := conn.HandshakeContext(l.ctx)
	if l.opts.OnHandshake != nil {
		l.opts.OnHandshake(raw.RemoteAddr(), conn.ConnectionState(), err)
	}
	if err != nil {
		answerPlainHTTP(err)
		conn.Close()
		return
	}
	select {
	case l.conns <- l.newConn(conn, rec):
	case <-l.ctx.Done():
		conn.Close()
	}
}

// newConn wraps a connection whose handshake is done.
func (l *Listener) newConn(conn *padlock.Conn, rec *trace.Recorder) *Conn {
	c := &Conn{Conn: conn, rec: rec}
	if l.opts.RecordFirst > 0 {
		c.first = &firstBytes{max: l.opts.RecordFirst}
	}
	return c
}

// answerPlainHTTP answers a client that sent plain HTTP to the TLS port
// with a 400 that says to use https, as net/http's own TLS server does,
// when the handshake failed for that reason.
func answerPlainHTTP(err error) {
	var rh *padlock.RecordHeaderError
	if !errors.As(err, &rh) || rh.Conn == nil {
		return
	}
	rh.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(rh.Conn, "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"+
		"This is a TLS port: the client sent plain HTTP. Use https:// instead.\n")
}

// Accept returns the next connection whose handshake succeeded, a *Conn.
func (l *Listener) Accept() (net.Conn, error) {
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
func (l *Listener) Close() error {
	l.cancel()
	return l.inner.Close()
}

// Addr returns the address listened on.
func (l *Listener) Addr() net.Addr { return l.inner.Addr() }

// Wait waits, after Close, for the accept loop and the handshakes in
// progress to end.
func (l *Listener) Wait() { l.pending.Wait() }
