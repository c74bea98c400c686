package padlock

import (
	"crypto/tls"
	"io"
	"net"
	"testing"

	"padlock/internal/pki"
)

// The benchmarks run padlock and crypto/tls side by side in one
// `go test -bench` run, over loopback TCP, with the same certificate.

func benchTLSConfigs(b *testing.B) (*tls.Config, *tls.Config) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	cert := tls.Certificate{Certificate: is.DER, PrivateKey: is.Key}
	return &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", CurvePreferences: []tls.CurveID{tls.X25519}},
		&tls.Config{Certificates: []tls.Certificate{cert}}
}

func benchPadlockConfigs(b testing.TB) (*Config, *Config) {
	cert, pool := testCert(b, pki.ECDSAP256)
	return &Config{RootCAs: pool, ServerName: "localhost", CurvePreferences: []CurveID{X25519}},
		&Config{Certificates: []Certificate{cert}}
}

func BenchmarkHandshake13(b *testing.B) {
	b.Run("padlock", func(b *testing.B) {
		cc, sc := benchPadlockConfigs(b)
		b.ReportAllocs()
		for b.Loop() {
			x, y := tcpPair(b)
			client, server := Client(x, cc), Server(y, sc)
			done := make(chan error, 1)
			go func() { done <- server.Handshake() }()
			if err := client.Handshake(); err != nil {
				b.Fatal(err)
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			x.Close()
			y.Close()
		}
	})
	b.Run("crypto-tls", func(b *testing.B) {
		cc, sc := benchTLSConfigs(b)
		b.ReportAllocs()
		for b.Loop() {
			x, y := tcpPair(b)
			client, server := tls.Client(x, cc), tls.Server(y, sc)
			done := make(chan error, 1)
			go func() { done <- server.Handshake() }()
			if err := client.Handshake(); err != nil {
				b.Fatal(err)
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			x.Close()
			y.Close()
		}
	})
}

// benchTransfer sends 1 MiB per iteration in 16 KiB writes from w to r.
func benchTransfer(b *testing.B, w io.Writer, r io.Reader) {
	const total = 1 << 20
	chunk := make([]byte, 16<<10)
	b.SetBytes(total)
	b.ReportAllocs()
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for range b.N {
			for n := 0; n < total; {
				m, err := r.Read(buf)
				if err != nil {
					done <- err
					return
				}
				n += m
			}
		}
		done <- nil
	}()
	b.ResetTimer()
	for range b.N {
		for n := 0; n < total; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

func BenchmarkTransfer1MiB(b *testing.B) {
	b.Run("padlock", func(b *testing.B) {
		cc, sc := benchPadlockConfigs(b)
		client, server, cerr, serr := runPair(b, cc, sc)
		if cerr != nil || serr != nil {
			b.Fatal(cerr, serr)
		}
		benchTransfer(b, client, server)
	})
	b.Run("crypto-tls", func(b *testing.B) {
		cc, sc := benchTLSConfigs(b)
		x, y := tcpPair(b)
		client, server := tls.Client(x, cc), tls.Server(y, sc)
		go server.Handshake()
		if err := client.Handshake(); err != nil {
			b.Fatal(err)
		}
		benchTransfer(b, client, server)
	})
}

// TestNoAllocsPerRecord checks that an established connection seals and
// opens application data without allocating.
func TestNoAllocsPerRecord(t *testing.T) {
	cc, sc := benchPadlockConfigs(t)
	client, server, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	msg := make([]byte, 16<<10)
	buf := make([]byte, 16<<10)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := client.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(server, buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per 16 KiB record written and read, want 0", allocs)
	}
}

var _ net.Conn = (*Conn)(nil)
