package capture

import (
	"fmt"
	"net/netip"
	"time"
)

// Conn is one TCP connection of a capture: its two endpoints and the
// bytes each sent, put back in order.
type Conn struct {
	ID     int            // from 1, in the order of the connections' first packets
	Client netip.AddrPort // the side that opened the connection, or that sent the ClientHello
	Server netip.AddrPort
	Start  time.Time // the time of its first packet
	// SawOpen reports whether the capture holds the connection's start
	// (the client's SYN); without it, the capture began mid-connection.
	SawOpen bool
	// ToServer and ToClient are the bytes each side sent.
	ToServer, ToClient *Stream
	// Notes say what about the connection could not be read whole.
	Notes []string

	first      netip.AddrPort // the sender of the first packet
	guessedDir bool           // client and server were told apart by guess
}

// newConn starts a connection whose first packet went from src to dst.
func newConn(id int, src, dst netip.AddrPort, t time.Time) *Conn {
	return &Conn{ID: id, Client: src, Server: dst, Start: t, first: src,
		ToServer: &Stream{}, ToClient: &Stream{}}
}

// reopened reports whether s, a SYN on a connection already under way,
// opens a new connection between the same endpoints.
func (c *Conn) reopened(src netip.AddrPort, s segment, ack bool) bool {
	if !s.syn || ack {
		return false
	}
	st := c.streamFrom(src)
	return st.sawSYN && st.isn != s.seq || !st.sawSYN && len(st.segs) > 0
}

// add files s, sent by src.
func (c *Conn) add(src netip.AddrPort, s segment, ack bool) {
	if s.syn && !ack && !c.SawOpen {
		// A SYN without ACK opens the connection: its sender is the client.
		c.SawOpen = true
		if src != c.Client {
			c.Client, c.Server = c.Server, c.Client
			c.ToServer, c.ToClient = c.ToClient, c.ToServer
		}
	}
	c.streamFrom(src).add(s)
}

// streamFrom returns the stream that src sends.
func (c *Conn) streamFrom(src netip.AddrPort) *Stream {
	if src == c.Client {
		return c.ToServer
	}
	return c.ToClient
}

// finish reassembles both streams and, when the capture missed the
// connection's start, decides which side is the client.
func (c *Conn) finish() {
	c.ToServer.assemble()
	c.ToClient.assemble()
	if !c.SawOpen {
		c.Notes = append(c.Notes, "the capture starts after this connection opened (no SYN): what came before is not in it")
		c.guessClient()
	}
	for _, d := range []struct {
		who string
		s   *Stream
	}{{"client", c.ToServer}, {"server", c.ToClient}} {
		c.Notes = append(c.Notes, d.s.notes(d.who)...)
	}
}

// guessClient makes the sender of a ClientHello the client; failing
// that, the side with the higher port (servers listen on low ones).
func (c *Conn) guessClient() {
	swap := false
	switch {
	case startsWithClientHello(c.ToServer.Data):
	case startsWithClientHello(c.ToClient.Data):
		swap = true
	default:
		c.guessedDir = true
		swap = c.Client.Port() < c.Server.Port()
	}
	if swap {
		c.Client, c.Server = c.Server, c.Client
		c.ToServer, c.ToClient = c.ToClient, c.ToServer
	}
}

// startsWithClientHello reports whether b begins with a handshake record
// holding a ClientHello.
func startsWithClientHello(b []byte) bool {
	return len(b) > 5 && b[0] == recordHandshake && b[1] == 3 && b[5] == 1
}

// String names the connection as "client -> server".
func (c *Conn) String() string {
	return fmt.Sprintf("%s → %s", c.Client, c.Server)
}
