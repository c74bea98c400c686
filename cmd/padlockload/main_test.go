package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"bogus"},
		{"server", "-stack", "openssl"},
		{"server", "-key", "dsa"},
		{"client"},
		{"client", "-addr", "x:1"},
		{"client", "-addr", "x:1", "-control", "y:2", "-idle", "-1"},
		{"client", "-addr", "x:1", "-control", "y:2", "-dial-workers", "0"},
	} {
		if got := run(args, io.Discard, io.Discard); got != exitUsage {
			t.Errorf("run(%q) = %d, want %d", args, got, exitUsage)
		}
	}
}

// TestLoad runs a small load against an in-process server of each
// stack: the figures are of one process, but every phase runs.
func TestLoad(t *testing.T) {
	for _, st := range []stack{stackPadlock, stackCryptoTLS} {
		t.Run(string(st), func(t *testing.T) {
			s, err := startServer(st, pki.ECDSAP256, "127.0.0.1:0", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			o := clientOptions{addr: s.tls.Addr().String(), control: s.control.Addr().String(),
				idle: 20, concurrent: 10, workers: 4, duration: 50 * time.Millisecond, timeout: 10 * time.Second, stack: st}
			var logs bytes.Buffer
			r, err := runLoad(context.Background(), o, &logs)
			if err != nil {
				t.Fatalf("runLoad: %v\n%s", err, logs.String())
			}
			var out bytes.Buffer
			r.write(&out)
			if r.failed() {
				t.Errorf("failures:\n%s%s", out.String(), logs.String())
			}
			for _, want := range []string{"stack=" + string(st) + "\n", "idle_connections=20\n", "negotiated=TLS",
				"concurrent=10\n", "idle_alive_failures=0\n", "server_handshake_failures=0\n", "server_rss_bytes_per_idle_conn="} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
			if n := s.handshakes.Load(); n < 1+warmups+20+10 {
				t.Errorf("server completed %d handshakes, want at least %d", n, 1+warmups+20+10)
			}
		})
	}
}
