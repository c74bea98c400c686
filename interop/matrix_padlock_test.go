package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// This file is padlock's side of a matrix cell: its configuration, what
// it must report afterwards, and a server for external clients.

// isRSAKeyTransport reports whether suite is a TLS 1.2 RSA key transport
// suite, which has no key exchange group.
func isRSAKeyTransport(suite uint16) bool {
	return suite == padlock.TLS_RSA_WITH_AES_128_GCM_SHA256 || suite == padlock.TLS_RSA_WITH_AES_256_GCM_SHA384
}

// certCurve is the group of an ECDSA key's curve; 0 for other keys.
func certCurve(kt pki.KeyType) padlock.CurveID {
	switch kt {
	case pki.ECDSAP256:
		return padlock.CurveP256
	case pki.ECDSAP384:
		return padlock.CurveP384
	}
	return 0
}

// clientGroups are the groups a cell's client offers, in order: the
// cell's group, and in TLS 1.2 also the curve of an ECDSA server
// certificate, which the client must list for the certificate to be
// usable (RFC 8422 section 5.1). The server offers only c.group, so that
// is what it picks.
func (c cell) clientGroups() []padlock.CurveID {
	if c.group == 0 {
		return nil
	}
	g := []padlock.CurveID{c.group}
	if cc := certCurve(c.cert.kt); c.vers == padlock.VersionTLS12 && cc != 0 && cc != c.group {
		g = append(g, cc)
	}
	return g
}

// padlockBase is what padlock's configuration for c has in either role:
// version and suite pinned, the RSA signature kind forced.
func (c cell) padlockBase() *padlock.Config {
	return &padlock.Config{
		MinVersion:             c.vers,
		MaxVersion:             c.vers,
		CipherSuites:           []uint16{c.suite},
		SignatureSchemes:       c.cert.schemes(),
		SessionTicketsDisabled: c.sessionID,
	}
}

// padlockClientConfig is padlock's client configuration for c. It counts
// the server's requests for a certificate in requests, and answers with
// the test client certificate when the cell says so.
func (c cell) padlockClientConfig() (pc *padlock.Config, requests *atomic.Int32) {
	ca, _ := pki.TestChain(c.cert.kt)
	pc, requests = c.padlockBase(), new(atomic.Int32)
	pc.RootCAs, pc.ServerName = ca.Pool(), "localhost"
	pc.CurvePreferences = c.clientGroups()
	pc.GetClientCertificate = func(*padlock.CertificateRequestInfo) (*padlock.Certificate, error) {
		requests.Add(1)
		if c.auth != authCert {
			return nil, nil
		}
		cert := padlockCert(pki.TestClient(c.cert.kt))
		return &cert, nil
	}
	if c.resume {
		pc.ClientSessionCache = padlock.NewLRUClientSessionCache(4)
	}
	return pc, requests
}

// padlockServerConfig is padlock's server configuration for c: only the
// cell's group, client certificates asked for as the cell says. Session
// tickets are on by default.
func (c cell) padlockServerConfig() *padlock.Config {
	ca, _ := pki.TestChain(c.cert.kt)
	pcert, _, _ := chain(c.cert.kt)
	pc := c.padlockBase()
	pc.Certificates, pc.ClientCAs = []padlock.Certificate{pcert}, ca.Pool()
	if c.group != 0 {
		pc.CurvePreferences = []padlock.CurveID{c.group}
	}
	switch c.auth {
	case authCert:
		pc.ClientAuth = padlock.RequireAndVerifyClientCert
	case authRequested:
		pc.ClientAuth = padlock.VerifyClientCertIfGiven
	}
	return pc
}

// checkRequests checks how often the server asked the client for a
// certificate: once per cell with client authentication, never without.
func (c cell) checkRequests(t *testing.T, who string, n int32) {
	t.Helper()
	want := int32(0)
	if c.auth != authNone {
		want = 1
	}
	if n != want {
		t.Errorf("%s: the server asked for a client certificate %d times, want %d", who, n, want)
	}
}

// checkRequestSeen checks that a client's output shows the server's
// CertificateRequest (marker matches) exactly when the cell has client
// authentication.
func (c cell) checkRequestSeen(t *testing.T, who, out string, marker *regexp.Regexp) {
	t.Helper()
	if seen := marker.MatchString(out); seen != (c.auth != authNone) {
		t.Errorf("%s: CertificateRequest seen %v (%q in its output), want %v", who, seen, marker, c.auth != authNone)
	}
}

// wantSchemes are the server signature schemes c allows padlock to
// report; nil when the suite makes no server signature.
func (c cell) wantSchemes() []padlock.SignatureScheme {
	if isRSAKeyTransport(c.suite) {
		return nil
	}
	if s := c.cert.schemes(); s != nil {
		return s
	}
	if c.vers == padlock.VersionTLS12 && certCurve(c.cert.kt) != 0 {
		// TLS 1.2 does not tie an ECDSA hash to the curve.
		return []padlock.SignatureScheme{padlock.ECDSAWithP256AndSHA256, padlock.ECDSAWithP384AndSHA384, padlock.ECDSAWithP521AndSHA512}
	}
	if c.vers == padlock.VersionTLS12 && c.cert.kt != pki.Ed25519 {
		return append(expectedSchemes(c.cert.kt), padlock.PKCS1WithSHA256, padlock.PKCS1WithSHA384, padlock.PKCS1WithSHA512)
	}
	return expectedSchemes(c.cert.kt)
}

// check compares what padlock reports of connection i (0, or 1 for the
// second) with the cell.
func (c cell) check(t *testing.T, role matrixRole, i int, cs padlock.ConnectionState) {
	t.Helper()
	resumed := c.resumes(i)
	who := fmt.Sprintf("%s, connection %d", role, i+1)
	if cs.Version != c.vers || cs.CipherSuite != c.suite {
		t.Errorf("%s: negotiated %s %s, want %s %s", who, padlock.VersionName(cs.Version),
			padlock.CipherSuiteName(cs.CipherSuite), padlock.VersionName(c.vers), padlock.CipherSuiteName(c.suite))
	}
	// A TLS 1.2 resumption makes no key exchange.
	if !(resumed && c.vers == padlock.VersionTLS12) && cs.CurveID != c.group {
		t.Errorf("%s: group %v, want %v", who, cs.CurveID, c.group)
	}
	if want := c.wantSchemes(); !resumed && !slices.Contains(want, cs.SignatureScheme) && !(want == nil && cs.SignatureScheme == 0) {
		t.Errorf("%s: server signature scheme %v, want one of %v", who, cs.SignatureScheme, want)
	}
	if cs.DidResume != resumed {
		t.Errorf("%s: DidResume %v, want %v", who, cs.DidResume, resumed)
	}
	if c.vers == padlock.VersionTLS12 && cs.ExtendedMasterSecret == c.legacyEMS {
		t.Errorf("%s: extended master secret %v, want %v", who, cs.ExtendedMasterSecret, !c.legacyEMS)
	}
	// RFC 7627 section 5.4: nothing to export from a session without it.
	if _, err := cs.ExportKeyingMaterial(exporterLabel, nil, 32); (err != nil) != c.legacyEMS {
		t.Errorf("%s: ExportKeyingMaterial: %v", who, err)
	}
	if role == asServer && !resumed {
		c.checkClientCert(t, who, cs)
	}
}

// checkNothingKept checks that a padlock client kept no session from a
// peer without the extended master secret, even one the peer offered a
// ticket or a session ID for (RFC 7627 section 5.3).
func (c cell) checkNothingKept(t *testing.T, pc *padlock.Config) {
	t.Helper()
	if !c.legacyEMS || pc.ClientSessionCache == nil {
		return
	}
	if s, ok := pc.ClientSessionCache.Get(pc.ServerName); ok && s != nil {
		t.Error("padlock client kept a session without the extended master secret")
	}
}

// checkClientCert checks the client certificate a padlock server got.
func (c cell) checkClientCert(t *testing.T, who string, cs padlock.ConnectionState) {
	t.Helper()
	switch c.auth {
	case authCert:
		is := pki.TestClient(c.cert.kt)
		if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, is.DER[0]) {
			t.Errorf("%s: did not get the client certificate (%d certificates)", who, len(cs.PeerCertificates))
		} else if len(cs.VerifiedChains) == 0 {
			t.Errorf("%s: client certificate not verified", who)
		}
	default:
		if len(cs.PeerCertificates) != 0 {
			t.Errorf("%s: got %d client certificates, want none", who, len(cs.PeerCertificates))
		}
	}
}

// connections is how many handshakes c makes.
func (c cell) connections() int {
	if c.resume {
		return 2
	}
	return 1
}

// clientPEM writes the cell's client certificate for an external client.
func clientPEM(t *testing.T, kt pki.KeyType) (cert, key string) {
	t.Helper()
	cert, key, err := pki.WriteIssued(t.TempDir(), "client", pki.TestClient(kt))
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// serverConn is what a matrix server learned of one connection.
type serverConn struct {
	cs    padlock.ConnectionState
	hsErr error // the handshake's
	err   error // the line exchange's, after a successful handshake
}

// multiLineServer is a padlock server for external clients that connect
// more than once: each connection answers every line with "padlock
// heard: LINE" until the line "bye" (then closes) or the client's end.
type multiLineServer struct {
	addr  string
	conns chan serverConn
}

func startMultiLineServer(t *testing.T, pc *padlock.Config, n int) *multiLineServer {
	t.Helper()
	l, err := padlock.Listen("tcp", "127.0.0.1:0", pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &multiLineServer{addr: l.Addr().String(), conns: make(chan serverConn, n)}
	go func() {
		for range n {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(nc.(*padlock.Conn))
		}
	}()
	return s
}

func (s *multiLineServer) serve(c *padlock.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(commandTimeout))
	if err := c.Handshake(); err != nil {
		s.conns <- serverConn{hsErr: err}
		return
	}
	sc := serverConn{cs: c.ConnectionState()}
	sc.err = answerLines(c)
	s.conns <- sc
}

// answerLines answers lines until "bye" or the peer's close_notify.
func answerLines(c *padlock.Conn) error {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF && line == "" {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "bye" {
			return nil
		}
		if _, err := io.WriteString(c, "padlock heard: "+line+"\n"); err != nil {
			return err
		}
	}
}

// next returns the next connection's outcome.
func (s *multiLineServer) next(t *testing.T) serverConn {
	t.Helper()
	select {
	case sc := <-s.conns:
		return sc
	case <-time.After(commandTimeout):
		t.Fatal("padlock server: no connection finished in time")
		return serverConn{}
	}
}

// checkServerConns checks the connections a padlock server saw. Lines
// are exchanged on the last connection, and on every one when all is set:
// a client that resumes may drop the first without a word.
func (s *multiLineServer) checkServerConns(t *testing.T, c cell, all bool) {
	t.Helper()
	for i := range c.connections() {
		sc := s.next(t)
		if sc.hsErr != nil {
			t.Fatalf("padlock server, connection %d: handshake: %v", i+1, sc.hsErr)
		}
		c.check(t, asServer, i, sc.cs)
		if (all || i == c.connections()-1) && sc.err != nil {
			t.Errorf("padlock server, connection %d: %v", i+1, sc.err)
		}
	}
}
