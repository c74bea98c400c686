package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"padlock"
	"padlock/internal/suites"
	"padlock/trace"
)

// demoTimeout bounds each side of a demo connection: a stuck demo fails
// instead of hanging.
const demoTimeout = 30 * time.Second

// demoResult is what one demo connection did.
type demoResult struct {
	client, server       padlock.ConnectionState
	clientErr, serverErr error
	sent, received       int           // application data, client to server and back
	handshake            time.Duration // the client's handshake, on the demo's clock
	steps                int           // steps printed so far
}

func (r *demoResult) failed() bool { return r.clientErr != nil || r.serverErr != nil }

// connection runs one connection: the server accepts on ln, the client
// dials it, they handshake, exchange one message each way and close.
func (d *demoRun) connection(ln net.Listener, cc, sc *padlock.Config) demoResult {
	var r demoResult
	var t turns
	var out trace.Tracer
	if !d.o.json {
		// Each connection's steps are numbered from 1.
		opts := trace.TextOptions{Color: d.c.useColor(d.c.stdout), Raw: d.o.raw, Records: d.o.records}
		if d.o.reveal {
			opts.MaxHexBytes = maxRevealBytes
		}
		d.text = trace.NewTextWriter(d.c.stdout, opts)
		out = d.text.Trace
	}
	d.tracer.start(out)
	done := make(chan struct{})
	// The client takes the first turn before it dials, so the server,
	// which waits for a turn after accepting, cannot go first.
	t.take()
	go func() {
		defer close(done)
		d.serverSide(ln, sc, &t, &r)
	}()
	d.clientSide(ln.Addr(), cc, &t, &r)
	t.give()
	<-done
	if d.text != nil {
		r.steps = d.text.Steps()
	}
	return r
}

// clientSide dials, handshakes, sends the message, reads the reply and
// closes. It is called holding the turn.
func (d *demoRun) clientSide(addr net.Addr, cc *padlock.Config, t *turns, r *demoResult) {
	raw, err := net.Dial("tcp", addr.String())
	if err != nil {
		r.clientErr = err
		return
	}
	tc := newTurnConn(raw, t)
	tc.SetDeadline(time.Now().Add(demoTimeout))
	conn := padlock.Client(tc, cc)
	defer conn.Close()
	start := d.clock()
	err = conn.Handshake()
	r.handshake = d.clock().Sub(start)
	r.client = conn.ConnectionState()
	if err != nil {
		r.clientErr = err
		return
	}
	msg := []byte(d.o.message)
	d.dataEvent(trace.Client, trace.Sent, msg, r.client, conn.ID())
	if _, err := conn.Write(msg); err != nil {
		r.clientErr = err
		return
	}
	r.sent = len(msg)
	buf := make([]byte, 16<<10)
	n, err := conn.Read(buf)
	if err != nil {
		r.clientErr = err
		return
	}
	r.received = n
	d.dataEvent(trace.Client, trace.Received, buf[:n], r.client, conn.ID())
}

// serverSide accepts one connection, handshakes, answers the client's
// message and waits for the client to close.
func (d *demoRun) serverSide(ln net.Listener, sc *padlock.Config, t *turns, r *demoResult) {
	raw, err := ln.Accept()
	if err != nil {
		r.serverErr = err
		return
	}
	t.take()
	defer t.give()
	tc := newTurnConn(raw, t)
	tc.SetDeadline(time.Now().Add(demoTimeout))
	conn := padlock.Server(tc, sc)
	defer conn.Close()
	err = conn.Handshake()
	r.server = conn.ConnectionState()
	if err != nil {
		r.serverErr = err
		return
	}
	buf := make([]byte, 16<<10)
	n, err := conn.Read(buf)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			r.serverErr = err
		}
		return
	}
	d.dataEvent(trace.Server, trace.Received, buf[:n], r.server, conn.ID())
	reply := fmt.Appendf(nil, "hello from the padlock server: got your %d bytes", n)
	d.dataEvent(trace.Server, trace.Sent, reply, r.server, conn.ID())
	if _, err := conn.Write(reply); err != nil {
		r.serverErr = err
		return
	}
	// The client's close_notify ends the conversation.
	if _, err := conn.Read(buf); err != nil && !errors.Is(err, io.EOF) {
		r.serverErr = err
	}
}

// dataEvent traces application data. The library traces the handshake;
// the data is the demo's, so the demo reports it, in the same form on
// both sides so the text renderer shows it once, and with the ID of the
// connection it crossed, as the library's events.
func (d *demoRun) dataEvent(side trace.Side, dir trace.Direction, data []byte, st padlock.ConnectionState, conn uint64) {
	from, to := "client", "server"
	if (side == trace.Server) == (dir == trace.Sent) {
		from, to = to, from
	}
	key := from + " application traffic key"
	if st.Version != padlock.VersionTLS13 {
		key = from + " write key"
	}
	d.tracer.Trace(trace.Event{
		Conn: conn, Side: side, Dir: dir, Step: trace.StepApplicationData, Kind: trace.KindData,
		Name: "application data",
		Explain: "The " + from + "'s message, sealed with the " + key + ": only the " + to +
			" can open it, and any change on the way would be detected.",
		Fields: []trace.Field{
			{Name: "data", Value: strconv.Quote(string(data))},
			{Name: "length", Value: plural(len(data), "byte")},
			{Name: "on the wire", Value: recordLayout(st, len(data))},
		},
	})
}

// recordLayout says what one record carrying n bytes of data looks like
// on the wire (RFC 8446 section 5.2; RFC 5246 section 6.2.3.3 with
// RFC 5288 section 3 for the explicit nonce of AES-GCM).
func recordLayout(st padlock.ConnectionState, n int) string {
	const header, tag = 5, 16
	if st.Version == padlock.VersionTLS13 {
		return fmt.Sprintf("a record of %d bytes: a 5-byte header, then the data and a 1-byte content type, encrypted, then a 16-byte authentication tag",
			header+n+1+tag)
	}
	nonce := 0
	if s := suites.SuiteByID(st.CipherSuite); s != nil {
		nonce = s.ExplicitNonceLen
	}
	if nonce > 0 {
		return fmt.Sprintf("a record of %d bytes: a 5-byte header, an %d-byte explicit nonce, the data encrypted, then a 16-byte authentication tag",
			header+nonce+n+tag, nonce)
	}
	return fmt.Sprintf("a record of %d bytes: a 5-byte header, the data encrypted, then a 16-byte authentication tag", header+n+tag)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// turns makes the demo's two sides take turns: a side runs until it has
// nothing left to read, and only then lets the other run. Each side's
// steps then come out together, in the order of the conversation, the
// same on every run, instead of interleaved as the scheduler pleases.
type turns struct{ mu sync.Mutex }

func (t *turns) take() { t.mu.Lock() }
func (t *turns) give() { t.mu.Unlock() }

// probeWait is how long a read waits for data before it counts as
// blocking. What the peer wrote in its turn is already in the socket
// buffer, so data that is there comes at once.
const probeWait = time.Millisecond

// turnConn gives up the turn when a read would block.
type turnConn struct {
	net.Conn
	t            *turns
	mu           sync.Mutex
	readDeadline time.Time // the caller's
}

func newTurnConn(c net.Conn, t *turns) *turnConn { return &turnConn{Conn: c, t: t} }

func (c *turnConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	deadline := c.readDeadline
	c.mu.Unlock()
	probe := time.Now().Add(probeWait)
	if !deadline.IsZero() && deadline.Before(probe) {
		probe = deadline
	}
	c.Conn.SetReadDeadline(probe)
	n, err := c.Conn.Read(b)
	c.Conn.SetReadDeadline(deadline)
	if n > 0 || err == nil || !errors.Is(err, os.ErrDeadlineExceeded) || probe.Equal(deadline) {
		return n, err
	}
	c.t.give()
	defer c.t.take()
	return c.Conn.Read(b)
}

// SetDeadline sets both deadlines, remembering the read one.
func (c *turnConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	return c.Conn.SetDeadline(t)
}

// SetReadDeadline sets the read deadline, remembering it.
func (c *turnConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	return c.Conn.SetReadDeadline(t)
}
