package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// padlock connect against openssl s_server, and openssl s_client against
// padlock serve: the commands themselves, for every suite, as a user
// would run them.

// opensslCerts makes a CA and a server certificate with `padlock cert`.
func opensslCerts(t *testing.T) (ca, cert, key string) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := runArgs(t, "cert", "--out", dir); code != exitOK {
		t.Fatalf("cert: exit %d: %s", code, errOut)
	}
	return filepath.Join(dir, "ca.pem"), filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem")
}

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// startOpenSSLServer runs openssl s_server with args until the test ends
// and waits until it accepts connections.
func startOpenSSLServer(t *testing.T, openssl string, args ...string) string {
	t.Helper()
	port := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	cmd := peerCommand(ctx, openssl, append([]string{"s_server", "-accept", "127.0.0.1:" + port, "-quiet"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	addr := "127.0.0.1:" + port
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
	}
	t.Fatalf("openssl s_server did not start on %s", addr)
	return ""
}

func TestConnectToOpenSSL(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	ca, cert, key := opensslCerts(t)
	cases := []struct{ version, suite, opensslSuite string }{
		{"1.3", "TLS_AES_128_GCM_SHA256", "-ciphersuites=TLS_AES_128_GCM_SHA256"},
		{"1.3", "TLS_AES_256_GCM_SHA384", "-ciphersuites=TLS_AES_256_GCM_SHA384"},
		{"1.3", "TLS_CHACHA20_POLY1305_SHA256", "-ciphersuites=TLS_CHACHA20_POLY1305_SHA256"},
		{"1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "-cipher=ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "-cipher=ECDHE-ECDSA-AES256-GCM-SHA384"},
		{"1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "-cipher=ECDHE-ECDSA-CHACHA20-POLY1305"},
	}
	for _, tc := range cases {
		t.Run(tc.suite, func(t *testing.T) {
			addr := startOpenSSLServer(t, openssl, "-cert", cert, "-key", key, "-www", "-tls"+strings.ReplaceAll(tc.version, ".", "_"),
				strings.Split(tc.opensslSuite, "=")[0], strings.Split(tc.opensslSuite, "=")[1])
			code, out, errOut := runArgs(t, "connect", "--ca", ca, "--servername", "localhost", "--json", "--timeout", "5s",
				"--max-version", tc.version, "--send", `GET / HTTP/1.0\r\n\r\n`, addr)
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			var rep struct {
				Version     string `json:"version"`
				CipherSuite string `json:"cipher_suite"`
				Verified    bool   `json:"verified"`
			}
			if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if rep.Version != "TLS "+tc.version || rep.CipherSuite != tc.suite || !rep.Verified {
				t.Errorf("got %+v", rep)
			}
		})
	}
}

// TestConnectReconnectOpenSSL is the check of the resumption issue: the
// second and third connections report themselves resumed.
func TestConnectReconnectOpenSSL(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	ca, cert, key := opensslCerts(t)
	for _, version := range []string{"1.3", "1.2"} {
		t.Run(version, func(t *testing.T) {
			addr := startOpenSSLServer(t, openssl, "-cert", cert, "-key", key, "-www")
			code, out, errOut := runArgs(t, "connect", "--ca", ca, "--servername", "localhost", "--json", "--timeout", "5s",
				"--max-version", version, "--reconnect", "2", "--send", `GET / HTTP/1.0\r\n\r\n`, addr)
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3 {
				t.Fatalf("%d JSON lines, want 3:\n%s", len(lines), out)
			}
			for i, line := range lines {
				var rep struct {
					Version string `json:"version"`
					Resumed bool   `json:"resumed"`
				}
				if err := json.Unmarshal([]byte(line), &rep); err != nil {
					t.Fatal(err)
				}
				if rep.Version != "TLS "+version || rep.Resumed != (i > 0) {
					t.Errorf("connection %d: %+v, want resumed=%v", i+1, rep, i > 0)
				}
			}
		})
	}
}

func TestOpenSSLClientToServe(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	ca, cert, key := opensslCerts(t)
	addr, _, _ := startServe(t, "--cert", cert, "--key", key)
	cases := []struct{ version, suite, opensslSuite string }{
		{"1.3", "TLS_AES_128_GCM_SHA256", "-ciphersuites=TLS_AES_128_GCM_SHA256"},
		{"1.3", "TLS_AES_256_GCM_SHA384", "-ciphersuites=TLS_AES_256_GCM_SHA384"},
		{"1.3", "TLS_CHACHA20_POLY1305_SHA256", "-ciphersuites=TLS_CHACHA20_POLY1305_SHA256"},
		{"1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "-cipher=ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "-cipher=ECDHE-ECDSA-AES256-GCM-SHA384"},
		{"1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "-cipher=ECDHE-ECDSA-CHACHA20-POLY1305"},
	}
	for _, tc := range cases {
		t.Run(tc.suite, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			flag, value, _ := strings.Cut(tc.opensslSuite, "=")
			cmd := peerCommand(ctx, openssl, "s_client", "-connect", addr, "-CAfile", ca, "-servername", "localhost",
				"-verify_return_error", "-ign_eof", "-tls"+strings.ReplaceAll(tc.version, ".", "_"), flag, value)
			cmd.Stdin = strings.NewReader("GET /api/handshake HTTP/1.0\r\nHost: localhost\r\n\r\n")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("s_client: %v\n%s", err, out)
			}
			for _, want := range []string{`"version": "TLS ` + tc.version + `"`, `"cipher_suite": "` + tc.suite + `"`} {
				if !strings.Contains(string(out), want) {
					t.Errorf("response lacks %s:\n%s", want, out)
				}
			}
		})
	}
}

// TestOpenSSLHostileSNIToServe is the attack as a user would run it:
// openssl s_client -servername $'evil\x1b[31mRED\nFAKE LOG LINE' against
// padlock serve. The handshake must end with illegal_parameter, and serve
// must log one line, the name escaped.
func TestOpenSSLHostileSNIToServe(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	for _, version := range []string{"1.3", "1.2"} {
		t.Run(version, func(t *testing.T) {
			addr, _, stderr := startServe(t, "--state-dir", t.TempDir())
			out, _, err := runPeer(t, 20*time.Second, openssl, "s_client", "-connect", addr, "-servername", hostile,
				"-tls"+strings.ReplaceAll(version, ".", "_"))
			if err == nil {
				t.Errorf("s_client succeeded:\n%s", out)
			}
			waitForLog(t, stderr, "handshake failed")
			log := stderr.String()
			checkNoRaw(t, "the log", log)
			if strings.Count(log, "\n") != 1 || !strings.Contains(log, "illegal_parameter") || !strings.Contains(log, hostileShown) {
				t.Errorf("log:\n%s", log)
			}
		})
	}
}

// TestOpenSSLWithoutEMSToServe is the check of the conformance issue: a
// TLS 1.2 client without the extended master secret (RFC 7627), as
// OpenSSL 1.0.2 and scanners are, gets a page from padlock serve that
// marks the weakness, and a handshake_failure under --require-ems.
// OpenSSL 3 turns the extension off only in its configuration file.
func TestOpenSSLWithoutEMSToServe(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	ca, cert, key := opensslCerts(t)
	conf := filepath.Join(t.TempDir(), "openssl.cnf")
	if err := os.WriteFile(conf, []byte("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = no_ems\n"+
		"[no_ems]\nOptions = -ExtendedMasterSecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sClient := func(addr string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := peerCommand(ctx, openssl, "s_client", "-connect", addr, "-CAfile", ca, "-servername", "localhost",
			"-verify_return_error", "-ign_eof", "-tls1_2")
		cmd.Env = append(os.Environ(), "OPENSSL_CONF="+conf)
		cmd.Stdin = strings.NewReader("GET /api/handshake HTTP/1.0\r\nHost: localhost\r\n\r\n")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	addr, _, _ := startServe(t, "--cert", cert, "--key", key)
	out, err := sClient(addr)
	if err != nil {
		t.Fatalf("s_client: %v\n%s", err, out)
	}
	for _, want := range []string{"Extended master secret: no", `"version": "TLS 1.2"`,
		`"parameter": "extended master secret"`, `"value": "no"`, `"weak": true`, `"name": "no extended master secret"`} {
		if !strings.Contains(out, want) {
			t.Errorf("s_client output lacks %s:\n%s", want, out)
		}
	}

	addr, _, _ = startServe(t, "--cert", cert, "--key", key, "--require-ems")
	if out, err = sClient(addr); err == nil || !strings.Contains(out, "alert handshake failure") {
		t.Errorf("--require-ems: s_client %v, want a handshake_failure alert:\n%s", err, out)
	}
}

// TestOpenSSLResumesToServe: openssl s_client saves a TLS 1.2 session
// from padlock serve and resumes it; serve's log names the second
// connection resumed, with no key exchange of its own (it once called
// any connection without a group "RSA key transport").
func TestOpenSSLResumesToServe(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	ca, cert, key := opensslCerts(t)
	addr, _, stderr := startServe(t, "--cert", cert, "--key", key)
	sess := filepath.Join(t.TempDir(), "session.pem")
	for i, sessFlag := range []string{"-sess_out", "-sess_in"} {
		out, errOut, err := runPeer(t, 20*time.Second, openssl, "s_client", "-connect", addr, "-CAfile", ca,
			"-servername", "localhost", "-verify_return_error", "-tls1_2", sessFlag, sess)
		if err != nil {
			t.Fatalf("s_client %s: %v\n%s\n%s", sessFlag, err, out, errOut)
		}
		if want := map[int]string{0: "New, TLS", 1: "Reused, TLS"}[i]; !strings.Contains(string(out), want) {
			t.Fatalf("s_client %s did not say %q:\n%s", sessFlag, want, out)
		}
	}
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); len(lines) < 2 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		lines = strings.Split(strings.TrimSpace(stderr.String()), "\n")
	}
	if len(lines) != 2 {
		t.Fatalf("want 2 log lines, got:\n%s", strings.Join(lines, "\n"))
	}
	if strings.Contains(lines[0], "resumed") || !strings.Contains(lines[1], "resumed") || strings.Contains(lines[1], "RSA key transport") {
		t.Errorf("serve logged:\n%s", strings.Join(lines, "\n"))
	}
}
