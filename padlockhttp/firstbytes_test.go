package padlockhttp

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// TestFirstBytes: with RecordFirst, a handler reads the first bytes its
// client sent, bounded, over HTTP/1.1 and HTTP/2; without, none.
func TestFirstBytes(t *testing.T) {
	for _, keep := range []int{0, 40} {
		ca, is := pki.TestChain(pki.ECDSAP256)
		inner, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln := NewListener(inner, &padlock.Config{
			Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
			NextProtos:   []string{"h2", "http/1.1"},
		}, ListenerOptions{RecordFirst: keep})
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(FirstBytes(r))
		})}
		ConfigureServer(srv)
		go srv.Serve(ln)
		_, port, _ := net.SplitHostPort(inner.Addr().String())
		for _, tc := range []struct {
			alpn []string
			want string
		}{{[]string{"http/1.1"}, "GET /first HTTP/1.1\r\nHost: localhost:"}, {[]string{"h2"}, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"}} {
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), NextProtos: tc.alpn}, ForceAttemptHTTP2: tc.alpn[0] == "h2"}
			c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			resp, err := c.Get("https://localhost:" + port + "/first")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			tr.CloseIdleConnections()
			switch {
			case keep == 0 && len(got) != 0:
				t.Errorf("%s: %q recorded without RecordFirst", tc.alpn[0], got)
			case keep > 0 && (len(got) != keep || !strings.HasPrefix(string(got), tc.want[:min(len(tc.want), keep)])):
				t.Errorf("%s: recorded %q, want %d bytes starting %q", tc.alpn[0], got, keep, tc.want)
			}
		}
		srv.Close()
		ln.Wait()
	}
}
