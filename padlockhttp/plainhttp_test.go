package padlockhttp

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// TestPlainHTTPGets400: plain HTTP sent to the TLS port gets an HTTP 400
// saying to use https, as net/http's TLS server answers, not an alert;
// net/http's own client reads it.
func TestPlainHTTPGets400(t *testing.T) {
	_, is := pki.TestChain(pki.ECDSAP256)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hsErr error
	done := make(chan struct{})
	cfg := &padlock.Config{Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}}
	ln := NewListener(inner, cfg, ListenerOptions{OnHandshake: func(_ net.Addr, _ padlock.ConnectionState, err error) {
		hsErr = err
		close(done)
	}})
	defer ln.Close()
	go http.Serve(ln, http.NotFoundHandler())
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + inner.Addr().String() + "/")
	if err != nil {
		t.Fatalf("plain HTTP client: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "https://") {
		t.Errorf("got %s: %q", resp.Status, body)
	}
	<-done
	if _, ok := hsErr.(*padlock.RecordHeaderError); !ok {
		t.Errorf("handshake error %T %v, want a *padlock.RecordHeaderError", hsErr, hsErr)
	}
}
