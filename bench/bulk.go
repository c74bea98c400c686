package bench

import (
	"crypto/cipher"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// recordSize is what each Write of a bulk transfer carries: one full
// record.
const recordSize = 16 << 10

// warmUp is what a bulk benchmark sends before it starts the clock:
// crypto/tls starts a connection with small records and grows them
// (dynamic record sizing), and the benchmark measures the steady state.
const warmUp = 4 << 20

// benchBulk measures a transfer from client to server in 16 KiB writes:
// one operation is one write, read in full by a goroutine on the other
// side. The metric is the throughput; cpu-ns/op counts both sides.
func benchBulk(b *testing.B, st stack, transport string) {
	c, s, closeAll, err := established(st, transport)
	if err != nil {
		b.Fatal(err)
	}
	defer closeAll()
	chunk := make([]byte, recordSize)
	total := int64(b.N)*recordSize + warmUp
	done := make(chan error, 1)
	go func() { done <- drain(s, make([]byte, 32<<10), total) }()
	for n := 0; n < warmUp; n += len(chunk) {
		if _, err := c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(recordSize)
	b.ReportAllocs()
	m := startCPU(b)
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	m.stop(b)
}

// aeadMaker makes the AEAD of a suite from a key of the right length.
type aeadMaker struct {
	keyLen int
	make   func(key []byte) (cipher.AEAD, error)
}

var (
	aes128GCM = aeadMaker{16, newGCM}
	aes256GCM = aeadMaker{32, newGCM}
	chacha    = aeadMaker{32, chacha20poly1305.New}
)

// floorAEAD measures the raw AEAD work of one record of size bytes:
// sealing it in place and opening it in place, as the two sides of a
// transfer must, with nothing else: no header, no copy, no I/O.
func floorAEAD(a aeadMaker, size int) func(*testing.B) {
	return func(b *testing.B) {
		aead, err := a.make(make([]byte, a.keyLen))
		if err != nil {
			b.Fatal(err)
		}
		nonce := make([]byte, aead.NonceSize())
		buf := make([]byte, size+aead.Overhead())
		aad := make([]byte, 5)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		m := startCPU(b)
		for i := 0; i < b.N; i++ {
			nonce[len(nonce)-1] = byte(i)
			sealed := aead.Seal(buf[:0], nonce, buf[:size], aad)
			if _, err := aead.Open(sealed[:0], nonce, sealed, aad); err != nil {
				b.Fatal(err)
			}
		}
		m.stop(b)
	}
}
