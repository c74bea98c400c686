// Package padlockhttp connects padlock to net/http, so that a handler
// sees the padlock connection a request came over, and a client the one
// a response came over.
//
// net/http knows only crypto/tls: over padlock, Request.TLS and
// Response.TLS are nil. On a server, ConfigureServer (or ConnContext)
// puts each connection in its requests' context, and ConnectionState
// and Events read it back; WithTLS fills Request.TLS for code that wants
// crypto/tls's type. On a client, Transport dials with padlock and
// ResponseState reads the state of the connection a response came over.
// HTTP/1.1 and HTTP/2 both work, on both sides: padlock decrypts, and
// net/http speaks HTTP/2 over the decrypted stream when ALPN chose h2.
package padlockhttp

import (
	"context"
	"net"
	"net/http"

	"padlock"
	"padlock/trace"
)

// stater is a *padlock.Conn, a *Conn, or a net.Conn that embeds one.
type stater interface {
	ConnectionState() padlock.ConnectionState
}

// recorded is a *Conn, or a net.Conn that embeds one.
type recorded interface {
	Events() []trace.Event
}

// connKey is the context key of the request's connection.
type connKey struct{}

// ConnContext is an http.Server.ConnContext: when c is a *padlock.Conn, a
// *Conn (from Listener) or a net.Conn that embeds either, it puts c in
// the context of every request that comes over it, for ConnectionState
// and Events. Other connections leave ctx as it is.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if s, ok := c.(stater); ok {
		return context.WithValue(ctx, connKey{}, s)
	}
	return ctx
}

// ConfigureServer prepares srv to serve over padlock: it adds ConnContext
// to srv.ConnContext (after any ConnContext already set) and, when
// srv.Protocols is nil, enables HTTP/1 and HTTP/2. net/http serves
// HTTP/2 on a conn that is not a *tls.Conn only through its
// unencrypted-HTTP/2 path: padlock has already decrypted the stream, and
// ALPN told the client to send the HTTP/2 preface. Give srv a padlock
// listener (Listener or padlock.NewListener) whose Config offers "h2"
// and "http/1.1".
func ConfigureServer(srv *http.Server) {
	if srv.Protocols == nil {
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
	}
	prev := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prev != nil {
			ctx = prev(ctx, c)
		}
		return ConnContext(ctx, c)
	}
}

// ConnectionState returns the state of the padlock connection r came
// over, as it is now; ok is false when r did not come over one, or the
// server does not use ConnContext.
func ConnectionState(r *http.Request) (cs padlock.ConnectionState, ok bool) {
	s, ok := r.Context().Value(connKey{}).(stater)
	if !ok {
		return padlock.ConnectionState{}, false
	}
	return s.ConnectionState(), true
}

// Events returns the trace of the connection r came over: its handshake
// and anything traced since. It is nil unless the connection came from a
// Listener with ListenerOptions.Trace.
func Events(r *http.Request) []trace.Event {
	if rc, ok := r.Context().Value(connKey{}).(recorded); ok {
		return rc.Events()
	}
	return nil
}

// WithTLS returns a handler that sets Request.TLS, from the padlock
// connection the request came over (TLSState), then calls h: for code
// that reads crypto/tls's ConnectionState from the request. Requests
// that did not come over padlock are passed on as they are.
func WithTLS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			if cs, ok := ConnectionState(r); ok {
				r2 := *r
				r2.TLS = TLSState(cs)
				r = &r2
			}
		}
		h.ServeHTTP(w, r)
	})
}
