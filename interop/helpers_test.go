// Package interop tests padlock against other TLS implementations:
// crypto/tls in process, and the openssl and curl commands.
//
// Every test bounds its own time (deadlines on connections, contexts on
// commands), so a hang fails in seconds instead of eating the CI budget.
package interop

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"reflect"
	"sync"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// ioTimeout bounds every connection of a test: a peer that stops talking
// fails the test after this long instead of hanging it.
const ioTimeout = 10 * time.Second

// keyTypes are the certificate keys every matrix covers. RSA signs with
// RSASSA-PSS in TLS 1.3 (RFC 8446 section 4.2.3).
var keyTypes = []pki.KeyType{pki.ECDSAP256, pki.ECDSAP384, pki.RSA2048, pki.Ed25519}

// requirePeer returns the path of the external program name. When it is
// missing the test fails in CI (which must install it) and is skipped
// elsewhere.
func requirePeer(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (%v): CI must install it (apt-get install %s)", name, err, name)
	}
	t.Skipf("%s not found (%v): install it to run this interop test", name, err)
	return ""
}

// chain returns the memoized test chain for kt as the certificate each
// implementation wants, and the pool of its CA.
func chain(kt pki.KeyType) (padlock.Certificate, tls.Certificate, *pki.CA) {
	ca, is := pki.TestChain(kt)
	return padlockCert(is), tlsCert(is), ca
}

func padlockCert(is *pki.Issued) padlock.Certificate {
	return padlock.Certificate{Certificate: is.DER, PrivateKey: is.Key}
}

func tlsCert(is *pki.Issued) tls.Certificate {
	return tls.Certificate{Certificate: is.DER, PrivateKey: is.Key}
}

// tlsConn is what *padlock.Conn and *tls.Conn have in common.
type tlsConn interface {
	net.Conn
	Handshake() error
	CloseWrite() error
}

// tcpPair returns the two ends of a loopback TCP connection, both with a
// deadline, closed when the test ends.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	client, err = net.DialTimeout("tcp", l.Addr().String(), ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		client.Close()
		t.Fatal("accept failed")
	}
	deadline := time.Now().Add(ioTimeout)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// failGrace is how long the other side of a failed handshake gets to read
// the alert before both sockets are closed. Closing at once could reset
// the connection and lose the alert in flight.
const failGrace = 3 * time.Second

// handshakeBoth runs both handshakes at once and returns their errors.
// raw are the underlying sockets, closed when one side has failed and the
// other has not finished within failGrace.
func handshakeBoth(client, server tlsConn, raw ...net.Conn) (cerr, serr error) {
	var wg sync.WaitGroup
	var once sync.Once
	failed := func(err error) {
		if err == nil {
			return
		}
		once.Do(func() {
			time.AfterFunc(failGrace, func() {
				for _, c := range raw {
					c.Close()
				}
			})
		})
	}
	wg.Add(2)
	go func() { defer wg.Done(); cerr = client.Handshake(); failed(cerr) }()
	go func() { defer wg.Done(); serr = server.Handshake(); failed(serr) }()
	wg.Wait()
	return cerr, serr
}

// padlockAlert returns the alert padlock's err carries.
func padlockAlert(err error) (*padlock.AlertError, bool) {
	var ae *padlock.AlertError
	ok := errors.As(err, &ae)
	return ae, ok
}

// wantPadlockAlert fails the test unless err is padlock's alert d, sent by
// padlock (remote false) or received from the peer (remote true).
func wantPadlockAlert(t *testing.T, who string, err error, d padlock.Alert, remote bool) {
	t.Helper()
	ae, ok := padlockAlert(err)
	switch {
	case !ok:
		t.Errorf("%s: got %v (%T), want %s alert %v", who, err, err, where(remote), d)
	case ae.Description != d || ae.Remote != remote:
		t.Errorf("%s: got %s alert %v (%v), want %s alert %v", who, where(ae.Remote), ae.Description, err, where(remote), d)
	}
}

func where(remote bool) string {
	if remote {
		return "remote"
	}
	return "local"
}

// tlsAlert returns the alert in a crypto/tls error: one it received
// (remote) or one it sent (local). crypto/tls reports both as a
// *net.OpError whose Op is "remote error" or "local error" and whose Err
// is the alert's one-byte value, of an unexported type (hence reflect).
func tlsAlert(err error) (d padlock.Alert, remote, ok bool) {
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Err == nil || (oe.Op != "remote error" && oe.Op != "local error") {
		return 0, false, false
	}
	v := reflect.ValueOf(oe.Err)
	if v.Kind() != reflect.Uint8 {
		return 0, false, false
	}
	return padlock.Alert(v.Uint()), oe.Op == "remote error", true
}

// wantTLSAlert fails the test unless crypto/tls's err is the alert d,
// received from padlock (remote) or sent by crypto/tls itself.
func wantTLSAlert(t *testing.T, who string, err error, d padlock.Alert, remote bool) {
	t.Helper()
	got, gotRemote, ok := tlsAlert(err)
	if !ok {
		t.Errorf("%s: got %v, want %s alert %v", who, err, where(remote), d)
	} else if got != d || gotRemote != remote {
		t.Errorf("%s: got %s alert %v (%v), want %s alert %v", who, where(gotRemote), got, err, where(remote), d)
	}
}

// wantTLSRemoteAlert fails the test unless crypto/tls's err is the alert
// d received from padlock.
func wantTLSRemoteAlert(t *testing.T, who string, err error, d padlock.Alert) {
	t.Helper()
	wantTLSAlert(t, who, err, d, true)
}

// readErr returns the error that ends reading c, discarding any data
// before it: after a TLS 1.3 handshake the client may learn only on its
// first Read that the server rejected it.
func readErr(c io.Reader) error {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return err
		}
	}
}

// expectedSchemes are the signature schemes a TLS 1.3 CertificateVerify
// may use with a key of type kt.
func expectedSchemes(kt pki.KeyType) []padlock.SignatureScheme {
	switch kt {
	case pki.ECDSAP256:
		return []padlock.SignatureScheme{padlock.ECDSAWithP256AndSHA256}
	case pki.ECDSAP384:
		return []padlock.SignatureScheme{padlock.ECDSAWithP384AndSHA384}
	case pki.Ed25519:
		return []padlock.SignatureScheme{padlock.Ed25519}
	}
	// RFC 8446 section 4.2.3: RSA in TLS 1.3 signs with PSS only.
	return []padlock.SignatureScheme{padlock.PSSWithSHA256, padlock.PSSWithSHA384, padlock.PSSWithSHA512}
}

// echoSize is how much data echoExchange sends each way: several full
// records (16 KiB each) and a partial one.
const echoSize = 64<<10 + 123

// echoExchange sends echoSize bytes from client to server, which echoes
// them back, then closes cleanly: the client's close_notify must reach
// the server's Read as io.EOF, and the server's as the client's.
func echoExchange(t *testing.T, client, server tlsConn) {
	t.Helper()
	data := make([]byte, echoSize)
	rand.Read(data)

	serverDone := make(chan error, 1)
	go func() { serverDone <- echoUntilEOF(server) }()
	writeDone := make(chan error, 1)
	go func() {
		_, err := client.Write(data)
		if err == nil {
			err = client.CloseWrite()
		}
		writeDone <- err
	}()

	got, err := io.ReadAll(client)
	if err != nil {
		t.Errorf("client read: %v (after %d bytes); want io.EOF from the server's close_notify", err, len(got))
	} else if !bytes.Equal(got, data) {
		t.Errorf("client got %d bytes back, not the %d it sent", len(got), len(data))
	}
	if err := <-writeDone; err != nil {
		t.Errorf("client write: %v", err)
	}
	if err := <-serverDone; err != nil {
		t.Errorf("server: %v", err)
	}
	if err := client.Close(); err != nil {
		t.Errorf("client close: %v", err)
	}
	if err := server.Close(); err != nil {
		t.Errorf("server close: %v", err)
	}
}

// echoUntilEOF writes back what c reads until the peer's close_notify,
// then sends its own.
func echoUntilEOF(c tlsConn) error {
	buf := make([]byte, 20000)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
		}
		if err == io.EOF {
			return c.CloseWrite()
		}
		if err != nil {
			return fmt.Errorf("read: %w; want io.EOF from the client's close_notify", err)
		}
	}
}
