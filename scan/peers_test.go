package scan

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
)

// requirePeer returns the path of the external program name. When it is
// missing the test fails in CI (which must install it) and is skipped
// elsewhere.
func requirePeer(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (%v): CI must install it (apt-get install %s)", name, err, pkg)
	}
	t.Skipf("%s not found (%v): install %s to run this test", name, err, pkg)
	return ""
}

// pemFiles are a chain and key written for an external server.
type pemFiles struct{ cert, key, ca string }

// writeChain writes is (leaf and CA) and ca for external programs.
func writeChain(t *testing.T, ca *pki.CA, is *pki.Issued) pemFiles {
	t.Helper()
	dir := t.TempDir()
	f := pemFiles{filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")}
	for path, data := range map[string][]byte{f.cert: is.ChainPEM, f.key: is.KeyPEM, f.ca: ca.CertPEM} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// startServer runs an external TLS server on a free loopback port and
// returns its address once a line of its output matches ready, whose
// first group is the port (or port is the port given). It is killed
// when the test ends.
func startServer(t *testing.T, env []string, ready *regexp.Regexp, port string, path string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	found := make(chan string, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				if len(m) > 1 {
					found <- m[1]
				} else {
					found <- port
				}
			}
		}
		close(found)
	}()
	select {
	case p, ok := <-found:
		if !ok {
			t.Fatalf("%s exited before it was ready", filepath.Base(path))
		}
		return net.JoinHostPort("127.0.0.1", p)
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: not ready after 10s", filepath.Base(path))
	}
	return ""
}

var sServerReady = regexp.MustCompile(`ACCEPT 127\.0\.0\.1:(\d+)`)

// startSServerEnv runs openssl s_server with the chain of f and flags,
// and env added to its environment.
func startSServerEnv(t *testing.T, env []string, f pemFiles, flags ...string) string {
	openssl := requirePeer(t, "openssl", "openssl")
	args := append([]string{"s_server", "-accept", "127.0.0.1:0", "-www", "-cert", f.cert, "-key", f.key}, flags...)
	return startServer(t, env, sServerReady, "", openssl, args...)
}

// startCryptoTLS serves crypto/tls on loopback with config c, in this
// process, until the test ends.
func startCryptoTLS(t *testing.T, c *tls.Config) string {
	l, err := tls.Listen("tcp", "127.0.0.1:0", c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				conn.(*tls.Conn).Handshake()
				conn.Write([]byte("HTTP/1.0 200 OK\r\n\r\n"))
			}()
		}
	}()
	return l.Addr().String()
}

// testScanner scans with the test CA of kt trusted.
func testScanner(ca *pki.CA) *Scanner {
	return New(Options{Timeout: 3 * time.Second, RootCAs: ca.Pool(), KeepBytes: true})
}
