package padlock

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"padlock/internal/pki"
)

// requireTool returns the path of a peer program. When it is missing the
// test fails in CI, which must install it, and is skipped elsewhere.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (%v): CI must install it", name, err)
	}
	t.Skipf("%s not found (%v)", name, err)
	return ""
}

// TestEarlyDataGnuTLSClient has `gnutls-cli --resume --earlydata` resume
// a padlock server's session with 0-RTT data, which the server accepts
// and reads before the handshake completes.
func TestEarlyDataGnuTLSClient(t *testing.T) {
	bin := requireTool(t, "gnutls-cli")
	files := writeOpenSSLFiles(t)
	early := filepath.Join(t.TempDir(), "early.txt")
	const msg = "GET / HTTP/1.0\r\n\r\n"
	if err := os.WriteFile(early, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	// Let the client finish and take its ticket in.
	addr, results := serveEarlyData(t, 2, msg, 300*time.Millisecond)
	_, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-p", port, "--x509cafile", files.ca, "--sni-hostname", "localhost",
		"--verify-hostname", "localhost", "--resume", "--waitresumption", "--earlydata="+early, "127.0.0.1").CombinedOutput()
	if err != nil {
		t.Logf("gnutls-cli: %v", err) // it may end on the server's close
	}
	if r := <-results; r.err != nil || r.state.EarlyDataAccepted {
		t.Fatalf("first connection: %v, %+v\n%s", r.err, r.state, out)
	}
	r := <-results
	if r.err != nil || !r.state.DidResume || !r.state.EarlyDataAccepted || r.early != msg {
		t.Fatalf("second connection: %v, early data %q, %+v\n%s", r.err, r.early, r.state, out)
	}
}

// TestEarlyDataGnuTLSServer sends 0-RTT data from a padlock client to
// `gnutls-serv --earlydata --echo`, which accepts it.
func TestEarlyDataGnuTLSServer(t *testing.T) {
	bin := requireTool(t, "gnutls-serv")
	files := writeOpenSSLFiles(t)
	_, pool := testCert(t, pki.ECDSAP256)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close() // gnutls-serv takes the port
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-p", port, "--x509certfile", files.cert, "--x509keyfile", files.key,
		"--earlydata", "--maxearlydata=4096", "--echo")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4), SendEarlyData: true}
	const msg = "padlock-early\n"
	for i := range 2 {
		var raw net.Conn
		for range 50 { // until gnutls-serv listens
			if raw, err = net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("gnutls-serv: %v\n%s", err, out.String())
		}
		raw.SetDeadline(time.Now().Add(10 * time.Second))
		c := Client(raw, cc)
		if i == 1 {
			c.WriteEarly([]byte(msg))
		}
		if err := c.Handshake(); err != nil {
			t.Fatalf("connection %d: %v\n%s", i, err, out.String())
		}
		if got := c.ConnectionState().EarlyDataAccepted; got != (i == 1) {
			t.Errorf("connection %d: EarlyDataAccepted %v\n%s", i, got, out.String())
		}
		// gnutls-serv takes early data in but echoes only 1-RTT data;
		// it reached the EndOfEarlyData behind it, and the echo proves
		// the keys after it agree.
		line := "ping\n"
		if _, err := c.Write([]byte("ping\n")); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(line))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != line {
			t.Fatalf("connection %d: echo %q, %v\n%s", i, got, err, out.String())
		}
		c.Close()
	}
}

// syncBuffer is a bytes.Buffer a process writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
