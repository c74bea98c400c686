package padlock

import (
	"errors"
	"io"
	"testing"
	"time"

	"padlock/internal/pki"
)

// TestPlainHTTPToServer: a server whose client speaks plain HTTP returns
// a *RecordHeaderError with the request's first bytes and the open
// connection, and writes nothing: no alert to a client that cannot read
// one. Bytes that are neither TLS nor HTTP still get their alert.
func TestPlainHTTPToServer(t *testing.T) {
	cert, _ := testCert(t, pki.ECDSAP256)
	a, b := tcpPair(t)
	s := Server(b, &Config{Certificates: []Certificate{cert}})
	go io.WriteString(a, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	err := s.Handshake()
	var rh *RecordHeaderError
	if !errors.As(err, &rh) || string(rh.RecordHeader[:]) != "GET /" || rh.Conn != b {
		t.Fatalf("%T %v, want a *RecordHeaderError for GET / with the connection", err, err)
	}
	b.Close()
	a.SetReadDeadline(time.Now().Add(time.Second))
	if got, _ := io.ReadAll(a); len(got) != 0 {
		t.Errorf("the server wrote %q to an HTTP client", got)
	}

	a, b = tcpPair(t)
	go io.WriteString(a, "HELLO THERE\r\n")
	wantAlert(t, Server(b, &Config{Certificates: []Certificate{cert}}).Handshake(), AlertUnexpectedMessage)
}
