package padlock

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// testCert returns a padlock certificate and the pool of its CA.
func testCert(t testing.TB, kt pki.KeyType) (Certificate, *x509.CertPool) {
	t.Helper()
	ca, is := pki.TestChain(kt)
	return Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}, ca.Pool()
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := l.Accept()
		ch <- res{c, err}
	}()
	client, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	deadline := time.Now().Add(20 * time.Second)
	client.SetDeadline(deadline)
	r.c.SetDeadline(deadline)
	t.Cleanup(func() { client.Close(); r.c.Close() })
	return client, r.c
}

// runPair runs a client and a server handshake concurrently and returns
// both errors.
func runPair(t testing.TB, cc, sc *Config) (*Conn, *Conn, error, error) {
	t.Helper()
	a, b := tcpPair(t)
	client, server := Client(a, cc), Server(b, sc)
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	cerr := client.Handshake()
	if cerr != nil {
		a.Close() // unblock a server still waiting for the client
	}
	serr := <-errc
	return client, server, cerr, serr
}

func TestHandshake13Matrix(t *testing.T) {
	for _, kt := range []pki.KeyType{pki.ECDSAP256, pki.ECDSAP384, pki.RSA2048, pki.Ed25519} {
		cert, pool := testCert(t, kt)
		for _, suite := range []uint16{TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256} {
			for _, group := range []CurveID{X25519, CurveP256, CurveP384, CurveP521, X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024} {
				name := fmt.Sprintf("%s/%s/%s", kt, CipherSuiteName(suite), group)
				t.Run(name, func(t *testing.T) {
					cc := &Config{RootCAs: pool, ServerName: "localhost", CipherSuites: []uint16{suite}, CurvePreferences: []CurveID{group}}
					sc := &Config{Certificates: []Certificate{cert}}
					client, server, cerr, serr := runPair(t, cc, sc)
					if cerr != nil || serr != nil {
						t.Fatalf("client: %v; server: %v", cerr, serr)
					}
					for _, c := range []*Conn{client, server} {
						st := c.ConnectionState()
						if st.Version != VersionTLS13 || st.CipherSuite != suite || st.CurveID != group {
							t.Errorf("state %+v", st)
						}
					}
					echo(t, client, server, 70000)
				})
			}
		}
	}
}

// echo sends n bytes from client to server and back, then closes cleanly.
func echo(t *testing.T, client, server *Conn, n int) {
	t.Helper()
	msg := bytes.Repeat([]byte("padlock!"), n/8+1)[:n]
	go func() {
		buf := make([]byte, n)
		if _, err := io.ReadFull(server, buf); err != nil {
			t.Errorf("server read: %v", err)
			return
		}
		server.Write(buf)
		server.CloseWrite()
	}()
	if _, err := client.Write(msg); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(client)
	if err != nil {
		t.Fatalf("client read: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("echo mismatch: %d bytes back of %d", len(got), n)
	}
}

// wantAlerts checks that the side that found a problem sent alert d and
// the other side received it.
func wantAlerts(t *testing.T, local, remote error, d Alert) {
	t.Helper()
	var la, ra *AlertError
	if !errors.As(local, &la) || la.Remote || la.Description != d {
		t.Errorf("detecting side: got %v, want local %v", local, d)
	}
	if !errors.As(remote, &ra) || !ra.Remote || ra.Description != d {
		t.Errorf("other side: got %v, want remote %v", remote, d)
	}
}

func TestHandshakeFailures(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	ca, _ := pki.TestChain(pki.ECDSAP256)
	expired, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost"}, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	otherCA, err := pki.NewCA("other", pki.ECDSAP256, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := otherCA.Issue(pki.IssueOptions{Hosts: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		cert        Certificate
		host        string
		hook        func(*Conn)
		clientFinds bool
		alert       Alert
	}{
		{"wrong host", cert, "padlock.invalid", nil, true, AlertBadCertificate},
		{"unknown CA", Certificate{Certificate: stranger.DER, PrivateKey: stranger.Key}, "localhost", nil, true, AlertUnknownCA},
		{"expired", Certificate{Certificate: expired.DER, PrivateKey: expired.Key}, "localhost", nil, true, AlertCertificateExpired},
		{"bad signature", cert, "localhost", func(c *Conn) { c.testHooks.corruptSignature = true }, true, AlertDecryptError},
		{"tampered server Finished", cert, "localhost", func(c *Conn) { c.testHooks.corruptFinished = true }, true, AlertDecryptError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tcpPair(t)
			client := Client(a, &Config{RootCAs: pool, ServerName: tc.host})
			server := Server(b, &Config{Certificates: []Certificate{tc.cert}})
			if tc.hook != nil {
				tc.hook(server)
			}
			errc := make(chan error, 1)
			go func() { errc <- server.Handshake() }()
			cerr := client.Handshake()
			serr := <-errc
			if tc.clientFinds {
				wantAlerts(t, cerr, serr, tc.alert)
			} else {
				wantAlerts(t, serr, cerr, tc.alert)
			}
		})
	}
}

func TestTraceEvents(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var rc, rs trace.Recorder
	_, _, cerr, serr := runPair(t,
		&Config{RootCAs: pool, ServerName: "localhost", Trace: rc.Trace},
		&Config{Certificates: []Certificate{cert}, Trace: rs.Trace})
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	var sent, recv []string
	for _, e := range rc.Events() {
		if e.Kind == trace.KindMessage {
			if e.Dir == trace.Sent {
				sent = append(sent, e.Name)
			} else {
				recv = append(recv, e.Name)
			}
		}
	}
	// The server's ticket comes with its Finished, and the client's
	// handshake takes it in before it returns.
	wantRecv := "[ServerHello EncryptedExtensions Certificate CertificateVerify Finished NewSessionTicket]"
	if fmt.Sprint(recv) != wantRecv {
		t.Errorf("client received %v, want %v", recv, wantRecv)
	}
	wantSent := "[ClientHello ChangeCipherSpec Finished]"
	if fmt.Sprint(sent) != wantSent {
		t.Errorf("client sent %v, want %v", sent, wantSent)
	}
}

// TestServerHandshakeTimeout checks a client that connects and says
// nothing is dropped on time.
func TestServerHandshakeTimeout(t *testing.T) {
	cert, _ := testCert(t, pki.ECDSAP256)
	_, b := tcpPair(t)
	server := Server(b, &Config{Certificates: []Certificate{cert}, HandshakeTimeout: 100 * time.Millisecond})
	start := time.Now()
	err := server.Handshake()
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
}

// TestEventBytesReparse checks every message event's bytes parse back to
// the message it names, and its layout covers every byte.
func TestEventBytesReparse(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var rc, rs trace.Recorder
	_, _, cerr, serr := runPair(t,
		&Config{RootCAs: pool, ServerName: "localhost", Trace: rc.Trace},
		&Config{Certificates: []Certificate{cert}, Trace: rs.Trace, ClientAuth: RequestClientCert})
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	for _, e := range append(rc.Events(), rs.Events()...) {
		if e.Kind != trace.KindMessage || e.Name == "ChangeCipherSpec" {
			continue
		}
		m, err := wire.Parse(e.Raw, true)
		if err != nil {
			t.Errorf("%s %s: bytes do not parse: %v", e.Side, e.Name, err)
			continue
		}
		if name, _, _ := describeMessage(m, e.Side == trace.Client); name != e.Name {
			t.Errorf("%s: bytes parse as %s", e.Name, name)
		}
		covered := make([]bool, len(e.Raw))
		for _, f := range e.Layout {
			for i := f.Start; i < f.End; i++ {
				covered[i] = true
			}
		}
		for i, ok := range covered {
			if !ok {
				t.Errorf("%s: byte %d is in no field of the layout", e.Name, i)
				break
			}
		}
	}
}

// TestLimitsConfigurable checks a lowered limit is the one enforced.
func TestLimitsConfigurable(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256) // a chain of two: leaf and CA
	for _, lim := range []Limits{{MaxCertificates: 1}, {MaxCertificateBytes: 100}} {
		_, _, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost", Limits: lim},
			&Config{Certificates: []Certificate{cert}})
		wantAlerts(t, cerr, serr, AlertBadCertificate)
	}
	_, _, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost", Limits: Limits{MaxCertificates: 2}},
		&Config{Certificates: []Certificate{cert}})
	if cerr != nil || serr != nil {
		t.Fatalf("a chain within the limit: %v, %v", cerr, serr)
	}
}
