package interop

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/padlockhttp"
)

var curlOpenSSLRE = regexp.MustCompile(`OpenSSL/(\d+)\.(\d+)\.\S+`)

// probeCurl finds the OpenSSL curl is built with, whose flags the matrix
// uses (--curves, --ciphers), and so its groups.
func probeCurl(t *testing.T, bin string) (*peerCaps, error) {
	out, err := commandOutput(bin, "--version")
	if err != nil {
		return nil, err
	}
	m := curlOpenSSLRE.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("curl is not built with OpenSSL: %q", strings.SplitN(out, "\n", 2)[0])
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	// OpenSSL has the ML-KEM hybrids from 3.5 on.
	return opensslCaps("curl with "+m[0], major > 3 || major == 3 && minor >= 5), nil
}

// curlRequestRE matches the CertificateRequest in curl -v's trace.
var curlRequestRE = regexp.MustCompile(`TLS handshake, Request CERT`)

// matrixHTTPS serves "padlock heard: PATH" over padlock and closes each
// connection after one response, so each URL a client fetches is a new
// handshake: the second one resumes.
type matrixHTTPS struct {
	addr  string
	conns chan padlock.ConnectionState
}

func startMatrixHTTPS(t *testing.T, pc *padlock.Config) *matrixHTTPS {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &matrixHTTPS{addr: inner.Addr().String(), conns: make(chan padlock.ConnectionState, 4)}
	srv := &http.Server{
		ReadHeaderTimeout: ioTimeout,
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnContext:       padlockhttp.ConnContext,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if cs, ok := padlockhttp.ConnectionState(r); ok {
				s.conns <- cs
			}
			w.Header().Set("Connection", "close")
			fmt.Fprintf(w, "padlock heard: %s\n", r.URL.Path)
		}),
	}
	go srv.Serve(padlock.NewListener(inner, pc))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		srv.Close()
	})
	return s
}

// runCurl fetches one page, or two over a resumed session, from padlock.
func runCurl(t *testing.T, bin string, pc *peerCaps, c cell) {
	f := writePEM(t, c.cert.kt)
	s := startMatrixHTTPS(t, c.padlockServerConfig())
	_, port, _ := net.SplitHostPort(s.addr)
	args := []string{"-sS", "-v", "--max-time", "10", "--cacert", f.ca,
		"--resolve", "localhost:" + port + ":127.0.0.1"}
	if c.vers == padlock.VersionTLS13 {
		args = append(args, "--tlsv1.3", "--tls-max", "1.3", "--tls13-ciphers", opensslSuiteName(c.suite))
	} else {
		args = append(args, "--tlsv1.2", "--tls-max", "1.2", "--ciphers", opensslSuiteName(c.suite))
	}
	if groups := opensslGroupList(c, pc, false); groups != "" {
		args = append(args, "--curves", groups)
	}
	if c.auth == authCert {
		cert, key := clientPEM(t, c.cert.kt)
		args = append(args, "--cert", cert, "--key", key)
	}
	for i := range c.connections() {
		args = append(args, fmt.Sprintf("https://localhost:%s/page%d", port, i+1))
	}
	p := startEnv(t, opensslEnv(t, c), strings.NewReader(""), bin, args...)
	if err := p.wait(t); err != nil {
		t.Fatalf("curl: %v", err)
	}
	out := p.Output()
	want := []string{fmt.Sprintf("SSL connection using %s / %s", opensslVersion(c.vers), opensslSuiteName(c.suite))}
	for i := range c.connections() {
		want = append(want, fmt.Sprintf("padlock heard: /page%d", i+1))
	}

	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("curl output lacks %q", w)
		}
	}
	c.checkRequestSeen(t, "curl", out, curlRequestRE)
	for i := range c.connections() {
		select {
		case cs := <-s.conns:
			c.check(t, asServer, i, cs)
		case <-time.After(commandTimeout):
			t.Fatalf("padlock server: no request %d", i+1)
		}
	}
}
