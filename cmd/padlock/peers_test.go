package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// The tests in peers_*_test.go run padlock against real programs:
// Chromium, curl and tshark. Each is looked up on PATH: when it is
// missing the test fails in CI (which must install it) and is skipped
// elsewhere. Every process runs under a context with a timeout, in a
// process group of its own that is killed whole when the time is up.

// requirePeer returns the path of the program name, or ends the test.
func requirePeer(t *testing.T, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (%v): CI must install it (apt-get install %s)", name, err, debianPackage)
	}
	t.Skipf("%s not found (%v): install it (apt-get install %s) to run this test", name, err, debianPackage)
	return ""
}

// peerCommand prepares path with args, bounded by ctx: when ctx ends the
// process and everything it started are killed.
func peerCommand(ctx context.Context, path string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// runPeer runs path with args for at most timeout and returns its
// standard output and error.
func runPeer(t *testing.T, timeout time.Duration, path string, args ...string) (stdout, stderr []byte, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := peerCommand(ctx, path, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Errorf("%s did not finish within %v", path, timeout)
	}
	return out.Bytes(), errOut.Bytes(), err
}
