package interop

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// probeCryptoTLS reports crypto/tls, which has every group padlock has.
func probeCryptoTLS(t *testing.T, _ string) (*peerCaps, error) {
	pc := &peerCaps{version: "crypto/tls of " + runtime.Version(), groups: map[padlock.CurveID]string{},
		noSessionIDs: "crypto/tls resumes TLS 1.2 with tickets only: it keeps no session IDs",
		alwaysEMS:    "crypto/tls always offers and answers the extended master secret: it has no switch to do without"}
	for _, g := range groups13 {
		pc.groups[g] = tls.CurveID(g).String()
	}
	return pc, nil
}

// tlsConfig is crypto/tls's side of c: version, TLS 1.2 suite and groups
// pinned (crypto/tls always enables all TLS 1.3 suites; padlock's side
// picks one), client certificates and resumption as the cell says. role
// is crypto/tls's; as a client it counts the server's requests for a
// certificate in requests.
func (c cell) tlsConfig(role matrixRole) (tc *tls.Config, requests *atomic.Int32) {
	ca, _ := pki.TestChain(c.cert.kt)
	tc, requests = &tls.Config{MinVersion: c.vers, MaxVersion: c.vers}, new(atomic.Int32)
	if c.vers == padlock.VersionTLS12 {
		tc.CipherSuites = []uint16{c.suite}
	}
	groups := []padlock.CurveID{c.group}
	if role == asClient { // crypto/tls is the client
		groups = c.clientGroups()
	}
	for _, g := range groups {
		if g != 0 {
			tc.CurvePreferences = append(tc.CurvePreferences, tls.CurveID(g))
		}
	}
	switch role {
	case asServer: // crypto/tls is the server
		_, tcert, _ := chain(c.cert.kt)
		tc.Certificates, tc.ClientCAs = []tls.Certificate{tcert}, ca.Pool()
		switch c.auth {
		case authCert:
			tc.ClientAuth = tls.RequireAndVerifyClientCert
		case authRequested:
			tc.ClientAuth = tls.VerifyClientCertIfGiven
		}
	case asClient:
		tc.RootCAs, tc.ServerName = ca.Pool(), "localhost"
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			requests.Add(1)
			if c.auth != authCert {
				return new(tls.Certificate), nil // none
			}
			cert := tlsCert(pki.TestClient(c.cert.kt))
			return &cert, nil
		}
		if c.resume {
			tc.ClientSessionCache = tls.NewLRUClientSessionCache(4)
		}
	}
	return tc, requests
}

// checkTLS compares what crypto/tls reports of connection i with the
// cell; server says whether crypto/tls was the server.
func (c cell) checkTLS(t *testing.T, server bool, i int, ts tls.ConnectionState) {
	t.Helper()
	resumed := c.resumes(i)
	who := fmt.Sprintf("crypto/tls client, connection %d", i+1)
	if server {
		who = fmt.Sprintf("crypto/tls server, connection %d", i+1)
	}
	if ts.Version != c.vers || ts.CipherSuite != c.suite {
		t.Errorf("%s: negotiated %s %s", who, padlock.VersionName(ts.Version), padlock.CipherSuiteName(ts.CipherSuite))
	}
	if !(resumed && c.vers == padlock.VersionTLS12) && ts.CurveID != tls.CurveID(c.group) {
		t.Errorf("%s: group %v, want %v", who, ts.CurveID, c.group)
	}
	if ts.DidResume != resumed {
		t.Errorf("%s: DidResume %v, want %v", who, ts.DidResume, resumed)
	}
	if server && !resumed && (c.auth == authCert) != (len(ts.PeerCertificates) > 0) {
		t.Errorf("%s: %d client certificates, client authentication %d", who, len(ts.PeerCertificates), c.auth)
	}
}

// runCryptoTLSServer connects padlock clients to a crypto/tls server.
func runCryptoTLSServer(t *testing.T, _ string, _ *peerCaps, c cell) {
	runCryptoTLS(t, c, asClient)
}

// runCryptoTLSClient connects crypto/tls clients to a padlock server.
func runCryptoTLSClient(t *testing.T, _ string, _ *peerCaps, c cell) {
	runCryptoTLS(t, c, asServer)
}

// runCryptoTLS runs the cell's connections with padlock in role: both
// sides' views, key logs and exporters compared, 64 KiB echoed, closed
// cleanly.
func runCryptoTLS(t *testing.T, c cell, role matrixRole) {
	var plog, tlog bytes.Buffer
	var pc, tc = c.padlockServerConfig(), (*tls.Config)(nil)
	var requests *atomic.Int32 // the client's count of CertificateRequests
	if role == asClient {
		pc, requests = c.padlockClientConfig()
		tc, _ = c.tlsConfig(asServer)
	} else {
		tc, requests = c.tlsConfig(asClient)
	}
	pc.KeyLogWriter, tc.KeyLogWriter = &plog, &tlog
	for i := range c.connections() {
		plog.Reset()
		tlog.Reset()
		a, b := tcpPair(t)
		var pconn *padlock.Conn
		var tconn *tls.Conn
		var client, server tlsConn
		if role == asClient {
			pconn, tconn = padlock.Client(a, pc), tls.Server(b, tc)
			client, server = pconn, tconn
		} else {
			pconn, tconn = padlock.Server(b, pc), tls.Client(a, tc)
			client, server = tconn, pconn
		}
		if cerr, serr := handshakeBoth(client, server, a, b); cerr != nil || serr != nil {
			t.Fatalf("connection %d: handshake: client %v; server %v", i+1, cerr, serr)
		}
		ps, ts := pconn.ConnectionState(), tconn.ConnectionState()
		c.check(t, role, i, ps)
		c.checkTLS(t, role == asClient, i, ts)
		if c.resumes(i) && c.vers == padlock.VersionTLS12 {
			// crypto/tls logs no secret for a resumed TLS 1.2 session:
			// the master secret is the one it logged before.
			checkExporters(t, ps, ts)
		} else {
			checkSecrets(t, ps, ts, &plog, &tlog)
		}
		echoExchange(t, client, server)
	}
	c.checkRequests(t, "client", requests.Load())
}

// checkExporters checks that both sides export the same keying material
// (RFC 5705, RFC 7627 section 5.4).
func checkExporters(t *testing.T, ps padlock.ConnectionState, ts tls.ConnectionState) {
	t.Helper()
	want, err := ts.ExportKeyingMaterial(exporterLabel, nil, 32)
	if err != nil {
		t.Fatalf("crypto/tls exporter: %v", err)
	}
	if got, err := ps.ExportKeyingMaterial(exporterLabel, nil, 32); err != nil || !bytes.Equal(got, want) {
		t.Errorf("exporter: padlock %x, %v; crypto/tls %x", got, err, want)
	}
}
