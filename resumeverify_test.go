package padlock

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
)

// The attacks of a resumption that skips the checks of a full handshake:
// each test gets a session under one config and offers it to another (a
// clone, sharing ticket keys and caches, as Config.Clone promises), and
// the second handshake must do exactly what a full handshake would.

var resumeVersions = []uint16{VersionTLS13, VersionTLS12}

// clientAuthConfigs returns a client presenting cert and a server with a
// ticket key of its own, both on clock, for version vers.
func clientAuthConfigs(t *testing.T, vers uint16, cert *pki.Issued, clock *time.Time) (*Config, *Config) {
	t.Helper()
	server, pool := testCert(t, pki.ECDSAP256)
	now := func() time.Time { return *clock }
	cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers, Time: now,
		ClientSessionCache: NewLRUClientSessionCache(4)}
	if cert != nil {
		cc.Certificates = []Certificate{{Certificate: cert.DER, PrivateKey: cert.Key}}
	}
	return cc, &Config{Certificates: []Certificate{server}, MaxVersion: vers, Time: now}
}

// resumeInto makes a session with sc, then connects again to sc2 and
// returns both ends and errors of the second connection.
func resumeInto(t *testing.T, cc, sc, sc2 *Config) (*Conn, *Conn, error, error) {
	t.Helper()
	connectAndRead(t, cc, sc)
	return runPair(t, cc, sc2)
}

// wantNotResumed checks a second connection was not a resumption, and,
// when d is not 0, that the full handshake failed on the server with d.
func wantNotResumed(t *testing.T, client, server *Conn, cerr, serr error, d alert.Description) {
	t.Helper()
	if server.ConnectionState().DidResume || client.ConnectionState().DidResume {
		t.Fatalf("resumed: server sees %v, verified chains %d (client: %v; server: %v)",
			subjects(server.ConnectionState().PeerCertificates), len(server.ConnectionState().VerifiedChains), cerr, serr)
	}
	if d == 0 {
		if cerr != nil || serr != nil {
			t.Fatalf("full handshake failed: client: %v; server: %v", cerr, serr)
		}
		return
	}
	var ae *AlertError
	if !errors.As(serr, &ae) || ae.Description != d {
		t.Fatalf("server error %v, want %v (client: %v)", serr, d, cerr)
	}
}

func subjects(certs []*x509.Certificate) []string {
	var s []string
	for _, c := range certs {
		s = append(s, c.Subject.CommonName)
	}
	return s
}

// TestResumptionReverifiesClientCertificate: a server resumes a session
// only when the client's stored chain passes the checks of the server's
// current ClientAuth, ClientCAs and clock, as a full handshake would.
func TestResumptionReverifiesClientCertificate(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	trusted := pki.TestClient(pki.ECDSAP256)
	foreign := pki.TestClient(pki.Ed25519) // issued by another CA
	shortLived, err := ca.Issue(pki.IssueOptions{CommonName: "short-lived client", Client: true, NotAfter: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			t.Run("unverified session into a verifying clone", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, foreign, &clock)
				sc.ClientAuth = RequireAnyClientCert
				sc2 := sc.Clone()
				sc2.ClientAuth, sc2.ClientCAs = RequireAndVerifyClientCert, ca.Pool()
				client, server, cerr, serr := resumeInto(t, cc, sc, sc2)
				wantNotResumed(t, client, server, cerr, serr, alert.UnknownCA)
			})
			t.Run("session without a certificate into a requesting clone", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, trusted, &clock)
				sc2 := sc.Clone()
				sc2.ClientAuth, sc2.ClientCAs = VerifyClientCertIfGiven, ca.Pool()
				client, server, cerr, serr := resumeInto(t, cc, sc, sc2)
				wantNotResumed(t, client, server, cerr, serr, 0)
				if len(server.ConnectionState().VerifiedChains) == 0 {
					t.Fatal("the full handshake did not verify the client's certificate")
				}
			})
			t.Run("CA removed", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, trusted, &clock)
				sc.ClientAuth, sc.ClientCAs = RequireAndVerifyClientCert, ca.Pool()
				sc2 := sc.Clone()
				sc2.ClientCAs = x509.NewCertPool()
				client, server, cerr, serr := resumeInto(t, cc, sc, sc2)
				wantNotResumed(t, client, server, cerr, serr, alert.UnknownCA)
			})
			t.Run("client certificate expired", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, shortLived, &clock)
				sc.ClientAuth, sc.ClientCAs = RequireAndVerifyClientCert, ca.Pool()
				connectAndRead(t, cc, sc)
				clock = clock.Add(2 * time.Hour)
				client, server, cerr, serr := runPair(t, cc, sc)
				wantNotResumed(t, client, server, cerr, serr, alert.CertificateExpired)
			})
			t.Run("unverified client certificate expired", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, shortLived, &clock)
				sc.ClientAuth = RequireAnyClientCert
				connectAndRead(t, cc, sc)
				clock = clock.Add(2 * time.Hour)
				client, server, cerr, serr := runPair(t, cc, sc)
				wantNotResumed(t, client, server, cerr, serr, 0)
			})
			t.Run("verified again and resumed", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, trusted, &clock)
				sc.ClientAuth, sc.ClientCAs = RequireAndVerifyClientCert, ca.Pool()
				for i := range 3 { // a resumption's own session resumes too
					client, server := connectAndRead(t, cc, sc)
					st := server.ConnectionState()
					if st.DidResume != (i > 0) || client.ConnectionState().DidResume != (i > 0) {
						t.Fatalf("connection %d: DidResume %v", i, st.DidResume)
					}
					if len(st.PeerCertificates) == 0 || len(st.VerifiedChains) == 0 {
						t.Fatalf("connection %d: peer %v, %d verified chains", i, subjects(st.PeerCertificates), len(st.VerifiedChains))
					}
				}
			})
		})
	}
}

// TestResumptionLifetimeFromFullHandshake: the sessions a resumption
// issues keep the age of the full handshake that authenticated the peer,
// so that chaining resumptions never keeps a session alive past the
// ticket lifetime (RFC 8446 section 4.6.1: seven days at most).
func TestResumptionLifetimeFromFullHandshake(t *testing.T) {
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			clock := time.Now()
			cc, sc := clientAuthConfigs(t, vers, nil, &clock)
			connectAndRead(t, cc, sc)
			for day := 1; day <= 8; day++ {
				clock = clock.Add(24*time.Hour - time.Minute)
				client, _ := connectAndRead(t, cc, sc)
				if want := day <= 7; client.ConnectionState().DidResume != want {
					t.Fatalf("day %d: DidResume %v, want %v", day, !want, want)
				}
			}
		})
	}
}

// TestResumptionClientAuthCryptoTLS: the same attack with crypto/tls as
// the client that holds the session.
func TestResumptionClientAuthCryptoTLS(t *testing.T) {
	_, pool := testCert(t, pki.ECDSAP256)
	ca, _ := pki.TestChain(pki.ECDSAP256)
	foreign := pki.TestClient(pki.Ed25519)
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			clock := time.Now()
			_, sc := clientAuthConfigs(t, vers, nil, &clock)
			sc.ClientAuth = RequireAnyClientCert
			sc2 := sc.Clone()
			sc2.ClientAuth, sc2.ClientCAs = RequireAndVerifyClientCert, ca.Pool()
			tc := &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers,
				ClientSessionCache: tls.NewLRUClientSessionCache(4),
				Certificates:       []tls.Certificate{{Certificate: foreign.DER, PrivateKey: foreign.Key}}}
			for i, cfg := range []*Config{sc, sc2} {
				server, serr, cerr, resumed := cryptoTLSClient(t, tc, cfg)
				switch {
				case i == 0 && (cerr != nil || serr != nil):
					t.Fatalf("first connection: client: %v; server: %v", cerr, serr)
				case i == 1 && (serr == nil || resumed || server.ConnectionState().DidResume):
					t.Fatalf("resumed into the verifying clone: server: %v, resumed %v, peer %v", serr, resumed,
						subjects(server.ConnectionState().PeerCertificates))
				}
			}
		})
	}
}

// cryptoTLSClient connects a crypto/tls client to a padlock server, reads
// until the server closes (taking in a TLS 1.3 ticket), and reports the
// server, both errors and whether crypto/tls resumed.
func cryptoTLSClient(t *testing.T, tc *tls.Config, sc *Config) (*Conn, error, error, bool) {
	t.Helper()
	a, b := tcpPair(t)
	server := Server(b, sc)
	errc := make(chan error, 1)
	go func() {
		err := server.Handshake()
		if err == nil {
			server.Write([]byte("x"))
			server.CloseWrite()
		}
		errc <- err
	}()
	client := tls.Client(a, tc)
	cerr := client.Handshake()
	if cerr == nil {
		cerr = readToEOF(client)
	}
	if cerr != nil {
		a.Close()
	}
	serr := <-errc
	return server, serr, cerr, client.ConnectionState().DidResume
}

// TestResumptionReverifiesServer: a client offers a session only when the
// server's stored chain passes the checks of its current config: a
// session an insecure config made is never offered by a verifying one.
func TestResumptionReverifiesServer(t *testing.T) {
	_, pool := testCert(t, pki.ECDSAP256)
	// The man in the middle: a certificate for localhost from a CA the
	// client does not trust.
	mitmCert, _ := testCert(t, pki.Ed25519)
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			t.Run("insecure session into a verifying clone", func(t *testing.T) {
				clock := time.Now()
				cc, _ := clientAuthConfigs(t, vers, nil, &clock)
				cc.InsecureSkipVerify = true
				mitm := &Config{Certificates: []Certificate{mitmCert}, MaxVersion: vers, Time: cc.Time}
				connectAndRead(t, cc, mitm)
				cc2 := cc.Clone()
				cc2.InsecureSkipVerify = false
				client, _, cerr, serr := runPair(t, cc2, mitm)
				if client.ConnectionState().DidResume {
					t.Fatalf("verifying client resumed the insecure session: peer %v (server: %v)",
						subjects(client.ConnectionState().PeerCertificates), serr)
				}
				wantAlert(t, cerr, alert.UnknownCA)
			})
			t.Run("CA removed", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				connectAndRead(t, cc, sc)
				cc2 := cc.Clone()
				cc2.RootCAs = x509.NewCertPool()
				client, _, cerr, _ := runPair(t, cc2, sc)
				if client.ConnectionState().DidResume {
					t.Fatal("resumed a session whose CA is no longer trusted")
				}
				wantAlert(t, cerr, alert.UnknownCA)
			})
			t.Run("verified again and resumed", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				connectAndRead(t, cc, sc)
				cc2 := cc.Clone()
				cc2.RootCAs = pool.Clone()
				client, _ := connectAndRead(t, cc2, sc)
				st := client.ConnectionState()
				if !st.DidResume || len(st.VerifiedChains) == 0 {
					t.Fatalf("DidResume %v, %d verified chains", st.DidResume, len(st.VerifiedChains))
				}
			})
		})
	}
}

// TestResumptionReverifiesServerCryptoTLS: the insecure-session attack
// with crypto/tls as the man in the middle.
func TestResumptionReverifiesServerCryptoTLS(t *testing.T) {
	ca, _ := pki.TestChain(pki.Ed25519)
	mitm, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{{Certificate: mitm.DER, PrivateKey: mitm.Key}}}
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			clock := time.Now()
			cc, _ := clientAuthConfigs(t, vers, nil, &clock)
			cc.InsecureSkipVerify = true
			cc2 := cc.Clone()
			cc2.InsecureSkipVerify = false
			for i, cfg := range []*Config{cc, cc2} {
				client, cerr := cryptoTLSServer(t, tc, cfg)
				switch {
				case i == 0 && cerr != nil:
					t.Fatalf("insecure connection: %v", cerr)
				case i == 1:
					if client.ConnectionState().DidResume {
						t.Fatal("verifying client resumed the insecure session")
					}
					wantAlert(t, cerr, alert.UnknownCA)
				}
			}
		})
	}
}

// cryptoTLSServer connects a padlock client to a crypto/tls server and
// reads until it closes, taking in a TLS 1.3 ticket.
func cryptoTLSServer(t *testing.T, tc *tls.Config, cc *Config) (*Conn, error) {
	t.Helper()
	a, b := tcpPair(t)
	go func() {
		s := tls.Server(b, tc)
		if s.Handshake() == nil {
			s.Write([]byte("x"))
			s.CloseWrite()
		}
	}()
	client := Client(a, cc)
	err := client.Handshake()
	if err == nil {
		err = readToEOF(client)
	}
	a.Close()
	return client, err
}

// readToEOF reads r until it ends, taking in what comes after a
// handshake (a TLS 1.3 ticket); a clean end is no error.
func readToEOF(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

func wantAlert(t *testing.T, err error, d alert.Description) {
	t.Helper()
	var ae *AlertError
	if !errors.As(err, &ae) || ae.Description != d {
		t.Fatalf("error %v, want %v", err, d)
	}
}
