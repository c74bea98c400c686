//go:build unix

package record

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP: %v", err)
	}
	defer l.Close()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	z, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); z.Close() })
	return a.(*net.TCPConn), z.(*net.TCPConn)
}

// TestSocketReaderWaitsWithoutBuffer checks that a socket's Reader gives
// its pooled buffer back when a read would block (seen here through a
// read deadline, which keeps the test on one goroutine), reports the
// timeout as net.Conn's Read does, then reads records of every size and
// the end of the stream.
func TestSocketReaderWaitsWithoutBuffer(t *testing.T) {
	s := suites[1]
	a, z := tcpPair(t)
	r := s.reader(t, z)
	if r.raw == nil {
		t.Fatal("Reader of a *net.TCPConn does not read the socket directly")
	}
	z.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, _, err := r.ReadRecord()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v, want a timeout", err)
	}
	if oe, ok := err.(*net.OpError); !ok || oe.Op != "read" {
		t.Errorf("timeout %#v, want a *net.OpError of a read", err)
	}
	if r.arr != nil || r.small != nil {
		t.Error("Reader waiting for the socket holds a buffer")
	}
	z.SetReadDeadline(time.Time{})
	wire, data := stream(t, s, 10, 1000, MaxPlaintext, 5)
	go func() {
		a.Write(wire)
		a.CloseWrite()
	}()
	for i, want := range data {
		_, got, err := r.ReadRecord()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("record %d: %v", i, err)
		}
		r.Release()
	}
	if _, _, err := r.ReadRecord(); err != io.EOF {
		t.Errorf("at the end of the stream: %v, want EOF", err)
	}
}

// TestSocketReaderAllocs checks that reading a socket this way keeps
// records free of allocations, the wait for the next one included.
func TestSocketReaderAllocs(t *testing.T) {
	s := suites[1]
	a, z := tcpPair(t)
	checkReleasingAllocs(t, s.writer(t, a), s.reader(t, z))
}
