package interop

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
	"padlock/padlockhttp"
)

// startHTTPS serves HTTP/1.1 over padlock on a loopback port. Its handler
// answers with what padlock negotiated, so a test sees padlock's view
// next to the client's.
func startHTTPS(t *testing.T, kt pki.KeyType) string {
	t.Helper()
	pcert, _, _ := chain(kt)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := padlock.NewListener(inner, &padlock.Config{
		Certificates: []padlock.Certificate{pcert},
		NextProtos:   []string{"http/1.1"},
	})
	srv := &http.Server{
		ReadHeaderTimeout: ioTimeout,
		// net/http knows only crypto/tls connections; padlockhttp keeps
		// padlock's in the request context instead.
		ConnContext: padlockhttp.ConnContext,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cs, ok := padlockhttp.ConnectionState(r)
			if !ok {
				http.Error(w, "not a padlock connection", http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "hello over padlock: %s %s %s %s %s host=%s\n", r.Proto,
				padlock.VersionName(cs.Version), padlock.CipherSuiteName(cs.CipherSuite),
				cs.CurveID, cs.NegotiatedProtocol, cs.ServerName)
		}),
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		srv.Close()
	})
	return inner.Addr().String()
}

// TestCurl fetches a page from net/http served over padlock with curl
// (built on OpenSSL), which checks the certificate against the test CA.
func TestCurl(t *testing.T) {
	curl := requirePeer(t, "curl")
	tests := []struct {
		name  string
		kt    pki.KeyType
		flags []string
		host  string // for --resolve: SNI and a DNS name to verify
		tls12 bool
		want  []string // in padlock's answer
		wantV []string // in curl's verbose output
	}{
		{name: "tls13", kt: pki.ECDSAP256, flags: []string{"--tlsv1.3"},
			want: []string{"HTTP/1.1 TLS 1.3", "http/1.1"}, wantV: []string{"TLSv1.3", "ALPN: server accepted http/1.1"}},
		{name: "tls13/by-name", kt: pki.ECDSAP256, flags: []string{"--tlsv1.3"}, host: "example.com",
			want: []string{"TLS 1.3", "host=example.com"}},
		{name: "tls13/aes256-p384-rsa", kt: pki.RSA2048,
			flags: []string{"--tlsv1.3", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384", "--curves", "P-384"},
			want:  []string{"TLS 1.3 TLS_AES_256_GCM_SHA384 secp384r1"}},
		{name: "tls13/chacha-p256-ed25519", kt: pki.Ed25519,
			flags: []string{"--tlsv1.3", "--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256", "--curves", "P-256"},
			want:  []string{"TLS 1.3 TLS_CHACHA20_POLY1305_SHA256 secp256r1"}},
		{name: "tls12", kt: pki.ECDSAP256, flags: []string{"--tlsv1.2", "--tls-max", "1.2"}, tls12: true,
			want: []string{"HTTP/1.1 TLS 1.2", "http/1.1"}, wantV: []string{"TLSv1.2"}},
		{name: "tls12/rsa-chacha", kt: pki.RSA2048, tls12: true,
			flags: []string{"--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-RSA-CHACHA20-POLY1305"},
			want:  []string{"TLS 1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startHTTPS(t, tt.kt)
			f := writePEM(t, tt.kt)
			url := "https://" + addr + "/"
			args := []string{"-sS", "-v", "--max-time", "10", "--cacert", f.ca}
			if tt.host != "" {
				_, port, _ := net.SplitHostPort(addr)
				args = append(args, "--resolve", tt.host+":"+port+":127.0.0.1")
				url = "https://" + net.JoinHostPort(tt.host, port) + "/"
			}
			p := start(t, strings.NewReader(""), curl, append(append(args, tt.flags...), url)...)
			if err := p.wait(t); err != nil {
				t.Fatalf("curl: %v", err)
			}
			out := p.Output()
			for _, want := range append([]string{"hello over padlock: "}, tt.want...) {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in the page", want)
				}
			}
			for _, want := range tt.wantV {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in curl's output", want)
				}
			}
			if t.Failed() {
				t.Logf("curl output:\n%s", out)
			}
		})
	}
}
