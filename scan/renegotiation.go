package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/wire"
)

// renegotiationWait bounds the wait for the answer to a renegotiation.
const renegotiationWait = time.Second

// renegotiationAnswer is how a server met a client's renegotiation.
type renegotiationAnswer struct {
	allowed bool   // it answered with a ServerHello
	outcome string // what it did, in a few words
}

// probeClientRenegotiation establishes a TLS 1.2 connection with the
// probe client and sends a second ClientHello under its keys, carrying
// the client's verify_data (RFC 5746 section 3.5): a server that answers
// with a ServerHello allows client-initiated renegotiation, which lets a
// client make it do a full handshake's work over and over.
func (t *targetScan) probeClientRenegotiation(ctx context.Context) {
	if !t.s.acquire(ctx) {
		t.untested("client_renegotiation")
		return
	}
	defer t.s.release()
	t.counted()
	defer func() {
		if t.s.opts.Progress != nil {
			t.s.opts.Progress(t.r.Target, "client-initiated renegotiation")
		}
	}()
	a, err := t.s.renegotiate(ctx, t.addr, t.r.ServerName)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.r.Features.Untested = append(t.r.Features.Untested, "client_renegotiation")
		t.r.Errors = append(t.r.Errors, "client-initiated renegotiation: "+err.Error())
		return
	}
	t.r.Features.ClientRenegotiation = a.allowed
	t.renegotiation = a.outcome
}

// renegotiate connects to addr, completes a handshake and asks to
// renegotiate. The error is for a connection that could not be
// established: the question is then open.
func (s *Scanner) renegotiate(ctx context.Context, addr, sni string) (*renegotiationAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	conn, err := s.dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c := &client12{conn: conn, in: record.NewReader(conn), out: record.NewWriter(conn), sni: sni}
	defer c.in.Release()
	if err := c.handshake(); err != nil {
		return nil, closedErr(err)
	}
	hello := clientHello12(sni, c.clientVerify).Marshal()
	if _, err := c.out.WriteRecord(record.Handshake, hello); err != nil {
		return nil, closedErr(err)
	}
	// A server answers a renegotiation at once or not at all; the probe
	// runs alone at the end of a scan, so silence must not cost the
	// whole deadline.
	if wait := time.Now().Add(renegotiationWait); wait.Before(deadline) {
		conn.SetReadDeadline(wait)
	}
	return c.renegotiationAnswer(), nil
}

// renegotiationAnswer reads what follows the renegotiation ClientHello:
// a ServerHello, a no_renegotiation warning (RFC 5246 section 7.2.2),
// another alert, the end of the connection, or nothing. Application
// data the server sent meanwhile is skipped.
func (c *client12) renegotiationAnswer() *renegotiationAnswer {
	for read := 0; read < maxFlight; {
		typ, data, err := c.in.ReadRecord()
		read += len(data) + record.HeaderLen
		var ae *alert.Error
		switch {
		case errors.Is(closedErr(err), ErrTimeout):
			return &renegotiationAnswer{outcome: "no answer before the deadline"}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return &renegotiationAnswer{outcome: "closed the connection"}
		case errors.As(err, &ae):
			return &renegotiationAnswer{outcome: "unreadable records: " + err.Error()}
		case err != nil:
			return &renegotiationAnswer{outcome: err.Error()}
		case typ == record.Alert && len(data) == 2:
			return &renegotiationAnswer{outcome: fmt.Sprintf("alert %v", alert.Description(data[1]))}
		case typ == record.Handshake:
			c.hs = append(c.hs, data...)
			if len(c.hs) > 0 && c.hs[0] == wire.TypeServerHello {
				return &renegotiationAnswer{allowed: true, outcome: "ServerHello"}
			}
			if len(c.hs) > 0 {
				return &renegotiationAnswer{outcome: fmt.Sprintf("handshake message %d", c.hs[0])}
			}
		}
	}
	return &renegotiationAnswer{outcome: "no answer within the flight's limit"}
}
