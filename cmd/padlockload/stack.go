package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// stack is the TLS implementation a process uses.
type stack string

const (
	stackPadlock   stack = "padlock"
	stackCryptoTLS stack = "cryptotls"
)

func parseStack(s string) (stack, error) {
	switch st := stack(s); st {
	case stackPadlock, stackCryptoTLS:
		return st, nil
	}
	return "", fmt.Errorf("unknown -stack %q (want padlock or cryptotls)", s)
}

// handshaker is what *padlock.Conn and *tls.Conn have in common for a
// server that runs the handshake before echoing.
type handshaker interface {
	net.Conn
	HandshakeContext(context.Context) error
}

// listen returns a listener of server-side TLS connections serving is.
// Both stacks run with their defaults otherwise.
func (s stack) listen(addr string, is *pki.Issued) (net.Listener, error) {
	if s == stackCryptoTLS {
		return tls.Listen("tcp", addr, &tls.Config{
			Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
		})
	}
	return padlock.Listen("tcp", addr, &padlock.Config{
		Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
	})
}

// dialFunc connects and completes a handshake within ctx.
type dialFunc func(ctx context.Context, addr string) (net.Conn, error)

// dialer returns the client's dial function: it verifies the server's
// certificate against roots for "localhost", and never resumes, so every
// connection is a full handshake.
func (s stack) dialer(roots *x509.CertPool, timeout time.Duration) dialFunc {
	nd := &net.Dialer{Timeout: timeout}
	if s == stackCryptoTLS {
		d := &tls.Dialer{NetDialer: nd, Config: &tls.Config{RootCAs: roots, ServerName: "localhost"}}
		return func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	d := &padlock.Dialer{NetDialer: nd, Config: &padlock.Config{RootCAs: roots, ServerName: "localhost"}}
	return func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
}

// describe names the version, suite and group a connection negotiated.
func describe(c net.Conn) string {
	switch c := c.(type) {
	case *padlock.Conn:
		cs := c.ConnectionState()
		return fmt.Sprintf("%s %s %v", padlock.VersionName(cs.Version), padlock.CipherSuiteName(cs.CipherSuite), cs.CurveID)
	case *tls.Conn:
		cs := c.ConnectionState()
		return fmt.Sprintf("%s %s %v", tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite), cs.CurveID)
	}
	return fmt.Sprintf("%T", c)
}
