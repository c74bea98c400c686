package fleet

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFleetOpenSSLResumes has openssl s_client make a session on A
// (-sess_out) and resume it on B and C (-sess_in): TLS 1.3 tickets, TLS
// 1.2 tickets and TLS 1.2 session IDs (-no_ticket).
func TestFleetOpenSSLResumes(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("openssl not found (%v): CI must install it (apt-get install openssl)", err)
		}
		t.Skipf("openssl not found (%v): install it (apt-get install openssl) to run this test", err)
	}
	r, _, nodes := startFleet(t)
	rdb := r.client(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"TLS 1.3 ticket", []string{"-tls1_3"}},
		{"TLS 1.2 ticket", []string{"-tls1_2"}},
		{"TLS 1.2 session ID", []string{"-tls1_2", "-no_ticket"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sess := filepath.Join(t.TempDir(), "session.pem")
			if out := sClient(t, openssl, nodes[0], append(tc.args, "-sess_out", sess)); !strings.Contains(out, "New, TLSv1.") {
				t.Fatalf("A: no new session:\n%s", out)
			}
			for _, n := range nodes[1:] {
				if out := sClient(t, openssl, n, append(tc.args, "-sess_in", sess)); !strings.Contains(out, "Reused, TLSv1.") {
					t.Errorf("%s did not resume A's session:\n%s", n.name, out)
				}
			}
			ids, err := rdb.Keys(context.Background(), "padlock:fleet:sid:*").Result()
			if err != nil {
				t.Fatal(err)
			}
			if hasID := len(ids) > 0; hasID != strings.Contains(tc.name, "session ID") {
				t.Errorf("session IDs in Redis: %d", len(ids))
			}
		})
	}
}

// sClient runs one s_client connection to n, which answers its line and
// closes; it returns what s_client printed.
func sClient(t *testing.T, openssl string, n *node, args []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, append([]string{"s_client", "-connect", n.addr(), "-servername", "localhost", "-ign_eof"}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stdin = strings.NewReader("hello\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil && ctx.Err() != nil {
		t.Fatalf("s_client to %s did not finish: %v\n%s", n.name, err, out.String())
	}
	return out.String()
}
