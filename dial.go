package padlock

import (
	"context"
	"net"
	"time"
)

// Dialer dials TLS connections: a net.Dialer for the transport and a
// Config for TLS.
type Dialer struct {
	// NetDialer dials the transport; a zero net.Dialer when nil.
	NetDialer *net.Dialer
	// Config configures the client; the zero Config when nil. When it
	// names no ServerName, the host of the dialed address is used.
	Config *Config
}

// Dial connects to addr and runs the handshake.
func Dial(network, addr string, config *Config) (*Conn, error) {
	return DialWithDialer(new(net.Dialer), network, addr, config)
}

// DialWithDialer connects with dialer's settings, its Timeout and
// Deadline covering the handshake too.
func DialWithDialer(dialer *net.Dialer, network, addr string, config *Config) (*Conn, error) {
	ctx := context.Background()
	if deadline := handshakeDeadline(dialer); !deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	return dial(ctx, dialer, network, addr, config)
}

// handshakeDeadline is the earlier of the dialer's Deadline and its
// Timeout from now: both bound the TCP connect and the handshake
// together. Zero means no bound.
func handshakeDeadline(d *net.Dialer) time.Time {
	deadline := d.Deadline
	if d.Timeout != 0 {
		if t := time.Now().Add(d.Timeout); deadline.IsZero() || t.Before(deadline) {
			deadline = t
		}
	}
	return deadline
}

// Dial connects to addr and runs the handshake.
func (d *Dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext connects to addr and runs the handshake within ctx. The
// returned net.Conn is a *Conn.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := d.NetDialer
	if nd == nil {
		nd = new(net.Dialer)
	}
	c, err := dial(ctx, nd, network, addr, d.Config)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return c, nil
}

func dial(ctx context.Context, nd *net.Dialer, network, addr string, config *Config) (*Conn, error) {
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if config == nil {
		config = &Config{}
	}
	if config.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		config = config.Clone()
		config.ServerName = host
	}
	c := Client(raw, config)
	if err := c.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return c, nil
}

// tlsListener hands out server-side Conns for the connections an inner
// listener accepts.
type tlsListener struct {
	inner  net.Listener
	config *Config
}

// Accept waits for the next connection and returns it as a server-side
// *Conn; its handshake runs on first Read or Write (or Handshake).
func (l tlsListener) Accept() (net.Conn, error) {
	raw, err := l.inner.Accept()
	if err != nil {
		return nil, err
	}
	return Server(raw, l.config), nil
}

// Close closes the inner listener.
func (l tlsListener) Close() error { return l.inner.Close() }

// Addr returns the inner listener's address.
func (l tlsListener) Addr() net.Addr { return l.inner.Addr() }

// NewListener returns a listener whose Accept wraps each connection of
// inner in a server-side *Conn using config.
func NewListener(inner net.Listener, config *Config) net.Listener {
	return tlsListener{inner: inner, config: config}
}

// Listen listens on the address and returns a listener of TLS
// connections. config must hold a certificate, a GetCertificate, or a
// GetConfigForClient that returns a Config with one of them.
func Listen(network, laddr string, config *Config) (net.Listener, error) {
	l, err := net.Listen(network, laddr)
	if err != nil {
		return nil, err
	}
	return NewListener(l, config), nil
}
