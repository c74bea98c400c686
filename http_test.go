package padlock

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"testing"

	"padlock/internal/pki"
)

// TestNetHTTP serves HTTP/1.1 and HTTP/2 with net/http over a padlock
// listener, to crypto/tls clients. net/http speaks HTTP/2 on a conn that
// is not a *tls.Conn through its unencrypted-HTTP/2 path: padlock has
// already decrypted the stream, and ALPN told the client to send the
// HTTP/2 preface.
func TestNetHTTP(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(inner, &Config{
		Certificates: []Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
		NextProtos:   []string{"h2", "http/1.1"},
	})
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, r.Proto)
		}),
		Protocols: &protocols,
	}
	go srv.Serve(ln)
	defer srv.Close()

	for _, tc := range []struct {
		alpn []string
		want string
	}{{[]string{"h2", "http/1.1"}, "HTTP/2.0"}, {[]string{"http/1.1"}, "HTTP/1.1"}} {
		tr := &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: ca.Pool(), NextProtos: tc.alpn},
			ForceAttemptHTTP2: len(tc.alpn) == 2,
		}
		resp, err := (&http.Client{Transport: tr}).Get("https://localhost:" + portOf(inner.Addr()) + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		if resp.Proto != tc.want || string(body) != tc.want {
			t.Errorf("ALPN %v: response %s, server saw %s; want %s", tc.alpn, resp.Proto, body, tc.want)
		}
	}
}

func portOf(a net.Addr) string {
	_, port, _ := net.SplitHostPort(a.String())
	return port
}
