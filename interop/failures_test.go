package interop

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// runPadlockClient handshakes a padlock client with a crypto/tls server
// and returns both errors.
func runPadlockClient(t *testing.T, pc *padlock.Config, tc *tls.Config) (perr, terr error) {
	t.Helper()
	a, b := tcpPair(t)
	return handshakeBoth(padlock.Client(a, pc), tls.Server(b, tc), a, b)
}

// runPadlockServer handshakes a crypto/tls client with a padlock server
// and returns both errors.
func runPadlockServer(t *testing.T, tc *tls.Config, pc *padlock.Config) (terr, perr error) {
	t.Helper()
	a, b := tcpPair(t)
	return handshakeBoth(tls.Client(a, tc), padlock.Server(b, pc), a, b)
}

// versions are the protocol versions the failure tests run under, by
// crypto/tls's MaxVersion; padlock offers both.
var versions = []struct {
	name string
	max  uint16
}{{"TLS1.3", tls.VersionTLS13}, {"TLS1.2", tls.VersionTLS12}}

// issue makes a certificate from ca, failing the test on error.
func issue(t *testing.T, ca *pki.CA, o pki.IssueOptions) *pki.Issued {
	t.Helper()
	is, err := ca.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return is
}

// TestCertificateFailures has a padlock client reject crypto/tls's
// certificate: padlock must send the alert that names the problem (RFC
// 8446 section 6.2) and crypto/tls must receive it.
func TestCertificateFailures(t *testing.T) {
	_, tcert, ca := chain(pki.ECDSAP256)
	otherCA, _ := pki.TestChain(pki.ECDSAP384)
	now := time.Now()
	expired := issue(t, ca, pki.IssueOptions{Hosts: []string{"localhost"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	future := issue(t, ca, pki.IssueOptions{Hosts: []string{"localhost"}, NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(48 * time.Hour)})
	tests := []struct {
		name   string
		client padlock.Config
		cert   tls.Certificate
		want   padlock.Alert
	}{
		{"wrong-host", padlock.Config{RootCAs: ca.Pool(), ServerName: "wrong.example.net"}, tcert, padlock.AlertBadCertificate},
		{"unknown-ca", padlock.Config{RootCAs: otherCA.Pool(), ServerName: "localhost"}, tcert, padlock.AlertUnknownCA},
		{"expired", padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"}, tlsCert(expired), padlock.AlertCertificateExpired},
		// RFC 5246 section 7.2.2: certificate_expired covers "not
		// currently valid" too.
		{"not-yet-valid", padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"}, tlsCert(future), padlock.AlertCertificateExpired},
		{"client-clock-ahead", padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost",
			Time: func() time.Time { return now.Add(20 * 365 * 24 * time.Hour) }}, tcert, padlock.AlertCertificateExpired},
	}
	for _, v := range versions {
		for _, tt := range tests {
			t.Run(v.name+"/"+tt.name, func(t *testing.T) {
				perr, terr := runPadlockClient(t, &tt.client, &tls.Config{Certificates: []tls.Certificate{tt.cert}, MaxVersion: v.max})
				wantPadlockAlert(t, "padlock client", perr, tt.want, false)
				wantTLSRemoteAlert(t, "crypto/tls server", terr, tt.want)
			})
		}
	}
}

// TestPeerRejectsCertificate has crypto/tls reject padlock's server
// certificate: padlock must report the alert crypto/tls sends
// (bad_certificate) as a remote one.
func TestPeerRejectsCertificate(t *testing.T) {
	pcert, _, ca := chain(pki.ECDSAP256)
	otherCA, _ := pki.TestChain(pki.ECDSAP384)
	other := issue(t, ca, pki.IssueOptions{Hosts: []string{"other.example.net"}})
	tests := []struct {
		name string
		pool *x509.CertPool
		cert padlock.Certificate
	}{
		{"wrong-host", ca.Pool(), padlockCert(other)},
		{"unknown-ca", otherCA.Pool(), pcert},
	}
	for _, v := range versions {
		for _, tt := range tests {
			t.Run(v.name+"/"+tt.name, func(t *testing.T) {
				terr, perr := runPadlockServer(t, &tls.Config{RootCAs: tt.pool, ServerName: "localhost", MaxVersion: v.max},
					&padlock.Config{Certificates: []padlock.Certificate{tt.cert}})
				var cve *tls.CertificateVerificationError
				if !errors.As(terr, &cve) {
					t.Errorf("crypto/tls client: got %v, want a certificate verification error", terr)
				}
				wantPadlockAlert(t, "padlock server", perr, padlock.AlertBadCertificate, true)
			})
		}
	}
}

// TestNegotiationFailures covers handshakes with nothing in common: the
// side that finds out sends the alert the RFCs name, the other receives it.
func TestNegotiationFailures(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	pclient := func(c padlock.Config) *padlock.Config {
		c.RootCAs, c.ServerName = ca.Pool(), "localhost"
		return &c
	}
	pserver := func(c padlock.Config) *padlock.Config {
		c.Certificates = []padlock.Certificate{pcert}
		return &c
	}
	tclient := func(c *tls.Config) *tls.Config {
		c.RootCAs, c.ServerName = ca.Pool(), "localhost"
		return c
	}
	tserver := func(c *tls.Config) *tls.Config {
		c.Certificates = []tls.Certificate{tcert}
		return c
	}

	// RFC 8446 section 4.2.1: a server with no version in common sends
	// protocol_version.
	t.Run("padlock-client/version", func(t *testing.T) {
		perr, terr := runPadlockClient(t, pclient(padlock.Config{MinVersion: padlock.VersionTLS13}),
			tserver(&tls.Config{MaxVersion: tls.VersionTLS12}))
		if terr == nil {
			t.Error("crypto/tls server: no error")
		}
		wantPadlockAlert(t, "padlock client", perr, padlock.AlertProtocolVersion, true)
	})
	t.Run("padlock-server/version", func(t *testing.T) {
		terr, perr := runPadlockServer(t, tclient(&tls.Config{MaxVersion: tls.VersionTLS12}),
			pserver(padlock.Config{MinVersion: padlock.VersionTLS13}))
		wantPadlockAlert(t, "padlock server", perr, padlock.AlertProtocolVersion, false)
		wantTLSRemoteAlert(t, "crypto/tls client", terr, padlock.AlertProtocolVersion)
	})

	// RFC 8446 section 4.1.1: no group in common is a handshake_failure
	// (or insufficient_security).
	t.Run("padlock-client/group", func(t *testing.T) {
		perr, terr := runPadlockClient(t, pclient(padlock.Config{CurvePreferences: []padlock.CurveID{padlock.CurveP384}}),
			tserver(&tls.Config{CurvePreferences: []tls.CurveID{tls.X25519}}))
		if terr == nil {
			t.Error("crypto/tls server: no error")
		}
		wantPadlockAlert(t, "padlock client", perr, padlock.AlertHandshakeFailure, true)
	})
	t.Run("padlock-server/group", func(t *testing.T) {
		terr, perr := runPadlockServer(t, tclient(&tls.Config{CurvePreferences: []tls.CurveID{tls.X25519}}),
			pserver(padlock.Config{CurvePreferences: []padlock.CurveID{padlock.CurveP384}}))
		ae, _ := padlockAlert(perr)
		if ae == nil || ae.Remote || (ae.Description != padlock.AlertHandshakeFailure && ae.Description != padlock.AlertInsufficientSecurity) {
			t.Errorf("padlock server: got %v, want local handshake_failure or insufficient_security", perr)
		} else {
			wantTLSRemoteAlert(t, "crypto/tls client", terr, ae.Description)
		}
	})

	// RFC 7301 section 3.2: a server that supports none of the client's
	// protocols sends no_application_protocol.
	t.Run("padlock-client/alpn", func(t *testing.T) {
		perr, terr := runPadlockClient(t, pclient(padlock.Config{NextProtos: []string{"spdy/1"}}),
			tserver(&tls.Config{NextProtos: []string{"h2"}}))
		if terr == nil {
			t.Error("crypto/tls server: no error")
		}
		wantPadlockAlert(t, "padlock client", perr, padlock.AlertNoApplicationProtocol, true)
	})
	t.Run("padlock-server/alpn", func(t *testing.T) {
		terr, perr := runPadlockServer(t, tclient(&tls.Config{NextProtos: []string{"spdy/1"}}),
			pserver(padlock.Config{NextProtos: []string{"h2"}}))
		wantPadlockAlert(t, "padlock server", perr, padlock.AlertNoApplicationProtocol, false)
		wantTLSRemoteAlert(t, "crypto/tls client", terr, padlock.AlertNoApplicationProtocol)
	})
}

// orRead returns err, or, if the handshake succeeded, the error of the
// first Read: in TLS 1.3 a client finishes before the server has checked
// its certificate.
func orRead(err error, c io.Reader) error {
	if err != nil {
		return err
	}
	return readErr(c)
}

// TestClientAuthFailures covers client certificates that are missing or
// untrusted, in both roles.
func TestClientAuthFailures(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	stranger := pki.TestClient(pki.ECDSAP384) // from another CA

	// RFC 8446 section 4.4.2.4: a server that requires a certificate and
	// gets none aborts with certificate_required.
	t.Run("padlock-server/missing", func(t *testing.T) {
		a, b := tcpPair(t)
		client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
		server := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert},
			ClientAuth: padlock.RequireAndVerifyClientCert, ClientCAs: ca.Pool()})
		terr, perr := handshakeBoth(client, server, a, b)
		wantPadlockAlert(t, "padlock server", perr, padlock.AlertCertificateRequired, false)
		wantTLSRemoteAlert(t, "crypto/tls client", orRead(terr, client), padlock.AlertCertificateRequired)
	})
	t.Run("padlock-server/unknown-ca", func(t *testing.T) {
		a, b := tcpPair(t)
		client := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost",
			Certificates: []tls.Certificate{tlsCert(stranger)}})
		server := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert},
			ClientAuth: padlock.RequireAndVerifyClientCert, ClientCAs: ca.Pool()})
		terr, perr := handshakeBoth(client, server, a, b)
		wantPadlockAlert(t, "padlock server", perr, padlock.AlertUnknownCA, false)
		wantTLSRemoteAlert(t, "crypto/tls client", orRead(terr, client), padlock.AlertUnknownCA)
	})
	t.Run("padlock-client/missing", func(t *testing.T) {
		a, b := tcpPair(t)
		client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
		server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool()})
		perr, terr := handshakeBoth(client, server, a, b)
		if terr == nil {
			t.Error("crypto/tls server: no error")
		}
		wantPadlockAlert(t, "padlock client", orRead(perr, client), padlock.AlertCertificateRequired, true)
	})
	t.Run("padlock-client/unknown-ca", func(t *testing.T) {
		a, b := tcpPair(t)
		client := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost",
			Certificates: []padlock.Certificate{padlockCert(stranger)}})
		server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool()})
		perr, terr := handshakeBoth(client, server, a, b)
		if terr == nil {
			t.Error("crypto/tls server: no error")
		}
		wantPadlockAlert(t, "padlock client", orRead(perr, client), padlock.AlertUnknownCA, true)
	})
}

// TestTamperedHandshake flips one bit of a handshake record in flight.
// RFC 8446 section 5.2: a record that fails to decrypt ends the
// connection with bad_record_mac.
func TestTamperedHandshake(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	// The first encrypted record from the server (EncryptedExtensions
	// onwards): both sides have the same keys, so the detecting side's
	// alert reaches the other.
	flipFlight := func() mangler { return flipNth(typeApplicationData, 0, -1) }
	t.Run("padlock-client/server-flight", func(t *testing.T) {
		a, b, p := proxiedPair(t, nil, flipFlight())
		perr, terr := handshakeBoth(padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"}),
			tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}}), a, b)
		p.requireActed(t)
		wantPadlockAlert(t, "padlock client", perr, padlock.AlertBadRecordMAC, false)
		wantTLSRemoteAlert(t, "crypto/tls server", terr, padlock.AlertBadRecordMAC)
	})
	t.Run("padlock-server/server-flight", func(t *testing.T) {
		a, b, p := proxiedPair(t, nil, flipFlight())
		terr, perr := handshakeBoth(tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}),
			padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}}), a, b)
		p.requireActed(t)
		wantTLSAlert(t, "crypto/tls client", terr, padlock.AlertBadRecordMAC, false)
		wantPadlockAlert(t, "padlock server", perr, padlock.AlertBadRecordMAC, true)
	})

	// A bit of a hello's random flipped: the two sides hash different
	// transcripts into their handshake keys (RFC 8446 section 7.1), so the
	// client cannot decrypt the server's flight, and the server cannot
	// decrypt the client's alert, sealed with the client's keys: both end
	// with bad_record_mac of their own. Offset 11 is inside the random,
	// after the handshake header (4 bytes) and legacy_version (2).
	for _, dir := range []string{"client-hello", "server-hello"} {
		// Each connection needs a mangler of its own: it counts records.
		manglers := func() (toServer, toClient mangler) {
			flip := flipNth(typeHandshake, 0, 11)
			if dir == "client-hello" {
				return flip, nil
			}
			return nil, flip
		}
		t.Run("padlock-client/"+dir, func(t *testing.T) {
			toServer, toClient := manglers()
			a, b, p := proxiedPair(t, toServer, toClient)
			perr, terr := handshakeBoth(padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"}),
				tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}}), a, b)
			p.requireActed(t)
			wantPadlockAlert(t, "padlock client", perr, padlock.AlertBadRecordMAC, false)
			wantTLSAlert(t, "crypto/tls server", terr, padlock.AlertBadRecordMAC, false)
		})
		t.Run("padlock-server/"+dir, func(t *testing.T) {
			toServer, toClient := manglers()
			a, b, p := proxiedPair(t, toServer, toClient)
			terr, perr := handshakeBoth(tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}),
				padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}}), a, b)
			p.requireActed(t)
			wantTLSAlert(t, "crypto/tls client", terr, padlock.AlertBadRecordMAC, false)
			wantPadlockAlert(t, "padlock server", perr, padlock.AlertBadRecordMAC, false)
		})
	}
}

// TestTamperedVerifiedMessages changes a signature or a Finished MAC in
// flight and seals the record again, with the traffic secret from
// crypto/tls's key log: the record decrypts, and the receiver must find
// the forgery itself and send decrypt_error (RFC 8446 sections 4.4.3 and
// 4.4.4).
func TestTamperedVerifiedMessages(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	client := pki.TestClient(pki.ECDSAP256)
	tests := []struct {
		name       string
		fromServer bool // whose message is tampered with
		msgType    byte
	}{
		{"server-finished", true, msgFinished},
		{"server-certificate-verify", true, msgCertificateVerify},
		{"client-finished", false, msgFinished},
		{"client-certificate-verify", false, msgCertificateVerify},
	}
	for _, tt := range tests {
		label := "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
		if tt.fromServer {
			label = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
		}
		manglers := func(log *keyLog) (toServer, toClient mangler) {
			m := rewriteHandshake(log, label, tt.msgType, flipLast)
			if tt.fromServer {
				return nil, m
			}
			return m, nil
		}
		// Client certificates, so that the client sends a CertificateVerify.
		pc := &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost",
			CipherSuites: []uint16{padlock.TLS_AES_128_GCM_SHA256}, Certificates: []padlock.Certificate{padlockCert(client)}}
		ps := &padlock.Config{Certificates: []padlock.Certificate{pcert},
			CipherSuites: []uint16{padlock.TLS_AES_128_GCM_SHA256},
			ClientAuth:   padlock.RequireAndVerifyClientCert, ClientCAs: ca.Pool()}

		t.Run("padlock-client/"+tt.name, func(t *testing.T) {
			log := new(keyLog)
			toServer, toClient := manglers(log)
			a, b, p := proxiedPair(t, toServer, toClient)
			pconn := padlock.Client(a, pc)
			tconn := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}, KeyLogWriter: log,
				ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool()})
			perr, terr := handshakeBoth(pconn, tconn, a, b)
			p.requireActed(t)
			if tt.fromServer {
				wantPadlockAlert(t, "padlock client", perr, padlock.AlertDecryptError, false)
				wantTLSRemoteAlert(t, "crypto/tls server", terr, padlock.AlertDecryptError)
			} else {
				// crypto/tls returns its own error, not the alert it sent;
				// padlock's remote alert shows which one that was.
				if terr == nil {
					t.Error("crypto/tls server accepted the forgery")
				}
				wantPadlockAlert(t, "padlock client", orRead(perr, pconn), padlock.AlertDecryptError, true)
			}
		})
		t.Run("padlock-server/"+tt.name, func(t *testing.T) {
			log := new(keyLog)
			toServer, toClient := manglers(log)
			a, b, p := proxiedPair(t, toServer, toClient)
			tconn := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", KeyLogWriter: log,
				Certificates: []tls.Certificate{tlsCert(client)}})
			pconn := padlock.Server(b, ps)
			terr, perr := handshakeBoth(tconn, pconn, a, b)
			p.requireActed(t)
			if tt.fromServer {
				if terr == nil {
					t.Error("crypto/tls client accepted the forgery")
				}
				wantPadlockAlert(t, "padlock server", perr, padlock.AlertDecryptError, true)
			} else {
				wantPadlockAlert(t, "padlock server", perr, padlock.AlertDecryptError, false)
				wantTLSRemoteAlert(t, "crypto/tls client", orRead(terr, tconn), padlock.AlertDecryptError)
			}
		})
	}
}

// syncAndArm sends a line from a to b and back, through the proxy, then
// arms the proxy: every record sent before, tickets included, has then
// been relayed, so the next record in flight is the next one written.
func syncAndArm(t *testing.T, a, b tlsConn, arm *atomic.Bool) {
	t.Helper()
	ping := []byte("ping\n")
	buf := make([]byte, len(ping))
	if _, err := a.Write(ping); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(b, buf); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Write(ping); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(a, buf); err != nil {
		t.Fatal(err)
	}
	arm.Store(true)
}

// TestTamperedApplicationData flips one bit of an application data record
// after the handshake, in each direction. And it cuts the connection
// without close_notify, which Read must report as a truncation, not as
// io.EOF (RFC 8446 section 6.1).
func TestTamperedApplicationData(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	message := []byte("a message that will not arrive intact\n")

	// pair returns a padlock client and a crypto/tls server, or the
	// reverse, with f applied to what the crypto/tls side sends once
	// armed.
	pair := func(t *testing.T, vers uint16, padlockClient bool, f mangler) (pconn, tconn tlsConn, p *proxy, arm *atomic.Bool) {
		arm = new(atomic.Bool)
		if padlockClient {
			a, b, p := proxiedPair(t, nil, armed(arm, f))
			pc := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
			tc := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}, MaxVersion: vers})
			cerr, serr := handshakeBoth(pc, tc, a, b)
			if cerr != nil || serr != nil {
				t.Fatalf("handshake: padlock client: %v; crypto/tls server: %v", cerr, serr)
			}
			return pc, tc, p, arm
		}
		a, b, p := proxiedPair(t, armed(arm, f), nil)
		tc := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: vers})
		pc := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
		cerr, serr := handshakeBoth(tc, pc, a, b)
		if cerr != nil || serr != nil {
			t.Fatalf("handshake: crypto/tls client: %v; padlock server: %v", cerr, serr)
		}
		return pc, tc, p, arm
	}
	for _, v := range versions {
		for _, padlockClient := range []bool{true, false} {
			role := v.name + "/" + map[bool]string{true: "padlock-client", false: "padlock-server"}[padlockClient]
			t.Run(role+"/flip", func(t *testing.T) {
				pc, tc, p, arm := pair(t, v.max, padlockClient, flipFirst)
				syncAndArm(t, pc, tc, arm)
				if _, err := tc.Write(message); err != nil {
					t.Fatal(err)
				}
				wantPadlockAlert(t, "padlock", readErr(pc), padlock.AlertBadRecordMAC, false)
				wantTLSRemoteAlert(t, "crypto/tls", readErr(tc), padlock.AlertBadRecordMAC)
				p.requireActed(t)
			})
			t.Run(role+"/truncated", func(t *testing.T) {
				pc, tc, p, arm := pair(t, v.max, padlockClient, keepFirst)
				syncAndArm(t, pc, tc, arm)
				tc.Write(message)
				tc.Close() // its close_notify is dropped; the FIN is not
				got, err := io.ReadAll(pc)
				if string(got) != string(message) || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("padlock: read %q, %v; want the message, then io.ErrUnexpectedEOF", got, err)
				}
				p.requireActed(t)
			})
		}
	}
}

// TestTamperedHandshake12 tampers with a TLS 1.2 handshake, whose
// messages before ChangeCipherSpec travel in the clear.
func TestTamperedHandshake12(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	tests := []struct {
		name      string
		toServer  func() mangler
		toClient  func() mangler
		clientErr bool // the client detects the tampering
		want      padlock.Alert
	}{
		// RFC 5246 section 7.2.2: a signature that does not verify is a
		// decrypt_error. The ServerKeyExchange signature covers both
		// randoms (RFC 8422 section 5.4), so a changed ClientHello breaks
		// it too.
		{name: "server-key-exchange", clientErr: true, want: padlock.AlertDecryptError,
			toClient: func() mangler { return rewritePlainHandshake(msgServerKeyExchange, flipLast) }},
		{name: "client-hello", clientErr: true, want: padlock.AlertDecryptError,
			toServer: func() mangler { return flipNth(typeHandshake, 0, 11) }},
		// The first record after ChangeCipherSpec is the encrypted
		// Finished: a flipped bit fails to decrypt.
		{name: "server-finished", clientErr: true, want: padlock.AlertBadRecordMAC,
			toClient: func() mangler { return afterCCS(flipFirst) }},
		{name: "client-finished", clientErr: false, want: padlock.AlertBadRecordMAC,
			toServer: func() mangler { return afterCCS(flipFirst) }},
	}
	manglers := func(toServer, toClient func() mangler) (mangler, mangler) {
		var ts, tc mangler
		if toServer != nil {
			ts = toServer()
		}
		if toClient != nil {
			tc = toClient()
		}
		return ts, tc
	}
	// Which side learns of the tampering first depends on the message:
	// the other may have finished its handshake and learn on Read.
	for _, tt := range tests {
		t.Run("padlock-client/"+tt.name, func(t *testing.T) {
			ts, tc := manglers(tt.toServer, tt.toClient)
			a, b, p := proxiedPair(t, ts, tc)
			pconn := padlock.Client(a, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
			tconn := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{tcert}, MaxVersion: tls.VersionTLS12})
			perr, terr := handshakeBoth(pconn, tconn, a, b)
			p.requireActed(t)
			if tt.clientErr {
				wantPadlockAlert(t, "padlock client", perr, tt.want, false)
				wantTLSRemoteAlert(t, "crypto/tls server", orRead(terr, tconn), tt.want)
			} else {
				if terr == nil {
					t.Error("crypto/tls server: no error")
				}
				wantPadlockAlert(t, "padlock client", orRead(perr, pconn), tt.want, true)
			}
		})
		t.Run("padlock-server/"+tt.name, func(t *testing.T) {
			ts, tc := manglers(tt.toServer, tt.toClient)
			a, b, p := proxiedPair(t, ts, tc)
			tconn := tls.Client(a, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: tls.VersionTLS12})
			pconn := padlock.Server(b, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
			terr, perr := handshakeBoth(tconn, pconn, a, b)
			p.requireActed(t)
			if !tt.clientErr {
				wantPadlockAlert(t, "padlock server", perr, tt.want, false)
				wantTLSRemoteAlert(t, "crypto/tls client", orRead(terr, tconn), tt.want)
				return
			}
			if terr == nil {
				t.Error("crypto/tls client: no error")
			}
			want := tt.want
			if want == padlock.AlertDecryptError {
				// crypto/tls answers a bad ServerKeyExchange signature
				// with illegal_parameter, not decrypt_error.
				want = padlock.AlertIllegalParameter
			}
			wantPadlockAlert(t, "padlock server", orRead(perr, pconn), want, true)
		})
	}
}

// mustHandshake completes both handshakes or ends the test.
func mustHandshake(t *testing.T, client, server tlsConn, raw ...net.Conn) {
	t.Helper()
	if cerr, serr := handshakeBoth(client, server, raw...); cerr != nil || serr != nil {
		t.Fatalf("handshake: client: %v; server: %v", cerr, serr)
	}
}
