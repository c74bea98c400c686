package padlock

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
)

// TestEarlyDataOpenSSLClient has `openssl s_client -early_data` resume a
// padlock server's session with 0-RTT data, which the server accepts
// and reads as early data.
func TestEarlyDataOpenSSLClient(t *testing.T) {
	openssl := requireOpenSSL(t)
	files := writeOpenSSLFiles(t)
	dir := t.TempDir()
	sess, early := filepath.Join(dir, "sess.pem"), filepath.Join(dir, "early.txt")
	const msg = "GET / HTTP/1.0\r\n\r\n"
	if err := os.WriteFile(early, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	// s_client -ign_eof ends at the close_notify, after the ticket.
	addr, results := serveEarlyData(t, 2, msg, 0)
	base := []string{"s_client", "-tls1_3", "-connect", addr, "-CAfile", files.ca,
		"-servername", "localhost", "-verify_return_error", "-ign_eof"}
	runOpenSSL(t, openssl, append(base, "-sess_out", sess)...)
	if r := <-results; r.err != nil || r.state.EarlyDataAccepted {
		t.Fatalf("first connection: %v, %+v", r.err, r.state)
	}
	out := runOpenSSL(t, openssl, append(base, "-sess_in", sess, "-early_data", early)...)
	if !strings.Contains(out, "Early data was accepted") {
		t.Errorf("s_client did not see its early data accepted:\n%s", out)
	}
	r := <-results
	if r.err != nil || !r.state.DidResume || !r.state.EarlyDataAccepted || r.state.EarlyDataLen != len(msg) || r.early != msg {
		t.Fatalf("second connection: %v, early data %q, %+v", r.err, r.early, r.state)
	}
}

// TestEarlyDataOpenSSLServer sends 0-RTT data from a padlock client to
// `openssl s_server -early_data`, which accepts it and prints it (not in
// -rev mode, which early data excludes).
func TestEarlyDataOpenSSLServer(t *testing.T) {
	openssl := requireOpenSSL(t)
	files := writeOpenSSLFiles(t)
	_, pool := testCert(t, pki.ECDSAP256)
	addr, done := startSServerMode(t, openssl, files, "", "-tls1_3", "-early_data", "-ign_eof")
	cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4), SendEarlyData: true}
	const msg = "padlock-early\n"
	for i := range 2 {
		raw, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		raw.SetDeadline(time.Now().Add(10 * time.Second))
		c := Client(raw, cc)
		if i == 1 {
			c.WriteEarly([]byte(msg))
		}
		if err := c.Handshake(); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if got := c.ConnectionState().EarlyDataAccepted; got != (i == 1) {
			t.Errorf("connection %d: EarlyDataAccepted %v", i, got)
		}
		if _, err := c.Write([]byte("after\n")); err != nil {
			t.Fatalf("connection %d: %v\n%s", i, err, done())
		}
		if i == 0 {
			// s_server answers nothing: a short read takes the ticket in.
			c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			c.Read(make([]byte, 1))
		}
		c.Close()
	}
	if out := done(); !strings.Contains(out, strings.TrimSpace(msg)) {
		t.Errorf("s_server did not print the early data:\n%s", out)
	}
}

// earlyResult is what an early-data server saw of one connection.
type earlyResult struct {
	state ConnectionState // after the early data was read
	early string
	err   error
}

// serveEarlyData accepts n connections on a loopback port with a server
// that allows 4096 bytes of early data, and reports each: its state and,
// when it accepted early data, the len(msg) bytes it read first. With
// linger, it reads on for that long before closing, so that a client
// finishes its handshake and takes its ticket.
func serveEarlyData(t *testing.T, n int, msg string, linger time.Duration) (addr string, results <-chan earlyResult) {
	t.Helper()
	cert, _ := testCert(t, pki.ECDSAP256)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	sc := &Config{Certificates: []Certificate{cert}, MaxEarlyData: 4096}
	ch := make(chan earlyResult, n)
	go func() {
		for range n {
			raw, err := l.Accept()
			if err != nil {
				return
			}
			raw.SetDeadline(time.Now().Add(10 * time.Second))
			c := Server(raw, sc)
			r := earlyResult{err: c.Handshake()}
			if r.err == nil && c.ConnectionState().EarlyDataAccepted {
				b := make([]byte, len(msg))
				_, r.err = io.ReadFull(c, b)
				r.early = string(b)
			}
			r.state = c.ConnectionState()
			if r.err == nil && linger > 0 {
				c.SetReadDeadline(time.Now().Add(linger))
				c.Read(make([]byte, 1))
			}
			c.Close()
			ch <- r
		}
	}()
	return l.Addr().String(), ch
}
