package scan

import (
	"context"
	"net"
	"testing"
	"time"

	"padlock/internal/wire"
)

// hostileServer accepts connections on loopback and hands each to
// behave, until the test ends.
func hostileServer(t *testing.T, behave func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				behave(c)
			}()
		}
	}()
	return l.Addr().String()
}

// readHello reads what the probe sent, a little, so the server answers
// after the hello as a real one would.
func readHello(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 512)
	c.Read(buf)
}

// TestScanHostileServers scans servers that answer garbage, reset the
// connection, stay silent, stall in the middle of a record, or stream
// records without end: the scan must finish within a few probe
// deadlines, find no TLS, and say why.
func TestScanHostileServers(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cases := []struct {
		name   string
		behave func(net.Conn)
	}{
		{"garbage", func(c net.Conn) { readHello(c); c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) }},
		{"reset", func(c net.Conn) { c.(*net.TCPConn).SetLinger(0) }},
		{"silence", func(c net.Conn) { time.Sleep(3 * timeout); c.Read(make([]byte, 1)) }},
		{"stall", func(c net.Conn) {
			readHello(c)
			c.Write([]byte{22, 3, 3, 0x40, 0x00, 2, 0, 0})
			time.Sleep(3 * timeout)
		}},
		{"endless", func(c net.Conn) {
			// A TLS 1.2 ServerHello, then a Certificate of 16 MiB that
			// never ends.
			readHello(c)
			c.SetWriteDeadline(time.Now().Add(3 * timeout))
			sh := (&wire.ServerHello{Vers: 0x0303, Random: make([]byte, 32), CipherSuite: 0xC02F}).Marshal()
			c.Write(records(sh, 0x0303))
			rec := append([]byte{22, 3, 3, 0x40, 0x00, 11, 0xff, 0xff, 0xff}, make([]byte, 0x4000-4)...)
			for {
				if _, err := c.Write(rec); err != nil {
					return
				}
				rec = append([]byte{22, 3, 3, 0x40, 0x00}, make([]byte, 0x4000)...)
			}
		}},
		{"huge-record", func(c net.Conn) { readHello(c); c.Write([]byte{22, 3, 3, 0xff, 0xff}) }},
		{"bad-serverhello", func(c net.Conn) {
			readHello(c)
			c.Write([]byte{22, 3, 3, 0, 8, 2, 0, 0, 4, 3, 3, 0xde, 0xad})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := hostileServer(t, tc.behave)
			s := New(Options{Timeout: timeout, Concurrency: 16})
			start := time.Now()
			r := s.Scan(context.Background(), addr)
			if d := time.Since(start); d > 10*timeout {
				t.Errorf("the scan took %v with a probe deadline of %v", d, timeout)
			}
			if tc.name == "endless" {
				return // it does send a ServerHello
			}
			if len(r.Versions) != 0 {
				t.Errorf("versions %v from a server that speaks no TLS", r.Versions)
			}
			if r.Grade.Grade != "F" {
				t.Errorf("grade %+v, want F", r.Grade)
			}
			if tc.name != "reset" && len(r.Errors) == 0 {
				t.Error("no probe error reported")
			}
			t.Logf("%v: %q", time.Since(start), r.Errors)
		})
	}
}

// TestScanCancelled checks that a cancelled context ends a scan of a
// silent server at once.
func TestScanCancelled(t *testing.T) {
	addr := hostileServer(t, func(c net.Conn) { time.Sleep(2 * time.Second) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	New(Options{Timeout: 5 * time.Second}).Scan(ctx, addr)
	if d := time.Since(start); d > time.Second {
		t.Errorf("the cancelled scan took %v", d)
	}
}

// TestScanUnreachable scans a port nobody listens on.
func TestScanUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := New(Options{Timeout: time.Second}).Scan(context.Background(), addr)
	if len(r.Versions) != 0 || len(r.Errors) == 0 || r.Grade.Grade != "F" {
		t.Errorf("versions %v, errors %q, grade %v", r.Versions, r.Errors, r.Grade)
	}
}
