package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"padlock/internal/alert"
	"padlock/internal/wire"
)

// Content types of the records a probe reads (RFC 8446 section 5.1).
const (
	recordChangeCipherSpec = 20
	recordAlert            = 21
	recordHandshake        = 22
)

// maxRecordBody bounds one record from the server: TLS 1.2 allows
// 2^14+2048 bytes of ciphertext (RFC 5246 section 6.2.3), and a
// plaintext first flight is far below.
const maxRecordBody = 1<<14 + 2048

// maxFlight bounds what one probe reads, so a server that streams
// without end costs a scan nothing but the probe's deadline.
const maxFlight = 256 << 10

// ErrGarbage means the server answered a probe with bytes that are not
// TLS records.
var ErrGarbage = errors.New("scan: the server's answer is not TLS")

// answer is what a server sent back to one probe: its first flight, up
// to the point the probe asked for, or the alert it sent instead.
type answer struct {
	sent []byte // the records sent
	recv []byte // the bytes received, as received

	hello    *wire.ServerHello // nil unless the server sent a ServerHello
	messages [][]byte          // complete handshake messages after ServerHello
	alert    *alert.Description
	sslv2    bool  // an SSL 2.0 SERVER-HELLO
	err      error // a network failure, a timeout, or garbage
}

// accepted reports whether the server answered with a ServerHello that
// is not a HelloRetryRequest.
func (a *answer) accepted() bool { return a.hello != nil && !a.hello.IsHelloRetryRequest() }

// version returns the version a ServerHello selected: supported_versions
// when present (RFC 8446 section 4.2.1), legacy_version otherwise.
func (a *answer) version() uint16 {
	if a.hello == nil {
		return 0
	}
	if a.hello.SupportedVersion != 0 {
		return a.hello.SupportedVersion
	}
	return a.hello.Vers
}

// outcome describes the answer in a few words, for probe logs.
func (a *answer) outcome() string {
	switch {
	case a.hello != nil && a.hello.IsHelloRetryRequest():
		return "HelloRetryRequest"
	case a.hello != nil:
		return fmt.Sprintf("ServerHello %s %s", wire.VersionName(a.version()), suiteName(a.hello.CipherSuite))
	case a.alert != nil:
		return "alert " + a.alert.String()
	case a.sslv2:
		return "SSL 2.0 SERVER-HELLO"
	case a.err != nil:
		return a.err.Error()
	}
	return "no answer"
}

// until says how much of the first flight a probe reads.
type until int

const (
	untilServerHello until = iota // the ServerHello (or HelloRetryRequest)
	untilHelloDone                // TLS 1.2: through ServerHelloDone
)

// exchange connects to addr, sends records and reads the server's answer
// until what stop asks for, an alert, the end of the connection, or the
// deadline, whichever is first. It never returns an error: failures are
// in the answer.
func (s *Scanner) exchange(ctx context.Context, addr string, records []byte, stop until) *answer {
	ans := &answer{sent: records}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	conn, err := s.dial(ctx, addr)
	if err != nil {
		ans.err = err
		return ans
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stopOnCancel := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stopOnCancel()
	if _, err := conn.Write(records); err != nil {
		ans.err = err
		return ans
	}
	ans.err = readFlight(conn, ans, stop)
	return ans
}

// dial opens a TCP connection, with the scanner's dialer when set.
func (s *Scanner) dial(ctx context.Context, addr string) (net.Conn, error) {
	if s.opts.Dial != nil {
		return s.opts.Dial(ctx, "tcp", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// readFlight reads records into ans until stop is met; the error is nil
// when the answer is complete (a ServerHello, an alert, an SSL 2.0
// hello).
func readFlight(r io.Reader, ans *answer, stop until) error {
	var hs []byte // handshake bytes not yet split into messages
	hdr := make([]byte, 5)
	for len(ans.recv) < maxFlight {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return closedErr(err)
		}
		ans.recv = append(ans.recv, hdr...)
		if len(ans.recv) == 5 && hdr[0]&0x80 != 0 && hdr[2] == 4 {
			ans.sslv2 = true // SSL 2.0: a two-byte length, then SERVER-HELLO (type 4)
			return nil
		}
		typ, n := hdr[0], int(hdr[3])<<8|int(hdr[4])
		if hdr[1] != 3 || n > maxRecordBody || typ < recordChangeCipherSpec || typ > 24 {
			return ErrGarbage
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return closedErr(err)
		}
		ans.recv = append(ans.recv, body...)
		switch typ {
		case recordAlert:
			if n < 2 {
				return ErrGarbage
			}
			d := alert.Description(body[1])
			ans.alert = &d
			return nil
		case recordHandshake:
			hs = append(hs, body...)
			done, err := takeMessages(ans, &hs, stop)
			if done || err != nil {
				return err
			}
		default:
			// A ChangeCipherSpec or encrypted records: TLS 1.3 goes on
			// encrypted after its ServerHello, which was then read.
			if ans.hello != nil {
				return nil
			}
			return ErrGarbage
		}
	}
	return ErrGarbage
}

// takeMessages moves the complete messages of hs into ans and reports
// whether the flight is read as far as stop asks.
func takeMessages(ans *answer, hs *[]byte, stop until) (bool, error) {
	for {
		n, ok := wire.SplitMessage(*hs)
		if ok && n > maxFlight {
			return true, fmt.Errorf("%w: a handshake message of %d bytes", ErrGarbage, n)
		}
		if !ok || n > len(*hs) {
			return false, nil // wait for the rest
		}
		msg := (*hs)[:n:n]
		*hs = (*hs)[n:]
		if ans.hello == nil {
			var sh wire.ServerHello
			if err := sh.Unmarshal(msg); err != nil {
				return true, fmt.Errorf("%w: %v", ErrGarbage, err)
			}
			ans.hello = &sh
			if stop == untilServerHello || sh.IsHelloRetryRequest() || ans.version() >= 0x0304 {
				return true, nil
			}
			continue
		}
		ans.messages = append(ans.messages, msg)
		if msg[0] == wire.TypeServerHelloDone {
			return true, nil
		}
	}
}

// closedErr names how a connection ended before the answer was complete.
func closedErr(err error) error {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrClosed
	}
	return err
}

// ErrTimeout means a probe's deadline passed before the server answered.
var ErrTimeout = errors.New("scan: the server did not answer before the probe's deadline")

// ErrClosed means the server closed the connection without a ServerHello
// or an alert: how many servers refuse what they do not support.
var ErrClosed = errors.New("scan: the server closed the connection without an answer")
