package bench

import (
	"io"
	"testing"
)

// echoSize is the payload of the small-record benchmark.
const echoSize = 64

// benchEcho measures the round trip of a small record: the client writes
// 64 bytes, the server reads them and writes them back, the client reads
// them. One operation is one round trip; allocs/op shows the cost per
// record once established (four records per operation).
func benchEcho(b *testing.B, st stack, transport string) {
	c, s, closeAll, err := established(st, transport)
	if err != nil {
		b.Fatal(err)
	}
	defer closeAll()
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, echoSize)
		for {
			if _, err := io.ReadFull(s, buf); err != nil {
				done <- nil // the connection was closed: the end
				return
			}
			if _, err := s.Write(buf); err != nil {
				done <- err
				return
			}
		}
	}()
	msg := make([]byte, echoSize)
	buf := make([]byte, echoSize)
	roundTrip := func() {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
	roundTrip() // the client reads the server's ticket here
	b.ReportAllocs()
	m := startCPU(b)
	for i := 0; i < b.N; i++ {
		roundTrip()
	}
	m.stop(b)
	closeAll()
	<-done
}

// floorEcho is the AEAD work of an echo: two records sealed and opened.
func floorEcho(b *testing.B) {
	aead, err := newGCM(make([]byte, 16))
	if err != nil {
		b.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	buf := make([]byte, echoSize+1+aead.Overhead())
	aad := make([]byte, 5)
	b.ReportAllocs()
	m := startCPU(b)
	for i := 0; i < b.N; i++ {
		for range 2 {
			sealed := aead.Seal(buf[:0], nonce, buf[:echoSize+1], aad)
			if _, err := aead.Open(sealed[:0], nonce, sealed, aad); err != nil {
				b.Fatal(err)
			}
		}
	}
	m.stop(b)
}
