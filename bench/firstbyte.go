package bench

import (
	"fmt"
	"io"
	"testing"
	"time"

	"padlock"
)

// oneWay is the latency each direction of a FirstByte connection adds:
// a round trip of 20 ms, a nearby server.
const oneWay = 10 * time.Millisecond

// firstByteCases compare, on a resumed TLS 1.3 connection with a 20 ms
// round trip, the time until the client has the server's answer when the
// request follows the handshake (1-RTT) and when it goes as early data
// (0-RTT, RFC 8446 section 2.3), which should save one round trip.
// crypto/tls has no 0-RTT outside QUIC, so the groups are padlock's only.
func firstByteCases() []Case {
	return []Case{
		{"FirstByte/resumed-1rtt", StackPadlock, func(b *testing.B) { benchFirstByte(b, false) }},
		{"FirstByte/resumed-0rtt", StackPadlock, func(b *testing.B) { benchFirstByte(b, true) }},
	}
}

// benchFirstByte measures, per request, the time from the start of a
// resumed client's handshake to the end of its reading the server's
// 64-byte answer to a 64-byte request, over loopback TCP with oneWay
// added to each direction. The TCP connect and the exchange after the
// answer, which brings the client the server's next ticket, are not
// timed. The ms/req metric is that time in milliseconds.
func benchFirstByte(b *testing.B, early bool) {
	st := newPadlockStack(tls13X25519, true)
	st.server.MaxEarlyData = 1 << 10
	// One connection with a full handshake, for the first ticket.
	if _, err := firstByte(nil, st, false, false); err != nil {
		b.Fatal(err)
	}
	st.client.SendEarlyData = early
	b.StopTimer()
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		d, err := firstByte(b, st, early, true)
		if err != nil {
			b.Fatal(err)
		}
		total += d
	}
	b.ReportMetric(float64(total.Nanoseconds())/1e6/float64(b.N), "ms/req")
}

// firstByte makes one connection of st over a delayed TCP pair, sends a
// request and reads the answer, and returns how long that took. With
// early the request is early data, which the server must accept; with
// resume the handshake must resume. b, when not nil, has its timer
// stopped, and runs it for the timed part only.
func firstByte(b *testing.B, st *padlockStack, early, resume bool) (time.Duration, error) {
	a, z, err := tcpPair()
	if err != nil {
		return 0, err
	}
	ac, zc := newDelayConn(a, oneWay), newDelayConn(z, oneWay)
	defer ac.Close()
	defer zc.Close()
	c, s := st.pair(ac, zc)
	client, server := c.(*padlock.Conn), s.(*padlock.Conn)
	served := make(chan error, 1)
	go func() { served <- answer(server) }()

	req, resp := make([]byte, echoSize), make([]byte, echoSize)
	if b != nil {
		b.StartTimer()
	}
	start := time.Now()
	if early {
		if _, err := client.WriteEarly(req); err != nil {
			return 0, err
		}
	}
	if err := client.Handshake(); err != nil {
		return 0, err
	}
	cs := client.ConnectionState()
	if !cs.EarlyDataAccepted {
		if _, err := client.Write(req); err != nil {
			return 0, err
		}
	}
	if _, err := io.ReadFull(client, resp); err != nil {
		return 0, err
	}
	d := time.Since(start)
	if b != nil {
		b.StopTimer()
	}

	if cs.DidResume != resume || cs.EarlyDataAccepted != early {
		return 0, fmt.Errorf("resumed %v, early data accepted %v; want %v, %v", cs.DidResume, cs.EarlyDataAccepted, resume, early)
	}
	// A last byte each way: the server reads past the early data, ends
	// the handshake and issues a ticket, which the client reads before
	// the server's byte, so that the next connection resumes.
	if _, err := client.Write(resp[:1]); err != nil {
		return 0, err
	}
	if _, err := io.ReadFull(client, resp[:1]); err != nil {
		return 0, err
	}
	if err := <-served; err != nil {
		return 0, fmt.Errorf("server: %w", err)
	}
	return d, nil
}

// answer is the server of firstByte: it answers a 64-byte request with
// 64 bytes, as soon as it has the request, then echoes one last byte.
func answer(s *padlock.Conn) error {
	if err := s.Handshake(); err != nil {
		return err
	}
	buf := make([]byte, echoSize)
	if _, err := io.ReadFull(s, buf); err != nil {
		return err
	}
	if _, err := s.Write(buf); err != nil {
		return err
	}
	if _, err := io.ReadFull(s, buf[:1]); err != nil {
		return err
	}
	_, err := s.Write(buf[:1])
	return err
}
