// Package starttls speaks the plaintext opening of the protocols that
// upgrade a connection to TLS in place, as openssl s_client -starttls
// does: SMTP (RFC 3207), IMAP (RFC 9051 section 6.2.1), POP3 (RFC 2595
// section 4), FTP (RFC 4217 section 4), XMPP (RFC 6120 section 5) and
// PostgreSQL's SSLRequest. After Negotiate returns, the next bytes on the
// connection are the client's TLS ClientHello.
//
// Every read stops at the end of the server's reply, never beyond it, so
// no byte of the TLS handshake is consumed by the opening.
package starttls

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Protocol names a protocol's STARTTLS opening.
type Protocol string

// The protocols Negotiate speaks.
const (
	SMTP     Protocol = "smtp"
	IMAP     Protocol = "imap"
	POP3     Protocol = "pop3"
	FTP      Protocol = "ftp"
	XMPP     Protocol = "xmpp"
	Postgres Protocol = "postgres"
)

// Protocols lists the protocols Negotiate speaks, in the order of
// s_client's -starttls list.
func Protocols() []Protocol { return []Protocol{SMTP, POP3, IMAP, FTP, XMPP, Postgres} }

// Line is one step of the plaintext exchange, for a caller to show.
type Line struct {
	FromClient bool
	Text       string // without the line ending
}

// Error is an opening that did not end in an upgrade: the server refused
// STARTTLS, does not offer it, or answered something else.
type Error struct {
	Protocol Protocol
	Step     string // what the client was doing
	Reply    string // what the server said, if it said anything
}

func (e *Error) Error() string {
	if e.Reply == "" {
		return fmt.Sprintf("starttls: %s: %s", e.Protocol, e.Step)
	}
	return fmt.Sprintf("starttls: %s: %s: the server said %q", e.Protocol, e.Step, e.Reply)
}

// maxReply bounds one reply from the server, so that a peer that never
// ends a line cannot grow memory.
const maxReply = 64 << 10

// Negotiate runs p's opening on conn and returns the exchange. host is
// the server's name, which XMPP's stream header carries; SMTP's EHLO
// names the client, as "localhost". It honours ctx's deadline and
// cancellation.
func Negotiate(ctx context.Context, conn net.Conn, p Protocol, host string) ([]Line, error) {
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
		defer conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	s := &session{c: conn, p: p}
	var err error
	switch p {
	case SMTP:
		err = s.smtp()
	case IMAP:
		err = s.imap()
	case POP3:
		err = s.pop3()
	case FTP:
		err = s.ftp()
	case XMPP:
		err = s.xmpp(host)
	case Postgres:
		err = s.postgres()
	default:
		return nil, fmt.Errorf("starttls: unknown protocol %q (want one of %v)", p, Protocols())
	}
	if err != nil {
		// The connection's deadline is the context's, and may fire a
		// moment before the context reports it.
		if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
			err = context.DeadlineExceeded
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	}
	return s.lines, err
}

// session is one opening in progress.
type session struct {
	c     net.Conn
	p     Protocol
	lines []Line
}

func (s *session) fail(step, reply string) error {
	return &Error{Protocol: s.p, Step: step, Reply: reply}
}

// send writes one line, CRLF-terminated.
func (s *session) send(text string) error {
	s.lines = append(s.lines, Line{FromClient: true, Text: text})
	_, err := io.WriteString(s.c, text+"\r\n")
	return err
}

// readLine reads one line a byte at a time, so nothing after it is
// consumed, and returns it without its line ending.
func (s *session) readLine() (string, error) {
	text, err := s.readUntil("\n", false)
	return strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r"), err
}

// readReply reads an SMTP or FTP reply, whose continuation lines have a
// '-' after the code (RFC 5321 section 4.2.1, RFC 959 section 4.2), and
// returns its code and lines.
func (s *session) readReply() (string, []string, error) {
	var lines []string
	for total := 0; ; {
		line, err := s.readLine()
		if err != nil {
			return "", nil, err
		}
		total += len(line)
		if total > maxReply {
			return "", nil, s.fail("a reply over 64 KiB", "")
		}
		lines = append(lines, line)
		if len(line) < 3 {
			return "", nil, s.fail("reading a reply", line)
		}
		if len(line) == 3 || line[3] == ' ' {
			return line[:3], lines, nil
		}
	}
}

// expectReply reads an SMTP or FTP reply and fails at step unless its
// code is code; it returns the reply's lines.
func (s *session) expectReply(step, code string) ([]string, error) {
	got, lines, err := s.readReply()
	if err == nil && got != code {
		err = s.fail(step, strings.Join(lines, " / "))
	}
	return lines, err
}

// expectLine reads one line and fails at step unless it starts with
// prefix.
func (s *session) expectLine(step, prefix string) error {
	line, err := s.readLine()
	if err == nil && !strings.HasPrefix(line, prefix) {
		err = s.fail(step, line)
	}
	return err
}

// smtp: the greeting, EHLO, STARTTLS offered, STARTTLS, 220 (RFC 3207
// section 4).
func (s *session) smtp() error {
	if _, err := s.expectReply("greeting", "220"); err != nil {
		return err
	}
	if err := s.send("EHLO localhost"); err != nil {
		return err
	}
	lines, err := s.expectReply("EHLO", "250")
	if err != nil {
		return err
	}
	offered := false
	for _, l := range lines {
		// Each line after the first names an extension (RFC 5321
		// section 4.1.1.1): "250-STARTTLS" or "250 STARTTLS".
		if f := strings.Fields(l[min(4, len(l)):]); len(f) > 0 && strings.EqualFold(f[0], "STARTTLS") {
			offered = true
		}
	}
	if !offered {
		return s.fail("the server does not offer STARTTLS in its EHLO reply", strings.Join(lines, " / "))
	}
	if err := s.send("STARTTLS"); err != nil {
		return err
	}
	_, err = s.expectReply("STARTTLS", "220")
	return err
}

// ftp: the greeting, AUTH TLS, 234 (RFC 4217 section 4).
func (s *session) ftp() error {
	if _, err := s.expectReply("greeting", "220"); err != nil {
		return err
	}
	if err := s.send("AUTH TLS"); err != nil {
		return err
	}
	_, err := s.expectReply("AUTH TLS", "234")
	return err
}

// pop3: the +OK greeting, STLS, +OK (RFC 2595 section 4).
func (s *session) pop3() error {
	if err := s.expectLine("greeting", "+OK"); err != nil {
		return err
	}
	if err := s.send("STLS"); err != nil {
		return err
	}
	return s.expectLine("STLS", "+OK")
}

// imap: the untagged OK greeting, a tagged STARTTLS, and its tagged OK
// (RFC 9051 section 6.2.1); untagged lines before it are skipped.
func (s *session) imap() error {
	if err := s.expectLine("greeting", "* OK"); err != nil {
		return err
	}
	if err := s.send("a1 STARTTLS"); err != nil {
		return err
	}
	for n := 0; n < 64; n++ {
		line, err := s.readLine()
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(line, "a1 OK"):
			return nil
		case strings.HasPrefix(line, "a1 "):
			return s.fail("STARTTLS", line)
		}
	}
	return s.fail("STARTTLS: no tagged reply after 64 lines", "")
}

// xmpp: the stream header, the features naming starttls, <starttls/>,
// <proceed/> (RFC 6120 sections 5.4.2.1-5.4.2.3).
func (s *session) xmpp(host string) error {
	header := "<?xml version='1.0'?><stream:stream to='" + xmlEscape(host) +
		"' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
	if err := s.sendRaw(header); err != nil {
		return err
	}
	features, err := s.readUntil("</stream:features>", true)
	if err != nil {
		return err
	}
	if !strings.Contains(features, "urn:ietf:params:xml:ns:xmpp-tls") {
		return s.fail("the server does not offer starttls in its stream features", features)
	}
	if err := s.sendRaw("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"); err != nil {
		return err
	}
	reply, err := s.readUntil(">", true)
	if err != nil {
		return err
	}
	if !strings.Contains(reply, "<proceed") {
		return s.fail("starttls", reply)
	}
	return nil
}

func (s *session) sendRaw(text string) error {
	s.lines = append(s.lines, Line{FromClient: true, Text: text})
	_, err := io.WriteString(s.c, text)
	return err
}

// readUntil reads a byte at a time up to and including the first end,
// and records what it read: whole when keepEnd is set, else without end
// and a carriage return before it.
func (s *session) readUntil(end string, keepEnd bool) (string, error) {
	var b strings.Builder
	one := make([]byte, 1)
	for b.Len() < maxReply {
		if _, err := io.ReadFull(s.c, one); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return "", s.fail("the server closed the connection", b.String())
			}
			return "", err
		}
		b.WriteByte(one[0])
		if strings.HasSuffix(b.String(), end) {
			text := b.String()
			if !keepEnd {
				text = strings.TrimSuffix(strings.TrimSuffix(text, end), "\r")
			}
			s.lines = append(s.lines, Line{Text: text})
			return b.String(), nil
		}
	}
	return "", s.fail("a reply over 64 KiB", "")
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&apos;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// postgresSSLRequest is the SSLRequest code: 1234 in the high 16 bits,
// 5679 in the low (PostgreSQL's protocol, "SSL Session Encryption").
const postgresSSLRequest = 80877103

// postgres: SSLRequest, then one byte: 'S' to go on with TLS, 'N' for no.
func (s *session) postgres() error {
	var req [8]byte
	binary.BigEndian.PutUint32(req[0:], 8)
	binary.BigEndian.PutUint32(req[4:], postgresSSLRequest)
	s.lines = append(s.lines, Line{FromClient: true, Text: "SSLRequest"})
	if _, err := s.c.Write(req[:]); err != nil {
		return err
	}
	var b [1]byte
	if _, err := io.ReadFull(s.c, b[:]); err != nil {
		return s.fail("the server closed the connection after SSLRequest", "")
	}
	s.lines = append(s.lines, Line{Text: string(b[:])})
	switch b[0] {
	case 'S':
		return nil
	case 'N':
		return s.fail("the server does not accept TLS (it answered N to SSLRequest)", "N")
	default:
		return s.fail("SSLRequest", fmt.Sprintf("%q", b[0]))
	}
}
