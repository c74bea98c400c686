package padlockhttp

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"padlock"
	"padlock/internal/pki"
	"padlock/trace"
)

// seen is what the test handler reports of the request's connection.
type seen struct {
	Proto       string
	OK          bool
	Version     uint16
	Suite       uint16
	ServerName  string
	ALPN        string
	PeerCN      string
	Events      int
	EventsConn  bool // every event names the connection
	TLSVersion  uint16
	TLSSuite    uint16
	TLSALPN     string
	TLSPeerCN   string
	TLSComplete bool
}

func handler(w http.ResponseWriter, r *http.Request) {
	var s seen
	s.Proto = r.Proto
	cs, ok := ConnectionState(r)
	s.OK = ok
	s.Version, s.Suite, s.ServerName, s.ALPN = cs.Version, cs.CipherSuite, cs.ServerName, cs.NegotiatedProtocol
	if len(cs.PeerCertificates) > 0 {
		s.PeerCN = cs.PeerCertificates[0].Subject.CommonName
	}
	events := Events(r)
	s.Events = len(events)
	s.EventsConn = len(events) > 0
	for _, e := range events {
		if e.Conn == 0 || e.Conn != events[0].Conn {
			s.EventsConn = false
		}
	}
	if r.TLS != nil { // WithTLS
		s.TLSVersion, s.TLSSuite, s.TLSALPN = r.TLS.Version, r.TLS.CipherSuite, r.TLS.NegotiatedProtocol
		s.TLSComplete = r.TLS.HandshakeComplete
		if len(r.TLS.PeerCertificates) > 0 {
			s.TLSPeerCN = r.TLS.PeerCertificates[0].Subject.CommonName
		}
	}
	json.NewEncoder(w).Encode(s)
}

// startServer serves handler over a tracing Listener that asks for, and
// verifies, client certificates; it returns the address and the CA.
func startServer(t *testing.T, auth padlock.ClientAuthType) (string, *pki.CA) {
	t.Helper()
	ca, is := pki.TestChain(pki.ECDSAP256)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(inner, &padlock.Config{
		Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
		NextProtos:   []string{"h2", "http/1.1"},
		ClientAuth:   auth,
		ClientCAs:    ca.Pool(),
	}, ListenerOptions{Trace: true})
	srv := &http.Server{Handler: WithTLS(http.HandlerFunc(handler))}
	ConfigureServer(srv)
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		ln.Wait()
	})
	return inner.Addr().String(), ca
}

func get(t *testing.T, c *http.Client, url string) (seen, *http.Response) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s seen
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s, resp
}

// check compares what the handler saw with the connection the client
// made.
func check(t *testing.T, s seen, proto, alpn, peer string) {
	t.Helper()
	if !s.OK || s.Proto != proto || s.Version != padlock.VersionTLS13 || s.Suite == 0 ||
		s.ServerName != "localhost" || s.ALPN != alpn || s.PeerCN != peer {
		t.Errorf("handler saw %+v; want %s, TLS 1.3, SNI localhost, ALPN %q, peer %q", s, proto, alpn, peer)
	}
	if s.Events == 0 || !s.EventsConn {
		t.Errorf("handler saw %d events, all of one connection: %v", s.Events, s.EventsConn)
	}
	if s.TLSVersion != s.Version || s.TLSSuite != s.Suite || s.TLSALPN != s.ALPN || s.TLSPeerCN != s.PeerCN || !s.TLSComplete {
		t.Errorf("Request.TLS from WithTLS differs: %+v", s)
	}
}

// TestServerCryptoTLSClient: a handler sees the padlock connection of a
// request from net/http's client (crypto/tls), over HTTP/1.1 and HTTP/2,
// with a client certificate.
func TestServerCryptoTLSClient(t *testing.T) {
	addr, ca := startServer(t, padlock.RequireAndVerifyClientCert)
	_, port, _ := net.SplitHostPort(addr)
	client := pki.TestClient(pki.ECDSAP256)
	cert := tls.Certificate{Certificate: [][]byte{client.Cert.Raw}, PrivateKey: client.Key}
	for _, tc := range []struct {
		alpn  []string
		proto string
	}{{[]string{"h2", "http/1.1"}, "HTTP/2.0"}, {[]string{"http/1.1"}, "HTTP/1.1"}} {
		tr := &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), NextProtos: tc.alpn,
				Certificates: []tls.Certificate{cert}},
			ForceAttemptHTTP2: len(tc.alpn) == 2,
		}
		s, _ := get(t, &http.Client{Transport: tr}, "https://localhost:"+port+"/")
		tr.CloseIdleConnections()
		check(t, s, tc.proto, tc.alpn[0], "padlock test client")
	}
}

// TestTransport: an http.Client over padlock's Transport gets each
// response's padlock state, and Response.TLS, over HTTP/2 and HTTP/1.1;
// the server sees the client's certificate.
func TestTransport(t *testing.T) {
	addr, ca := startServer(t, padlock.RequireAndVerifyClientCert)
	_, port, _ := net.SplitHostPort(addr)
	client := pki.TestClient(pki.ECDSAP256)
	for _, tc := range []struct {
		alpn  []string
		proto string
	}{{nil, "HTTP/2.0"}, {[]string{"http/1.1"}, "HTTP/1.1"}} {
		var rec trace.Recorder
		tr := &Transport{Config: &padlock.Config{
			RootCAs:      ca.Pool(),
			NextProtos:   tc.alpn,
			Certificates: []padlock.Certificate{{Certificate: [][]byte{client.Cert.Raw}, PrivateKey: client.Key}},
			Trace:        rec.Trace,
		}}
		c := &http.Client{Transport: tr}
		wantALPN := "h2"
		if tc.alpn != nil {
			wantALPN = tc.alpn[0]
		}
		for range 3 { // the first on the probe's connection, then reused
			s, resp := get(t, c, "https://localhost:"+port+"/")
			check(t, s, tc.proto, wantALPN, "padlock test client")
			if resp.Proto != tc.proto {
				t.Errorf("response over %s, want %s", resp.Proto, tc.proto)
			}
			cs, ok := ResponseState(resp)
			if !ok || cs.Version != padlock.VersionTLS13 || cs.NegotiatedProtocol != wantALPN ||
				len(cs.PeerCertificates) == 0 || !hasName(cs.PeerCertificates[0], "localhost") {
				t.Errorf("ResponseState = %+v, %v", cs, ok)
			}
			if resp.TLS == nil || resp.TLS.Version != cs.Version || resp.TLS.CipherSuite != cs.CipherSuite ||
				resp.TLS.NegotiatedProtocol != wantALPN {
				t.Errorf("Response.TLS = %+v", resp.TLS)
			}
		}
		conns := map[uint64]bool{}
		for _, e := range rec.Events() {
			conns[e.Conn] = true
		}
		if len(conns) != 1 {
			t.Errorf("%s: %d connections for three requests, want 1", tc.proto, len(conns))
		}
		tr.CloseIdleConnections()
	}
}

func hasName(c *x509.Certificate, name string) bool { return c.VerifyHostname(name) == nil }

// TestNotPadlock: a request or response that did not come over padlock
// says so, and WithTLS leaves it as it is.
func TestNotPadlock(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if _, ok := ConnectionState(r); ok || Events(r) != nil {
		t.Error("a request made in the test has a padlock connection")
	}
	WithTLS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			t.Error("WithTLS set Request.TLS with no padlock connection")
		}
	})).ServeHTTP(httptest.NewRecorder(), r)
	if _, ok := ResponseState(&http.Response{Request: r}); ok {
		t.Error("a response made in the test has a padlock connection")
	}
	// http:// URLs go over plain TCP.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	tr := new(Transport)
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, ok := ResponseState(resp); ok || resp.TLS != nil {
		t.Error("a response over plain TCP has a TLS state")
	}
}
