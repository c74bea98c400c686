package interop

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"padlock/internal/pki"
)

// commandTimeout bounds every external command a test runs.
const commandTimeout = 20 * time.Second

// pemFiles are the paths of a test chain written for external programs.
type pemFiles struct {
	cert string // the leaf and the CA, PEM
	key  string // the leaf's key, PKCS#8 PEM
	ca   string // the CA alone, PEM
}

// writePEM writes the test chain of key type kt to a temporary directory.
func writePEM(t *testing.T, kt pki.KeyType) pemFiles {
	t.Helper()
	ca, is := pki.TestChain(kt)
	dir := t.TempDir()
	f := pemFiles{
		cert: filepath.Join(dir, "cert.pem"),
		key:  filepath.Join(dir, "key.pem"),
		ca:   filepath.Join(dir, "ca.pem"),
	}
	for path, data := range map[string][]byte{f.cert: is.ChainPEM, f.key: is.KeyPEM, f.ca: ca.CertPEM} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// process is an external command started by a test, its output (stdout
// and stderr together) collected as it comes.
type process struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{} // closed when the command has exited
	err  error         // its exit status, once done
}

// Write collects output.
func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// Output returns the output so far.
func (p *process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// start runs path with args, killed after commandTimeout and when the
// test ends. stdin is nil for a pipe the test writes to with p.stdin.
func start(t *testing.T, stdin io.Reader, path string, args ...string) *process {
	t.Helper()
	return startEnv(t, nil, stdin, path, args...)
}

// startEnv is start with env ("NAME=value") added to the environment:
// how a test configures a peer beyond its flags, without touching the
// environment of the tests that run beside it.
func startEnv(t *testing.T, env []string, stdin io.Reader, path string, args ...string) *process {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	p := &process{cmd: exec.CommandContext(ctx, path, args...), done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if env != nil {
		p.cmd.Env = append(os.Environ(), env...)
	}
	p.cmd.WaitDelay = time.Second
	if stdin != nil {
		p.cmd.Stdin = stdin
	} else {
		w, err := p.cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		p.stdin = w
	}
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("%s: %v", path, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.done
		if t.Failed() {
			t.Logf("%s %q output:\n%s", filepath.Base(path), args, p.Output())
		}
	})
	return p
}

// waitFor waits until the output matches re and returns the submatches,
// or fails the test when the command exits or the time runs out first.
func (p *process) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	p.waitUntil(t, re.String(), func(out string) bool {
		m = re.FindStringSubmatch(out)
		return m != nil
	})
	return m
}

// waitCount waits until s occurs n times in the output.
func (p *process) waitCount(t *testing.T, s string, n int) {
	t.Helper()
	p.waitUntil(t, fmt.Sprintf("%d × %q", n, s), func(out string) bool {
		return strings.Count(out, s) >= n
	})
}

// waitUntil waits until ok accepts the output, or fails the test when the
// command exits or the time runs out first.
func (p *process) waitUntil(t *testing.T, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.After(commandTimeout)
	for !ok(p.Output()) {
		select {
		case <-p.done:
			if ok(p.Output()) {
				return
			}
			t.Fatalf("command exited (%v) before printing %s", p.err, what)
		case <-deadline:
			t.Fatalf("no %s in the command's output after %v", what, commandTimeout)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// wait waits for the command to exit and returns its status.
func (p *process) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(commandTimeout):
		t.Fatalf("command still running after %v", commandTimeout)
		return nil
	}
}
