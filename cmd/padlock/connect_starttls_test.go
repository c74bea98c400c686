package main

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
)

// smtpServer speaks an SMTP server's opening (RFC 3207), offering
// STARTTLS or not, then crypto/tls upgrades the connection and echoes a
// line in upper case.
func smtpServer(t *testing.T, is *pki.Issued, offer bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		c.Write([]byte("220 mail.example ESMTP\r\n"))
		if l, _ := r.ReadString('\n'); !strings.HasPrefix(l, "EHLO ") {
			return
		}
		if !offer {
			c.Write([]byte("250-mail.example\r\n250 8BITMIME\r\n"))
			r.ReadString('\n')
			return
		}
		c.Write([]byte("250-mail.example\r\n250-SIZE 1000\r\n250 STARTTLS\r\n"))
		if l, _ := r.ReadString('\n'); l != "STARTTLS\r\n" {
			return
		}
		c.Write([]byte("220 2.0.0 Ready to start TLS\r\n"))
		s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
		buf := make([]byte, 64)
		n, err := s.Read(buf)
		if err != nil {
			return
		}
		s.Write([]byte(strings.ToUpper(string(buf[:n]))))
		s.Close()
	}()
	return ln.Addr().String()
}

// TestConnectStartTLS: connect --starttls smtp speaks the opening, shows
// it, and hands the connection to the TLS handshake; a server that does
// not offer STARTTLS gets a plain-words failure.
func TestConnectStartTLS(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	caPath := writeCA(t, ca)
	addr := smtpServer(t, is, true)
	code, stdout, stderr := runArgs(t, "connect", "--starttls", "smtp", "--ca", caPath, "--servername", "localhost", "--send", "ping", addr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"SMTP opening", "client: EHLO localhost", "server: 250 STARTTLS", "client: STARTTLS", "ClientHello", "PING"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	addr = smtpServer(t, is, false)
	code, _, stderr = runArgs(t, "connect", "--starttls", "smtp", "--ca", caPath, "--servername", "localhost", addr)
	if code == exitOK || !strings.Contains(stderr, "does not offer STARTTLS") || !strings.Contains(stderr, "did not agree to switch to TLS") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}

	if code, _, stderr := runArgs(t, "connect", "--starttls", "gopher", addr); code != exitUsage || !strings.Contains(stderr, "want one of") {
		t.Errorf("unknown protocol: exit %d\n%s", code, stderr)
	}
}
