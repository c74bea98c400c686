package bench

import (
	"fmt"
	"io"
	"testing"
)

// benchHandshake measures full handshakes, or resumed ones, of a stack
// over an in-memory Pipe: the client in the benchmark's goroutine, the
// server in one other, so both sides' CPU is counted and nothing else
// runs. Each iteration makes two new connections over the reset Pipe and
// drops them without Close: only the handshake is measured.
func benchHandshake(b *testing.B, st stack, resume bool) {
	a, z := Pipe()
	servers := make(chan endpoint)
	done := make(chan error)
	defer close(servers)
	go func() {
		for s := range servers {
			done <- s.Handshake()
		}
	}()
	once := func() (endpoint, endpoint, error) {
		a.Reset()
		c, s := st.pair(a, z)
		servers <- s
		cerr := c.Handshake()
		if cerr != nil {
			a.Close() // a server still waiting for the client gives up
		}
		if serr := <-done; cerr == nil && serr != nil {
			return nil, nil, fmt.Errorf("server: %w", serr)
		}
		return c, s, cerr
	}
	if resume {
		// A full handshake and one byte of data, so that the client
		// reads the server's ticket and stores the session.
		c, s, err := once()
		if err == nil {
			err = exchangeByte(c, s)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	m := startCPU(b)
	for i := 0; i < b.N; i++ {
		c, _, err := once()
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 && st.resumed(c) != resume {
			b.Fatalf("handshake resumed: %v, want %v", st.resumed(c), resume)
		}
		if ec, ok := st.(echChecked); i == 0 && ok && !ec.echAccepted(c) {
			b.Fatal("the server did not accept ECH")
		}
	}
	m.stop(b)
}

// exchangeByte sends one byte from the server to the client.
func exchangeByte(c, s endpoint) error {
	errc := make(chan error, 1)
	go func() {
		_, err := s.Write([]byte{1})
		errc <- err
	}()
	var buf [1]byte
	if _, err := io.ReadFull(c, buf[:]); err != nil {
		return err
	}
	return <-errc
}
