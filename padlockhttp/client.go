package padlockhttp

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"sync"

	"padlock"
)

// Transport is an http.RoundTripper that dials https:// URLs with
// padlock and speaks HTTP/2 when the server chooses h2 by ALPN, HTTP/1.1
// otherwise; http:// URLs go over plain TCP. Each response's TLS field is
// set (TLSState), and ResponseState returns the padlock state of the
// connection it came over.
//
// The first request to a host dials it to learn, from ALPN, which
// protocol it speaks; the Transport remembers the answer and hands that
// connection to the matching pool. Proxies are not supported.
//
// A Transport must not be copied after first use; its zero value is
// ready to use.
type Transport struct {
	// Config configures the client; the zero Config when nil. Its
	// NextProtos defaults to "h2", "http/1.1"; without "h2" every
	// request is HTTP/1.1. When it names no ServerName, the URL's host
	// is used.
	Config *padlock.Config
	// Dialer dials the TCP connections; a zero net.Dialer when nil.
	Dialer *net.Dialer

	once   sync.Once
	h1, h2 *http.Transport

	mu    sync.Mutex
	hosts map[string]*host // by "host:port"
}

// host is what the Transport knows of one server.
type host struct {
	probe sync.Mutex // held while the first connection is dialed
	known bool       // the server's protocol is known: h2 says which
	h2    bool
	spare []*padlock.Conn // dialed, not yet handed to a pool
}

func (t *Transport) init() {
	t.once.Do(func() {
		t.hosts = make(map[string]*host)
		var p1, p2 http.Protocols
		p1.SetHTTP1(true)
		// Only unencrypted HTTP/2: net/http then speaks HTTP/2 with prior
		// knowledge over the stream padlock has decrypted.
		p2.SetUnencryptedHTTP2(true)
		t.h1 = &http.Transport{Protocols: &p1, DialContext: t.netDialer().DialContext,
			DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return t.dialFor(ctx, network, addr, false)
			}}
		t.h2 = &http.Transport{Protocols: &p2,
			DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return t.dialFor(ctx, network, addr, true)
			}}
	})
}

func (t *Transport) netDialer() *net.Dialer {
	if t.Dialer != nil {
		return t.Dialer
	}
	return new(net.Dialer)
}

// host returns the entry for addr, made if new.
func (t *Transport) host(addr string) *host {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.hosts[addr]
	if h == nil {
		h = new(host)
		t.hosts[addr] = h
	}
	return h
}

// dial connects to addr offering protos, or the Config's protocols when
// protos is nil.
func (t *Transport) dial(ctx context.Context, network, addr string, protos []string) (*padlock.Conn, error) {
	cfg := t.Config
	if cfg == nil {
		cfg = new(padlock.Config)
	}
	if protos == nil {
		protos = cfg.NextProtos
		if protos == nil {
			protos = []string{"h2", "http/1.1"}
		}
	}
	if !slices.Equal(protos, cfg.NextProtos) {
		cfg = cfg.Clone()
		cfg.NextProtos = protos
	}
	d := &padlock.Dialer{NetDialer: t.netDialer(), Config: cfg}
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return c.(*padlock.Conn), nil
}

// dialFor is the DialTLSContext of the HTTP/2 pool (h2) or the HTTP/1.1
// pool: a spare connection from the probe, or a new one offering only
// that pool's protocol.
func (t *Transport) dialFor(ctx context.Context, network, addr string, h2 bool) (net.Conn, error) {
	h := t.host(addr)
	t.mu.Lock()
	if n := len(h.spare); n > 0 {
		c := h.spare[n-1]
		h.spare = h.spare[:n-1]
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()
	proto := "http/1.1"
	if h2 {
		proto = "h2"
	}
	c, err := t.dial(ctx, network, addr, []string{proto})
	if err != nil {
		return nil, err
	}
	if h2 && c.ConnectionState().NegotiatedProtocol != "h2" {
		// The server chose h2 before and not now: ask again next time.
		c.Close()
		t.mu.Lock()
		h.known = false
		t.mu.Unlock()
		return nil, errors.New("padlockhttp: " + addr + " no longer chooses h2")
	}
	return c, nil
}

// pool returns the pool for addr's protocol, dialing addr first if it is
// not known yet.
func (t *Transport) pool(ctx context.Context, addr string) (*http.Transport, error) {
	h := t.host(addr)
	h.probe.Lock()
	defer h.probe.Unlock()
	t.mu.Lock()
	known, h2 := h.known, h.h2
	t.mu.Unlock()
	if !known {
		c, err := t.dial(ctx, "tcp", addr, nil)
		if err != nil {
			return nil, err
		}
		h2 = c.ConnectionState().NegotiatedProtocol == "h2"
		t.mu.Lock()
		h.known, h.h2 = true, h2
		h.spare = append(h.spare, c)
		t.mu.Unlock()
	}
	if h2 {
		return t.h2, nil
	}
	return t.h1, nil
}

// respKey is the context key of a request's *gotConn.
type respKey struct{}

// gotConn holds the connection a request was sent on.
type gotConn struct {
	mu sync.Mutex
	c  *padlock.Conn
}

func (g *gotConn) set(info httptrace.GotConnInfo) {
	c := info.Conn
	// net/http's HTTP/2 client wraps an unencrypted conn in a *tls.Conn
	// that can give it back.
	if tc, ok := c.(*tls.Conn); ok {
		if u, ok := tc.NetConn().(interface{ UnencryptedNetConn() net.Conn }); ok {
			c = u.UnencryptedNetConn()
		}
	}
	if pc, ok := c.(*padlock.Conn); ok {
		g.mu.Lock()
		g.c = pc
		g.mu.Unlock()
	}
}

// RoundTrip sends req over padlock and returns the response, its TLS
// field set for an https:// URL.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.init()
	if req.URL.Scheme != "https" {
		return t.h1.RoundTrip(req)
	}
	port := req.URL.Port()
	if port == "" {
		port = "443"
	}
	p, err := t.pool(req.Context(), net.JoinHostPort(req.URL.Hostname(), port))
	if err != nil {
		return nil, err
	}
	g := new(gotConn)
	ctx := httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: g.set})
	ctx = context.WithValue(ctx, respKey{}, g)
	resp, err := p.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if cs, ok := ResponseState(resp); ok {
		resp.TLS = TLSState(cs)
	}
	return resp, nil
}

// CloseIdleConnections closes the connections not in use, and those
// dialed to learn a server's protocol and not used since.
func (t *Transport) CloseIdleConnections() {
	t.init()
	t.h1.CloseIdleConnections()
	t.h2.CloseIdleConnections()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, h := range t.hosts {
		for _, c := range h.spare {
			c.Close()
		}
		h.spare = nil
	}
}

// ResponseState returns the state of the padlock connection resp came
// over; ok is false when it did not come through a Transport over
// padlock.
func ResponseState(resp *http.Response) (cs padlock.ConnectionState, ok bool) {
	if resp == nil || resp.Request == nil {
		return padlock.ConnectionState{}, false
	}
	g, ok := resp.Request.Context().Value(respKey{}).(*gotConn)
	if !ok {
		return padlock.ConnectionState{}, false
	}
	g.mu.Lock()
	c := g.c
	g.mu.Unlock()
	if c == nil {
		return padlock.ConnectionState{}, false
	}
	return c.ConnectionState(), true
}
