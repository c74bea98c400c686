package bench

import (
	"fmt"
	"io"
	"net"
)

// The transports a connection may run over.
const (
	overPipe = "pipe" // an in-memory Pipe
	overTCP  = "tcp"  // loopback TCP
)

// conns returns the two ends of a new connection over the transport and
// a function that closes both.
func conns(transport string) (net.Conn, net.Conn, func(), error) {
	if transport == overPipe {
		a, b := Pipe()
		return a, b, func() { a.Close(); b.Close() }, nil
	}
	a, b, err := tcpPair()
	if err != nil {
		return nil, nil, nil, err
	}
	return a, b, func() { a.Close(); b.Close() }, nil
}

// tcpListener is the listener tcpPair dials, made on first use.
var tcpListener net.Listener

// tcpPair returns the two ends of a new loopback TCP connection.
func tcpPair() (net.Conn, net.Conn, error) {
	if tcpListener == nil {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		tcpListener = l
	}
	type accepted struct {
		c   net.Conn
		err error
	}
	ch := make(chan accepted, 1)
	go func() {
		c, err := tcpListener.Accept()
		ch <- accepted{c, err}
	}()
	client, err := net.Dial("tcp", tcpListener.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	r := <-ch
	if r.err != nil {
		client.Close()
		return nil, nil, r.err
	}
	return client, r.c, nil
}

// established returns a client and a server that completed their
// handshake over the transport, and a function that closes both.
func established(st stack, transport string) (endpoint, endpoint, func(), error) {
	a, z, closeAll, err := conns(transport)
	if err != nil {
		return nil, nil, nil, err
	}
	c, s := st.pair(a, z)
	errc := make(chan error, 1)
	go func() { errc <- s.Handshake() }()
	cerr := c.Handshake()
	if cerr != nil {
		a.Close()
	}
	serr := <-errc
	if cerr != nil || serr != nil {
		closeAll()
		return nil, nil, nil, fmt.Errorf("handshake: client: %v; server: %v", cerr, serr)
	}
	return c, s, closeAll, nil
}

// drain reads n bytes from r into buf, in whatever pieces r returns.
func drain(r io.Reader, buf []byte, n int64) error {
	for n > 0 {
		k, err := r.Read(buf[:min(int64(len(buf)), n)])
		n -= int64(k)
		if err != nil {
			return err
		}
	}
	return nil
}
