package interop

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
	"padlock/padlockhttp"
)

// TestCurlPadlockHTTP has curl (OpenSSL, nghttp2) fetch a page over
// HTTP/1.1 and HTTP/2 with a client certificate, from net/http served
// through padlockhttp: the handler sees padlock's state of the request's
// connection (version, suite, SNI, ALPN, the client's certificate) and
// its trace, and crypto/tls's form of it in Request.TLS.
func TestCurlPadlockHTTP(t *testing.T) {
	curl := requirePeer(t, "curl")
	ca, is := pki.TestChain(pki.ECDSAP256)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := padlockhttp.NewListener(inner, &padlock.Config{
		Certificates: []padlock.Certificate{padlockCert(is)},
		NextProtos:   []string{"h2", "http/1.1"},
		ClientAuth:   padlock.RequireAndVerifyClientCert,
		ClientCAs:    ca.Pool(),
	}, padlockhttp.ListenerOptions{Trace: true})
	srv := &http.Server{ReadHeaderTimeout: ioTimeout, Handler: padlockhttp.WithTLS(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			cs, ok := padlockhttp.ConnectionState(r)
			if !ok || r.TLS == nil || len(cs.PeerCertificates) == 0 {
				http.Error(w, "no padlock connection, or no client certificate", http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "padlock saw: %s %s %s sni=%s alpn=%s peer=%q events=%t tls=%s\n", r.Proto,
				padlock.VersionName(cs.Version), padlock.CipherSuiteName(cs.CipherSuite),
				cs.ServerName, cs.NegotiatedProtocol, cs.PeerCertificates[0].Subject.CommonName,
				len(padlockhttp.Events(r)) > 0, r.TLS.NegotiatedProtocol)
		}))}
	padlockhttp.ConfigureServer(srv)
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		ln.Wait()
	})
	f := writePEM(t, pki.ECDSAP256)
	cert, key := clientPEM(t, pki.ECDSAP256)
	_, port, _ := net.SplitHostPort(inner.Addr().String())
	for _, tc := range []struct{ flag, proto, alpn string }{
		{"--http1.1", "HTTP/1.1", "http/1.1"},
		{"--http2", "HTTP/2.0", "h2"},
	} {
		t.Run(tc.alpn, func(t *testing.T) {
			p := start(t, strings.NewReader(""), curl, "-sS", "-v", "--max-time", "10", tc.flag,
				"--tlsv1.3", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384",
				"--cacert", f.ca, "--cert", cert, "--key", key,
				"--resolve", "localhost:"+port+":127.0.0.1", "https://localhost:"+port+"/")
			if err := p.wait(t); err != nil {
				t.Fatalf("curl: %v\n%s", err, p.Output())
			}
			out := p.Output()
			want := fmt.Sprintf("padlock saw: %s TLS 1.3 TLS_AES_256_GCM_SHA384 sni=localhost alpn=%s peer=%q events=true tls=%s",
				tc.proto, tc.alpn, "padlock test client", tc.alpn)
			if !strings.Contains(out, want) {
				t.Errorf("no %q in curl's output:\n%s", want, out)
			}
		})
	}
}
