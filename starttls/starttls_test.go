package starttls

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// script is a server's side of an opening: each step reads what the
// client must send (a line, or n raw bytes) and answers.
type step struct {
	expect string // a line the client sends ("" to expect nothing)
	raw    []byte // or these exact bytes
	answer string
}

// serveScript plays steps on c, then runs a padlock TLS server on it
// and reports the result.
func serveScript(t *testing.T, c net.Conn, greeting string, steps []step, tlsAfter bool) chan error {
	done := make(chan error, 1)
	go func() {
		defer c.Close()
		r := bufio.NewReader(c)
		if greeting != "" {
			io.WriteString(c, greeting)
		}
		for _, s := range steps {
			switch {
			case s.raw != nil:
				got := make([]byte, len(s.raw))
				if _, err := io.ReadFull(r, got); err != nil || string(got) != string(s.raw) {
					done <- errors.New("server: unexpected bytes " + string(got))
					return
				}
			case s.expect != "":
				line, err := r.ReadString('\n')
				if err != nil || strings.TrimRight(line, "\r\n") != s.expect {
					done <- errors.New("server: got " + line + ", want " + s.expect)
					return
				}
			}
			io.WriteString(c, s.answer)
		}
		if !tlsAfter {
			done <- nil
			return
		}
		if r.Buffered() != 0 {
			done <- errors.New("server: the client sent bytes before the ClientHello")
			return
		}
		_, is := pki.TestChain(pki.ECDSAP256)
		srv := padlock.Server(c, &padlock.Config{Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
		err := srv.Handshake()
		if err == nil {
			_, err = io.WriteString(srv, "upgraded\n")
		}
		done <- err
	}()
	return done
}

// upgrade runs Negotiate then a TLS client handshake on c.
func upgrade(t *testing.T, c net.Conn, p Protocol) ([]Line, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lines, err := Negotiate(ctx, c, p, "localhost")
	if err != nil {
		return lines, err
	}
	ca, _ := pki.TestChain(pki.ECDSAP256)
	tc := padlock.Client(c, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
	if err := tc.Handshake(); err != nil {
		return lines, err
	}
	got, err := bufio.NewReader(tc).ReadString('\n')
	if err != nil || got != "upgraded\n" {
		return lines, errors.New("after the upgrade: " + got)
	}
	return lines, nil
}

func pipe(t *testing.T) (net.Conn, net.Conn) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ch := make(chan net.Conn, 1)
	go func() { c, _ := l.Accept(); ch <- c }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-ch
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

func sslRequest() []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint32(b, 8)
	binary.BigEndian.PutUint32(b[4:], postgresSSLRequest)
	return b
}

// The openings as servers speak them, each then upgraded to TLS with
// padlock on both sides.
var openings = []struct {
	p        Protocol
	greeting string
	steps    []step
}{
	{SMTP, "220-mail.example ESMTP\r\n220 ready\r\n", []step{
		{expect: "EHLO localhost", answer: "250-mail.example\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n"},
		{expect: "STARTTLS", answer: "220 2.0.0 Ready to start TLS\r\n"}}},
	{IMAP, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", []step{
		{expect: "a1 STARTTLS", answer: "* CAPABILITY IMAP4rev1\r\na1 OK Begin TLS negotiation now\r\n"}}},
	{POP3, "+OK POP3 ready\r\n", []step{{expect: "STLS", answer: "+OK Begin TLS negotiation\r\n"}}},
	{FTP, "220-Welcome\r\n220 FTP ready\r\n", []step{{expect: "AUTH TLS", answer: "234 AUTH TLS OK.\r\n"}}},
	{XMPP, "", []step{
		{raw: []byte("<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"),
			answer: "<?xml version='1.0'?><stream:stream from='localhost' id='1' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>" +
				"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"},
		{raw: []byte("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), answer: "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"}}},
	{Postgres, "", []step{{raw: sslRequest(), answer: "S"}}},
}

func TestNegotiateThenTLS(t *testing.T) {
	for _, o := range openings {
		t.Run(string(o.p), func(t *testing.T) {
			c, s := pipe(t)
			done := serveScript(t, s, o.greeting, o.steps, true)
			lines, err := upgrade(t, c, o.p)
			if err != nil {
				t.Fatalf("client: %v (server: %v)", err, <-done)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if len(lines) < 2 {
				t.Errorf("exchange %+v", lines)
			}
		})
	}
}

// TestRefused: a server that does not offer or refuses the upgrade gets
// an *Error naming the step and quoting the reply.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		p        Protocol
		greeting string
		steps    []step
		want     string
	}{
		{SMTP, "220 ready\r\n", []step{{expect: "EHLO localhost", answer: "250-mail\r\n250 8BITMIME\r\n"}}, "does not offer STARTTLS"},
		{SMTP, "554 go away\r\n", nil, "greeting"},
		{IMAP, "* OK ready\r\n", []step{{expect: "a1 STARTTLS", answer: "a1 BAD unknown command\r\n"}}, "BAD"},
		{POP3, "+OK\r\n", []step{{expect: "STLS", answer: "-ERR no\r\n"}}, "-ERR"},
		{FTP, "220 ok\r\n", []step{{expect: "AUTH TLS", answer: "500 unknown\r\n"}}, "500"},
		{Postgres, "", []step{{raw: sslRequest(), answer: "N"}}, "answered N"},
	} {
		t.Run(string(tc.p)+"/"+tc.want, func(t *testing.T) {
			c, s := pipe(t)
			serveScript(t, s, tc.greeting, tc.steps, false)
			_, err := Negotiate(context.Background(), c, tc.p, "localhost")
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v, want an *Error containing %q", err, tc.want)
			}
		})
	}
}

// TestHostileServers: silence ends at the context's deadline, an endless
// line at the reply bound, a close with a clear error; never a hang.
func TestHostileServers(t *testing.T) {
	t.Run("silent", func(t *testing.T) {
		c, _ := pipe(t)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if _, err := Negotiate(ctx, c, SMTP, "x"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%v, want the deadline", err)
		}
	})
	t.Run("endless line", func(t *testing.T) {
		c, s := pipe(t)
		go func() { io.Copy(s, infinite{}) }()
		if _, err := Negotiate(context.Background(), c, POP3, "x"); err == nil || !strings.Contains(err.Error(), "64 KiB") {
			t.Fatalf("%v, want the reply bound", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		c, s := pipe(t)
		s.Close()
		var e *Error
		if _, err := Negotiate(context.Background(), c, IMAP, "x"); !errors.As(err, &e) {
			t.Fatalf("%v, want an *Error", err)
		}
	})
	t.Run("unknown protocol", func(t *testing.T) {
		c, _ := pipe(t)
		if _, err := Negotiate(context.Background(), c, "gopher", "x"); err == nil {
			t.Fatal("no error")
		}
	})
}

type infinite struct{}

func (infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}
