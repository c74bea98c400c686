package main

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"padlock/internal/pki"
)

// TestConnectURL: a URL target sends a GET for its path to a net/http
// server (over crypto/tls) and shows the status and headers; --quiet
// prints the body alone; --http does the same for HOST:PORT.
func TestConnectURL(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Path", r.URL.Path)
		w.Write([]byte("hello " + r.Host + " " + r.UserAgent()))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}}
	srv.StartTLS()
	defer srv.Close()
	port := srv.Listener.Addr().String()[strings.LastIndex(srv.Listener.Addr().String(), ":")+1:]
	caPath := writeCA(t, ca)

	code, stdout, stderr := runArgs(t, "connect", "--ca", caPath, "https://localhost:"+port+"/a/b?c=d")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"HTTP response to GET /a/b?c=d", "HTTP/1.1 200 OK", "X-Path: /a/b", "ALPN              http/1.1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runArgs(t, "connect", "--ca", caPath, "--quiet", "https://localhost:"+port+"/")
	if code != exitOK || !strings.HasPrefix(stdout, "hello localhost:"+port+" padlock") {
		t.Errorf("--quiet: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runArgs(t, "connect", "--ca", caPath, "--http", "--servername", "localhost", "127.0.0.1:"+port)
	if code != exitOK || !strings.Contains(stdout, "200 OK") {
		t.Errorf("--http: exit %d\n%s", code, stdout)
	}
	if code, _, _ := runArgs(t, "connect", "http://localhost:"+port); code != exitUsage {
		t.Errorf("http:// URL: exit %d, want a usage error", code)
	}
}
