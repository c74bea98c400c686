package bench

import (
	"net"
	"testing"

	"padlock"
)

// countingConn counts the bytes written through it, and those of the
// first write: a client's first write is its ClientHello.
type countingConn struct {
	net.Conn
	n, first int
}

func (c *countingConn) Write(p []byte) (int, error) {
	if c.n == 0 {
		c.first = len(p)
	}
	c.n += len(p)
	return c.Conn.Write(p)
}

// handshakeBytes runs one padlock handshake of the scenario and returns
// the bytes each side hashes into its transcript and the bytes of
// encrypted handshake records, both directions, approximately: record
// headers and AEAD tags are counted as message bytes.
func handshakeBytes(b *testing.B, sc scenario, resume bool) (hashed, encrypted int) {
	st := newPadlockStack(sc, resume)
	a, z := Pipe()
	ca, cz := &countingConn{Conn: a}, &countingConn{Conn: z}
	do := func() {
		ca.n, cz.n = 0, 0
		a.Reset()
		c, s := st.pair(ca, cz)
		errc := make(chan error, 1)
		go func() { errc <- s.Handshake() }()
		if err := c.Handshake(); err != nil {
			b.Fatal(err)
		}
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
		if resume {
			if err := exchangeByte(c, s); err != nil {
				b.Fatal(err)
			}
		}
	}
	do()
	if resume {
		do()
	}
	total := ca.n + cz.n
	if sc.vers == padlock.VersionTLS12 {
		return total, 2 * 45 // the two Finished records
	}
	serverHello := 128
	if sc.group == padlock.X25519MLKEM768 {
		serverHello += 1088 // the ML-KEM-768 ciphertext
	}
	return total, total - ca.first - serverHello
}
