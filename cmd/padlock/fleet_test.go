package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"padlock"
)

// startRedisServer runs redis-server on a free port, without persistence,
// for the test; it returns the URL of its database 0.
func startRedisServer(t *testing.T) string {
	t.Helper()
	path := requirePeer(t, "redis-server", "redis-server")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := peerCommand(ctx, path, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "redis://127.0.0.1:" + port + "/0"
}

// writeKEK writes a KEK file of 64 hex digits.
func writeKEK(t *testing.T, dir, name, hex string) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(hex+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFleetServeFlags(t *testing.T) {
	dir := t.TempDir()
	bad := writeKEK(t, dir, "bad", "abc")
	for _, args := range [][]string{
		{"--fleet", "redis://127.0.0.1:1/0"},
		{"--fleet-kek", bad},
		{"--fleet", "redis://127.0.0.1:1/0", "--fleet-kek", bad},
		{"--fleet", "nope://x", "--fleet-kek", writeKEK(t, dir, "good", strings.Repeat("ab", 32))},
	} {
		if code, _, stderr := runArgs(t, append([]string{"serve", "--state-dir", dir}, args...)...); code != exitUsage {
			t.Errorf("serve %v: exit %d, want %d\n%s", args, code, exitUsage, stderr)
		}
	}
}

// TestFleetServe runs two padlock serve processes' worth of servers on
// one Redis: a client's session from A resumes on B, B's metrics count
// it, and padlock fleet status shows the ring they share.
func TestFleetServe(t *testing.T) {
	url := startRedisServer(t)
	dir := t.TempDir()
	kek := writeKEK(t, dir, "kek", strings.Repeat("5a", 32))
	args := []string{"--state-dir", dir, "--fleet", url, "--fleet-kek", kek, "--admin", "127.0.0.1:0"}
	addrA, _, _ := startServe(t, args...)
	addrB, stdoutB, stderrB := startServe(t, args...)

	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	cache := padlock.NewLRUClientSessionCache(4)
	for _, addr := range []string{addrA, addrB} {
		cfg := &padlock.Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: cache}
		if code, _ := get(t, padlockHTTP(cfg), "https://"+addr+"/"); code != http.StatusOK {
			t.Fatalf("GET %s: %d", addr, code)
		}
	}
	if !strings.Contains(stderrB.String(), "resumed") {
		t.Errorf("B did not resume A's session:\n%s", stderrB)
	}
	m := regexp.MustCompile(`metrics on (http://\S+/metrics)`).FindStringSubmatch(stdoutB.String())
	if m == nil {
		t.Fatalf("B printed no metrics address:\n%s", stdoutB)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, err = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil || !strings.Contains(body.String(), `padlock_fleet_handshakes_total{kind="resumed"} 1`) {
		t.Errorf("B's metrics (%v):\n%s", err, body.String())
	}

	code, out, stderr := runArgs(t, "fleet", "status", url, "--kek", kek, "--json")
	if code != exitOK {
		t.Fatalf("fleet status: exit %d\n%s", code, stderr)
	}
	var rep struct {
		Period int64 `json:"period_seconds"`
		Keys   []struct {
			ID    string `json:"id"`
			Opens *bool  `json:"opens"`
		} `json:"keys"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Period != 86400 || len(rep.Keys) != 1 || rep.Keys[0].Opens == nil || !*rep.Keys[0].Opens {
		t.Errorf("fleet status: %s", out)
	}
	code, out, _ = runArgs(t, "fleet", "status", url)
	if code != exitOK || !strings.Contains(out, rep.Keys[0].ID) || !strings.Contains(out, "next rotation due") {
		t.Errorf("fleet status: exit %d\n%s", code, out)
	}
	wrong := writeKEK(t, dir, "wrong", strings.Repeat("11", 32))
	if code, out, _ := runArgs(t, "fleet", "status", url, "--kek", wrong); code != exitFail || !strings.Contains(out, "REFUSED") {
		t.Errorf("fleet status with the wrong KEK: exit %d\n%s", code, out)
	}
}

// roundRobin is a TCP load balancer for tests: each connection it
// accepts goes to the next backend in turn, as a fleet's does.
func roundRobin(t *testing.T, backends ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for i := 0; ; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", backends[i%len(backends)])
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(b, c); b.(*net.TCPConn).CloseWrite() }()
			go func() { io.Copy(c, b); c.(*net.TCPConn).CloseWrite(); c.Close(); b.Close() }()
		}
	}()
	return ln.Addr().String()
}

// TestFleetConnectBehindBalancer: padlock connect --reconnect 2 through
// a round-robin balancer lands on A, then B, then C, three padlock serve
// --fleet servers on one Redis, and resumes on B and C the session it
// made on A, in TLS 1.3 and in TLS 1.2.
func TestFleetConnectBehindBalancer(t *testing.T) {
	url := startRedisServer(t)
	dir := t.TempDir()
	kek := writeKEK(t, dir, "kek", strings.Repeat("3c", 32))
	args := []string{"--state-dir", dir, "--fleet", url, "--fleet-kek", kek}
	var addrs []string
	for range 3 {
		addr, _, _ := startServe(t, args...)
		addrs = append(addrs, addr)
	}
	lb := roundRobin(t, addrs...)
	for _, vers := range []string{"1.3", "1.2"} {
		code, stdout, stderr := runArgs(t, "connect", "--ca", filepath.Join(dir, "ca.pem"), "--servername", "localhost",
			"--max-version", vers, "--reconnect", "2", "--send", `GET / HTTP/1.0\r\n\r\n`, lb)
		if code != exitOK {
			t.Fatalf("TLS %s: exit %d\n%s", vers, code, stderr)
		}
		if n := strings.Count(flat(stdout), "resumed yes"); n != 2 {
			t.Errorf("TLS %s: %d of the two reconnections resumed, want both:\n%s", vers, n, stdout)
		}
	}
}
