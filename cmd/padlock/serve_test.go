package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock"
)

// startServe runs padlock serve with args on 127.0.0.1:0 and returns its
// address and output; the server stops, and its exit status is checked,
// when the test ends.
func startServe(t *testing.T, args ...string) (addr string, stdout, stderr *syncBuffer) {
	t.Helper()
	c, stdout, stderr := testCLI()
	ctx, cancel := context.WithCancel(context.Background())
	c.ctx = ctx
	ready := make(chan net.Addr, 1)
	c.listening = func(a net.Addr) { ready <- a }
	done := make(chan int, 1)
	go func() { done <- c.run(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case a := <-ready:
		addr = a.String()
	case code := <-done:
		t.Fatalf("serve exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("serve exited %d after the signal\nstderr: %s", code, stderr)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return addr, stdout, stderr
}

// padlockHTTP is an HTTP client whose TLS is padlock's.
func padlockHTTP(cfg *padlock.Config) *http.Client {
	d := &padlock.Dialer{Config: cfg}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialTLSContext: d.DialContext}}
}

func get(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	addr, stdout, stderr := startServe(t, "--state-dir", dir)
	caPath := filepath.Join(dir, "ca.pem")
	if !strings.Contains(stdout.String(), caPath) {
		t.Errorf("serve does not print the CA to trust:\n%s", stdout)
	}
	_, port, _ := net.SplitHostPort(addr)
	base := "https://localhost:" + port
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("padlock client", func(t *testing.T) {
		client := padlockHTTP(&padlock.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}})
		code, body := get(t, client, base+"/")
		if code != http.StatusOK || !strings.Contains(body, "TLS 1.3") || !strings.Contains(body, "ClientHello") {
			t.Errorf("GET /: %d\n%s", code, body)
		}
		code, body = get(t, client, base+"/api/handshake")
		if code != http.StatusOK {
			t.Fatalf("GET /api/handshake: %d", code)
		}
		var rep struct {
			Version       string `json:"version"`
			CipherSuite   string `json:"cipher_suite"`
			Group         string `json:"group"`
			ALPN          string `json:"alpn"`
			ServerName    string `json:"server_name"`
			Steps         []json.RawMessage
			ClientOffered struct {
				CipherSuites []string `json:"cipher_suites"`
			} `json:"client_offered"`
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		if rep.Version != "TLS 1.3" || rep.CipherSuite == "" || rep.Group == "" || rep.ALPN == "" ||
			rep.ServerName != "localhost" || len(rep.Steps) == 0 || len(rep.ClientOffered.CipherSuites) == 0 {
			t.Errorf("report: %+v", rep)
		}
	})

	t.Run("crypto/tls client", func(t *testing.T) {
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		code, body := get(t, client, base+"/")
		if code != http.StatusOK || !strings.Contains(body, "TLS 1.3") {
			t.Errorf("GET /: %d\n%s", code, body)
		}
		if code, _ := get(t, client, base+"/nothing-here"); code != http.StatusNotFound {
			t.Errorf("GET /nothing-here: %d, want 404", code)
		}
		client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12}}}
		code, body = get(t, client, base+"/api/handshake")
		if code != http.StatusOK || !strings.Contains(body, `"version": "TLS 1.2"`) {
			t.Errorf("GET /api/handshake over TLS 1.2: %d\n%s", code, body)
		}
	})

	t.Run("HTTP/2", func(t *testing.T) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
		client := &http.Client{Timeout: 10 * time.Second, Transport: tr}
		resp, err := client.Get(base + "/api/handshake")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || !strings.Contains(string(body), `"alpn": "h2"`) {
			t.Errorf("got %s, body:\n%s", resp.Proto, body)
		}
	})

	t.Run("connect", func(t *testing.T) {
		code, out, errOut := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", `GET /api/handshake HTTP/1.0\r\n\r\n`, addr)
		if code != exitOK || !strings.Contains(out, `"cipher_suite"`) || !strings.Contains(out, "close_notify") {
			t.Errorf("connect: exit %d\n%s\n%s", code, out, errOut)
		}
	})

	t.Run("untrusted client", func(t *testing.T) {
		c := &tls.Config{RootCAs: x509.NewCertPool()}
		conn, err := tls.Dial("tcp", addr, c)
		if err == nil {
			conn.Close()
			t.Fatal("a client without the CA connected")
		}
	})

	// Every connection gets one log line; the failed one says why.
	log := waitFor(stderr, "handshake failed")
	if !strings.Contains(log, "TLS 1.3  TLS_AES_128_GCM_SHA256") || !strings.Contains(log, "sni=localhost") {
		t.Errorf("no log line for a successful handshake:\n%s", log)
	}
	if !strings.Contains(log, "handshake failed") || !strings.Contains(log, caPath) {
		t.Errorf("no log line for the failed handshake naming the CA:\n%s", log)
	}

	// A second start reuses the CA and the certificate.
	certBefore, _ := os.ReadFile(filepath.Join(dir, "localhost.pem"))
	_, stdout2, _ := startServe(t, "--state-dir", dir)
	certAfter, _ := os.ReadFile(filepath.Join(dir, "localhost.pem"))
	if string(certBefore) != string(certAfter) || strings.Contains(stdout2.String(), "created") {
		t.Errorf("second start did not reuse the state:\n%s", stdout2)
	}
}

func TestServeClientAuth(t *testing.T) {
	dir := t.TempDir()
	addr, _, _ := startServe(t, "--state-dir", dir, "--client-auth", "require")
	caPath := filepath.Join(dir, "ca.pem")

	code, out, errOut := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost", "--send", "x", addr)
	if code != exitFail || !strings.Contains(errOut, "certificate_required") || !strings.Contains(errOut, "--cert") {
		t.Errorf("without a client certificate: exit %d\n%s\n%s", code, out, errOut)
	}

	// padlock cert issues a client certificate from the same CA.
	if code, _, errOut := runArgs(t, "cert", "--out", dir, "--client", "--name", "alice"); code != exitOK {
		t.Fatalf("cert: %s", errOut)
	}
	code, out, errOut = runArgs(t, "connect", "--ca", caPath, "--servername", "localhost",
		"--cert", filepath.Join(dir, "alice.pem"), "--key", filepath.Join(dir, "alice-key.pem"),
		"--send", `GET / HTTP/1.0\r\n\r\n`, addr)
	if code != exitOK || !strings.Contains(out, "CN=alice") {
		t.Errorf("with a client certificate: exit %d\n%s\n%s", code, out, errOut)
	}
}

// waitFor returns b's contents once they hold want, or after a while.
func waitFor(b *syncBuffer, want string) string {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s := b.String(); strings.Contains(s, want) {
			return s
		}
	}
	return b.String()
}

// TestServeLogResumption checks the log line of resumed connections: a
// resumed TLS 1.2 connection has no key exchange group, which is not RSA
// key transport, and every resumed connection says it resumed.
func TestServeLogResumption(t *testing.T) {
	dir := t.TempDir()
	addr, _, stderr := startServe(t, "--state-dir", dir)
	caPath := filepath.Join(dir, "ca.pem")
	for _, vers := range []string{"1.2", "1.3"} {
		t.Run(vers, func(t *testing.T) {
			before := strings.Count(stderr.String(), "\n")
			code, out, errOut := runArgs(t, "connect", "--ca", caPath, "--servername", "localhost",
				"--max-version", vers, "--min-version", vers, "--reconnect", "1",
				"--send", `GET /api/handshake HTTP/1.0\r\n\r\n`, addr)
			if code != exitOK {
				t.Fatalf("connect: exit %d\n%s\n%s", code, out, errOut)
			}
			var lines []string
			for deadline := time.Now().Add(5 * time.Second); len(lines) < 2 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				lines = strings.Split(strings.TrimSpace(stderr.String()), "\n")[before:]
			}
			if len(lines) != 2 {
				t.Fatalf("want 2 log lines, got:\n%s", strings.Join(lines, "\n"))
			}
			first, second := lines[0], lines[1]
			if !strings.Contains(first, "TLS "+vers) || !strings.Contains(strings.ToLower(first), "x25519") || strings.Contains(first, "resumed") {
				t.Errorf("full handshake logged as:\n%s", first)
			}
			if !strings.Contains(second, "TLS "+vers) || !strings.Contains(second, "resumed") || strings.Contains(second, "RSA key transport") {
				t.Errorf("resumed connection logged as:\n%s", second)
			}
		})
	}
}

// TestServeStatelessRetry runs padlock serve --stateless-retry with only
// secp256r1 and connects with a key share for x25519 alone: the server
// must ask again with a HelloRetryRequest carrying a cookie (RFC 8446
// section 4.2.2), the second ClientHello returns it, the handshake
// completes, and the page shows the cookie checked and explains the retry.
func TestServeStatelessRetry(t *testing.T) {
	dir := t.TempDir()
	addr, _, _ := startServe(t, "--state-dir", dir, "--groups", "secp256r1", "--stateless-retry")
	code, stdout, stderr := runArgs(t, "connect", "--ca", filepath.Join(dir, "ca.pem"), "--servername", "localhost",
		"--groups", "x25519,secp256r1", "--send", `GET /api/handshake HTTP/1.0\r\n\r\n`, "--json", addr)
	if code != exitOK {
		t.Fatalf("connect: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var rep struct {
		Group    string `json:"group"`
		Steps    []struct{ Name string }
		Received string `json:"received"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	hellos, retry := 0, false
	for _, s := range rep.Steps {
		hellos += strings.Count(s.Name, "ClientHello")
		retry = retry || s.Name == "HelloRetryRequest"
	}
	if !retry || hellos != 2 || rep.Group != "secp256r1" {
		t.Errorf("client: HelloRetryRequest %v, %d ClientHellos, group %q; want a retry to secp256r1", retry, hellos, rep.Group)
	}
	_, body, _ := strings.Cut(rep.Received, "\r\n\r\n")
	var page struct {
		Steps   []struct{ Name string }
		Choices []struct{ Parameter, Why string }
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatalf("the page's report: %v\n%s", err, rep.Received)
	}
	retried, checked := false, false
	for _, s := range page.Steps {
		retried = retried || s.Name == "HelloRetryRequest"
		checked = checked || s.Name == "cookie checked"
	}
	if !retried || !checked {
		t.Errorf("the server's trace: HelloRetryRequest %v, cookie checked %v; want both\n%s", retried, checked, body)
	}
	explained := false
	for _, c := range page.Choices {
		explained = explained || c.Parameter == "key exchange group" && strings.Contains(c.Why, "--stateless-retry")
	}
	if !explained {
		t.Errorf("the page does not explain the stateless retry:\n%s", body)
	}
}
