package padlock

import (
	"bytes"
	"fmt"
	"io"

	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/wire"
	"padlock/trace"
)

// nextHandshake assembles the next whole handshake message in hsBuf and
// returns its length. Messages may be split over records and several may
// share one record (RFC 8446 section 5.1); other record types may not
// come between the pieces of one message.
func (c *Conn) nextHandshake() (int, error) {
	for {
		if n, ok := wire.SplitMessage(c.in.hsBuf); ok {
			if limit := c.maxMessage(c.in.hsBuf[0]); n-4 > limit {
				return 0, errTooLong(c.in.hsBuf[0], n-4, limit)
			}
			if len(c.in.hsBuf) >= n {
				skipped, err := c.skipHelloRequest(n)
				if err != nil {
					return 0, err
				}
				if !skipped {
					return n, nil
				}
				continue
			}
		}
		ct, data, err := c.readRecord()
		if err == io.EOF {
			return 0, c.peerClosedHandshake()
		}
		if err != nil {
			return 0, err
		}
		switch {
		case ct == record.Handshake:
			c.in.hsBuf = append(c.in.hsBuf, data...)
		case ct == record.ChangeCipherSpec && c.in.ccsOK && len(c.in.hsBuf) == 0:
			// RFC 8446 section 5: the compatibility-mode CCS, one byte
			// 0x01, is dropped between the first ClientHello (for a
			// client, the first TLS 1.3 ServerHello: see
			// clientHandshake) and the peer's Finished.
			if len(data) != 1 || data[0] != 1 {
				return 0, alertf(alert.UnexpectedMessage, "malformed change_cipher_spec")
			}
			c.in.ccsSeen++
			if c.in.ccsSeen > c.config.limits().MaxCompatChangeCipherSpec {
				return 0, alertf(alert.UnexpectedMessage, "repeated change_cipher_spec")
			}
		default:
			return 0, alertf(alert.UnexpectedMessage, "%v record where a handshake message was expected", ct)
		}
	}
}

// endOfFlight checks that nothing follows msg, the message just read,
// which ends the peer's flight: the peer waits for this side's answer
// before it sends more (RFC 8446 section 2, RFC 5246 section 7.3), so
// handshake bytes behind it in its record came before they could, out
// of order (RFC 5246 section 7.4: a fatal error; RFC 8446 section 6.2:
// unexpected_message). Where a key change follows, setReadCipher checks
// the same (RFC 8446 section 5.1). Only a HelloRequest, which a TLS 1.2
// server may send at any time, is no fault: it is dropped here as
// anywhere in the handshake (RFC 5246 section 7.4.1.1).
func (c *Conn) endOfFlight(msg string) error {
	for {
		n, ok := wire.SplitMessage(c.in.hsBuf)
		if !ok || len(c.in.hsBuf) < n {
			break
		}
		skipped, err := c.skipHelloRequest(n)
		if err != nil {
			return err
		}
		if !skipped {
			break
		}
	}
	if len(c.in.hsBuf) > 0 {
		return alertf(alert.UnexpectedMessage, "%d bytes of handshake data after the %s, which ends the %s's flight",
			len(c.in.hsBuf), msg, c.peerName())
	}
	return nil
}

// maxMessage is the limit on a handshake message of type typ during the
// handshake: the configured one; for a ClientHello to a server the
// largest its structure allows; for a Certificate the limit on the
// chain's size, when that is larger.
func (c *Conn) maxMessage(typ uint8) int {
	limit := c.config.maxHandshakeMessage()
	switch {
	case typ == wire.TypeClientHello && !c.isClient:
		return max(limit, maxClientHello)
	case typ == wire.TypeCertificate:
		return max(limit, c.config.limits().MaxCertificateBytes)
	}
	return limit
}

// errTooLong is the error for a handshake message over its size limit.
// No RFC names the alert, and record_overflow is for records (RFC 8446
// section 6.2); illegal_parameter is what OpenSSL and BoringSSL send.
func errTooLong(typ uint8, n, limit int) error {
	return alertf(alert.IllegalParameter, "%s of %d bytes exceeds the limit of %d", wire.TypeName(typ), n, limit)
}

// peerClosedHandshake is the error of a handshake the peer ended with
// close_notify. That alert is the peer closing (RFC 8446 section 6.1, RFC
// 5246 section 7.2.1), not a fault to answer: it is the peer's alert, so
// padlock sends none back. Nor is it io.EOF, the clean end of data on an
// established connection: here nothing was established.
func (c *Conn) peerClosedHandshake() error {
	return &alert.Error{Description: alert.CloseNotify, Remote: true,
		Err: fmt.Errorf("the %s closed the connection during the handshake", c.peerName())}
}

// skipHelloRequest drops a HelloRequest, the n-byte message at the
// start of hsBuf, that reaches a TLS 1.2 client in the middle of its
// handshake: RFC 5246 section 7.4.1.1 has the client ignore it, and keep
// it out of the transcript. Like a warning alert it asks nothing and
// makes no progress, so it counts against the same limit.
func (c *Conn) skipHelloRequest(n int) (bool, error) {
	if !c.isClient || c.vers != VersionTLS12 || c.hsTr == nil || n != 4 || c.in.hsBuf[0] != wire.TypeHelloRequest {
		return false, nil
	}
	c.in.helloRq++
	if c.in.helloRq > c.config.limits().MaxWarningAlerts {
		return false, alertf(alert.UnexpectedMessage, "too many HelloRequests during the handshake")
	}
	c.in.hsBuf = c.in.hsBuf[4:] // never copied forward: see readHandshakeRaw
	return true, nil
}

// peekHandshakeType returns the type of the next handshake message
// without consuming it.
func (c *Conn) peekHandshakeType() (uint8, error) {
	if _, err := c.nextHandshake(); err != nil {
		return 0, err
	}
	return c.in.hsBuf[0], nil
}

// readHandshakeRaw consumes the next handshake message and returns it.
//
// The message is not copied: it stays where it is in hsBuf's array, and
// hsBuf moves past it. Nothing ever writes before the start of hsBuf
// (records are appended after its end), so the message, and the parsed
// message that aliases it, stay intact for as long as anyone holds them;
// the array is freed when nobody does.
func (c *Conn) readHandshakeRaw() ([]byte, error) {
	n, err := c.nextHandshake()
	if err != nil {
		return nil, err
	}
	raw := c.in.hsBuf[:n:n]
	c.in.hsBuf = c.in.hsBuf[n:]
	return raw, nil
}

// message is a pointer to a wire message struct, for readMessage.
type message[M any] interface {
	*M
	wire.Message
}

// readMessage reads the next handshake message, which must be of type M,
// parses it, adds it to the transcript and traces it. Any other type is
// an unexpected_message, so no phase of a handshake checks types itself.
func readMessage[M any, P message[M]](c *Conn) (P, error) {
	raw, err := c.readHandshakeRaw()
	if err != nil {
		return nil, err
	}
	m := P(new(M))
	if raw[0] != m.Type() {
		return nil, alertf(alert.UnexpectedMessage, "got %s, expected %s",
			wire.TypeName(raw[0]), wire.TypeName(m.Type()))
	}
	if err := m.Unmarshal(raw); err != nil {
		return nil, alert.Wrap(alert.DecodeError, err)
	}
	if c.hsTr != nil {
		c.hsTr.write(raw)
	}
	c.traceMessage(trace.Received, raw, m)
	return m, nil
}

// writeMessage encodes m, adds it to the transcript, traces it and queues
// it in the current flight.
//
// The message is built in the Conn's Encoder, whose buffer serves every
// message of the handshake: the transcript and the record layer copy
// what they keep, and a tracer, which may keep the bytes, gets a copy.
func (c *Conn) writeMessage(m wire.Message) error {
	raw := c.enc.Marshal(m)
	if c.hsTr != nil {
		c.hsTr.write(raw)
	}
	if c.tracing() {
		raw = bytes.Clone(raw)
	}
	c.traceMessage(trace.Sent, raw, m)
	_, err := c.out.w.WriteRecord(record.Handshake, raw)
	return err
}

// flush sends the queued flight, then hands its trace events to the
// tracer when they waited for it (Config.TraceAfterFlight).
func (c *Conn) flush() error {
	err := c.out.w.Flush()
	c.drainTrace(false)
	return err
}

// setReadCipher installs new keys for reading. A key change must fall on a
// message boundary at the end of a record (RFC 8446 section 5.1).
func (c *Conn) setReadCipher(ci *record.Cipher) error {
	if len(c.in.hsBuf) > 0 {
		return alertf(alert.UnexpectedMessage, "handshake message spans a key change")
	}
	c.in.r.SetCipher(ci)
	return nil
}

// setWriteCipher installs new keys for writing.
func (c *Conn) setWriteCipher(ci *record.Cipher) {
	c.out.w.SetCipher(ci)
	c.out.cipher = ci
}

// runSteps runs the phases of a handshake in order and stops at the first
// error, so each handshake reads as the list of its phases.
func runSteps(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
