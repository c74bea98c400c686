package certcompress_test

import (
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"padlock"
	"padlock/certcompress"
	"padlock/internal/pki"
	"padlock/trace"
)

// compressors are the algorithms of this package under test.
var compressors = []padlock.CertificateCompressor{certcompress.Brotli{}, certcompress.Zstd{}}

// TestBounds checks that each decompressor fills exactly the declared
// length: a byte short or a byte over fails, and so does a bomb that
// expands a few kilobytes into 16 MiB.
func TestBounds(t *testing.T) {
	src := bytes.Repeat([]byte("padlock certificate "), 200)
	bomb := make([]byte, 16<<20)
	for _, c := range compressors {
		z, err := c.Compress(src)
		if err != nil {
			t.Fatal(err)
		}
		if len(z) >= len(src) {
			t.Errorf("%T: %d bytes compressed to %d", c, len(src), len(z))
		}
		for _, n := range []int{len(src) - 1, len(src), len(src) + 1} {
			dst := make([]byte, n)
			err := c.Decompress(dst, z)
			if (err == nil) != (n == len(src)) {
				t.Errorf("%T into %d of %d bytes: %v", c, n, len(src), err)
			}
			if err == nil && !bytes.Equal(dst, src) {
				t.Errorf("%T: wrong output", c)
			}
		}
		zb, err := c.Compress(bomb)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Decompress(make([]byte, 4000), zb); err == nil {
			t.Errorf("%T: a %d-byte bomb decompressed into 4000 bytes", c, len(zb))
		}
		if err := c.Decompress(make([]byte, 100), []byte("garbage, not compressed data")); err == nil {
			t.Errorf("%T: garbage decompressed", c)
		}
	}
}

// tcpPair returns the two ends of a loopback TCP connection, which
// buffers: the server's session tickets need no reader.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-accepted
	if b == nil {
		t.Fatal("accept failed")
	}
	for _, c := range []net.Conn{a, b} {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		t.Cleanup(func() { c.Close() })
	}
	return a, b
}

// TestHandshake runs padlock with padlock, both certificates compressed
// (RFC 8879). The server offers the algorithm under test and zlib; each
// side compresses with the first of its own list that the other offered.
// A client that lists zlib first compresses with zlib; one that lists
// the algorithm under test first, with it; the server always with it.
func TestHandshake(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	chain := padlock.Certificate{Certificate: [][]byte{is.Cert.Raw, ca.Cert.Raw}, PrivateKey: is.Key}
	client := pki.TestClient(pki.ECDSAP256)
	clientChain := padlock.Certificate{Certificate: [][]byte{client.Cert.Raw, ca.Cert.Raw}, PrivateKey: client.Key}
	zlib := padlock.ZlibCompressor{}
	for _, c := range compressors {
		name := map[uint16]string{2: "brotli", 3: "zstd"}[c.Algorithm()]
		for _, tc := range []struct {
			clientList []padlock.CertificateCompressor
			clientAlg  string
			clientID   uint16
		}{
			{[]padlock.CertificateCompressor{zlib, certcompress.Brotli{}, certcompress.Zstd{}}, "zlib", zlib.Algorithm()},
			{[]padlock.CertificateCompressor{c, zlib}, name, c.Algorithm()},
		} {
			t.Run(name+"/client-"+tc.clientAlg, func(t *testing.T) {
				var mu sync.Mutex
				var explain []string
				cc := &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", CertificateCompression: tc.clientList,
					Certificates: []padlock.Certificate{clientChain},
					Trace: func(e trace.Event) {
						if e.Name == "CompressedCertificate" {
							mu.Lock()
							explain = append(explain, e.Explain)
							mu.Unlock()
						}
					}}
				sc := &padlock.Config{Certificates: []padlock.Certificate{chain},
					ClientAuth: padlock.RequireAndVerifyClientCert, ClientCAs: ca.Pool(),
					CertificateCompression: []padlock.CertificateCompressor{c, zlib}}
				a, b := tcpPair(t)
				errc := make(chan error, 1)
				server := padlock.Server(b, sc)
				go func() { errc <- server.Handshake() }()
				client := padlock.Client(a, cc)
				if err := client.Handshake(); err != nil {
					t.Fatalf("client: %v", err)
				}
				if err := <-errc; err != nil {
					t.Fatalf("server: %v", err)
				}
				if got := client.ConnectionState().PeerCertificates; len(got) != 2 {
					t.Errorf("client got %d certificates", len(got))
				}
				if got := client.ConnectionState().CertificateCompression; got != c.Algorithm() {
					t.Errorf("client: ConnectionState.CertificateCompression = %d, want %d", got, c.Algorithm())
				}
				if got := server.ConnectionState().CertificateCompression; got != tc.clientID {
					t.Errorf("server: ConnectionState.CertificateCompression = %d, want %d", got, tc.clientID)
				}
				mu.Lock()
				defer mu.Unlock()
				// The server's CompressedCertificate, received, then the
				// client's, sent.
				if len(explain) != 2 || !strings.Contains(explain[0], "server sends its certificate chain compressed with "+name) ||
					!strings.Contains(explain[1], "client sends its certificate chain compressed with "+tc.clientAlg) {
					t.Errorf("CompressedCertificate events: %q", explain)
				}
			})
		}
	}
}

// FuzzDecompress feeds each decompressor, padlock's zlib too, arbitrary
// input and declared lengths: it may fail, but never panic, and a
// success fills exactly the declared length with what compresses back
// to the same bytes.
func FuzzDecompress(f *testing.F) {
	compressors := append([]padlock.CertificateCompressor{padlock.ZlibCompressor{}}, compressors...)
	for _, c := range compressors {
		z, err := c.Compress([]byte("padlock certificate padlock certificate"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(c.Algorithm()), uint16(39), z)
	}
	f.Fuzz(func(t *testing.T, which uint8, n uint16, src []byte) {
		c := compressors[int(which)%len(compressors)]
		dst := make([]byte, n)
		if err := c.Decompress(dst, src); err != nil {
			return
		}
		z, err := c.Compress(dst)
		if err != nil {
			t.Fatal(err)
		}
		again := make([]byte, n)
		if err := c.Decompress(again, z); err != nil || !bytes.Equal(again, dst) {
			t.Fatalf("%T: round trip of %d bytes: %v", c, n, err)
		}
	})
}
