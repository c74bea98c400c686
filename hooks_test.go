package padlock

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
)

// pinKey returns a VerifyConnection that accepts only a peer whose leaf
// has the public key of want, counting its calls and the resumptions it
// saw.
func pinKey(want *x509.Certificate, calls, resumed *int) func(ConnectionState) error {
	pin := sha256.Sum256(want.RawSubjectPublicKeyInfo)
	return func(cs ConnectionState) error {
		*calls++
		if cs.DidResume {
			*resumed++
		}
		if len(cs.PeerCertificates) == 0 || cs.Version == 0 || cs.CipherSuite == 0 || cs.HandshakeComplete {
			return fmt.Errorf("VerifyConnection sees an incomplete state: %+v", cs)
		}
		if sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo) != pin {
			return errPinMismatch
		}
		return nil
	}
}

var errPinMismatch = errors.New("the peer's key is not the pinned one")

// TestVerifyConnection: the hook runs in both roles and versions, in the
// full handshake and in the resumption, and its refusal is bad_certificate
// on the wire with the hook's error wrapped.
func TestVerifyConnection(t *testing.T) {
	client := pki.TestClient(pki.ECDSAP256)
	other := pki.TestClient(pki.Ed25519)
	for _, vers := range resumeVersions {
		for _, server := range []bool{false, true} {
			name := VersionName(vers) + map[bool]string{false: "/client pins", true: "/server pins"}[server]
			t.Run(name, func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, client, &clock)
				sc.ClientAuth = RequireAnyClientCert
				checker, peer := cc, sc.Certificates[0].Leaf
				if server {
					checker, peer = sc, client.Cert
				}
				var calls, resumed int
				checker.VerifyConnection = pinKey(peer, &calls, &resumed)
				connectAndRead(t, cc, sc)
				c, _ := connectAndRead(t, cc, sc)
				if !c.ConnectionState().DidResume || calls != 2 || resumed != 1 {
					t.Fatalf("resumed %v; called %d times, %d in a resumption", c.ConnectionState().DidResume, calls, resumed)
				}
				// Pin another key: the resumption is refused too.
				checker.VerifyConnection = pinKey(other.Cert, &calls, &resumed)
				c, _, cerr, serr := runPair(t, cc, sc)
				if cerr == nil {
					// TLS 1.3: the client's flight is done before the
					// server decides; the alert comes to its first read.
					_, cerr = c.Read(make([]byte, 1))
				}
				local, remote := cerr, serr
				if server {
					local, remote = serr, cerr
				}
				wantAlerts(t, local, remote, alert.BadCertificate)
				if !errors.Is(local, errPinMismatch) {
					t.Errorf("error %v does not wrap the hook's", local)
				}
			})
		}
	}
}

// TestVerifyConnectionCryptoTLS pins keys against crypto/tls peers, in a
// full handshake and a resumption, and checks the alert crypto/tls sees.
func TestVerifyConnectionCryptoTLS(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	client := pki.TestClient(pki.ECDSAP256)
	other := pki.TestClient(pki.Ed25519)
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers)+"/padlock client", func(t *testing.T) {
			tc := &tls.Config{Certificates: []tls.Certificate{{Certificate: cert.Certificate, PrivateKey: cert.PrivateKey}}}
			var calls, resumed int
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers,
				ClientSessionCache: NewLRUClientSessionCache(4), VerifyConnection: pinKey(cert.Leaf, &calls, &resumed)}
			for range 2 {
				if _, err := cryptoTLSServer(t, tc, cc); err != nil {
					t.Fatal(err)
				}
			}
			if calls != 2 || resumed != 1 {
				t.Fatalf("called %d times, %d in a resumption", calls, resumed)
			}
			cc.VerifyConnection = pinKey(other.Cert, &calls, &resumed)
			_, err := cryptoTLSServer(t, tc, cc)
			wantAlert(t, err, alert.BadCertificate)
		})
		t.Run(VersionName(vers)+"/padlock server", func(t *testing.T) {
			var calls, resumed int
			sc := &Config{Certificates: []Certificate{cert}, MaxVersion: vers, ClientAuth: RequireAnyClientCert,
				VerifyConnection: pinKey(client.Cert, &calls, &resumed)}
			tc := &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers,
				ClientSessionCache: tls.NewLRUClientSessionCache(4),
				Certificates:       []tls.Certificate{{Certificate: client.DER, PrivateKey: client.Key}}}
			for i := range 2 {
				_, serr, cerr, did := cryptoTLSClient(t, tc, sc)
				if serr != nil || cerr != nil || did != (i == 1) {
					t.Fatalf("connection %d: server: %v; client: %v; resumed %v", i, serr, cerr, did)
				}
			}
			if calls != 2 || resumed != 1 {
				t.Fatalf("called %d times, %d in a resumption", calls, resumed)
			}
			sc.VerifyConnection = pinKey(other.Cert, &calls, &resumed)
			_, serr, cerr, _ := cryptoTLSClient(t, tc, sc)
			wantAlert(t, serr, alert.BadCertificate)
			if cerr == nil || !strings.Contains(cerr.Error(), "bad certificate") {
				t.Errorf("crypto/tls client: %v, want the bad_certificate alert", cerr)
			}
		})
	}
}

// TestVerifyPeerCertificateCryptoTLS: crypto/tls sees bad_certificate
// when padlock's VerifyPeerCertificate refuses, as a crypto/tls peer
// would send.
func TestVerifyPeerCertificateCryptoTLS(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	refuse := errors.New("not pinned")
	cc := &Config{RootCAs: pool, ServerName: "localhost",
		VerifyPeerCertificate: func([][]byte, [][]*x509.Certificate) error { return refuse }}
	tc := &tls.Config{Certificates: []tls.Certificate{{Certificate: cert.Certificate, PrivateKey: cert.PrivateKey}}}
	a, b := tcpPair(t)
	errc := make(chan error, 1)
	go func() { errc <- tls.Server(b, tc).Handshake() }()
	err := Client(a, cc).Handshake()
	wantAlert(t, err, alert.BadCertificate)
	if !errors.Is(err, refuse) {
		t.Errorf("error %v does not wrap the hook's", err)
	}
	if serr := <-errc; serr == nil || !strings.Contains(serr.Error(), "bad certificate") {
		t.Errorf("crypto/tls server: %v, want the bad_certificate alert", serr)
	}
}

// sniConfigs returns a server Config whose GetConfigForClient picks a
// Config by SNI, the CA pool, and the two per-name configs.
func sniConfigs(t *testing.T) (*Config, *x509.CertPool, map[string]*Config) {
	t.Helper()
	ca, _ := pki.TestChain(pki.ECDSAP256)
	byName := map[string]*Config{}
	for _, host := range []string{"a.example", "b.example"} {
		is, err := ca.Issue(pki.IssueOptions{Hosts: []string{host}})
		if err != nil {
			t.Fatal(err)
		}
		byName[host] = &Config{Certificates: []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}, NextProtos: []string{host}}
	}
	byName["empty.example"] = &Config{}
	sc := &Config{GetConfigForClient: func(chi *ClientHelloInfo) (*Config, error) {
		if chi.Conn == nil {
			return nil, errors.New("no Conn in the ClientHelloInfo")
		}
		if v, _ := chi.Context().Value(ctxKey{}).(string); v != "handshake" {
			return nil, fmt.Errorf("context value %q, want the handshake's", v)
		}
		if chi.ServerName == "error.example" {
			return nil, errors.New("refused by the application")
		}
		return byName[chi.ServerName], nil
	}}
	return sc, ca.Pool(), byName
}

type ctxKey struct{}

// TestGetConfigForClient: the server's Config is chosen by SNI, for
// padlock and crypto/tls clients; a Config without certificates, or an
// error, ends the handshake with internal_error.
func TestGetConfigForClient(t *testing.T) {
	sc, pool, _ := sniConfigs(t)
	serve := func(b net.Conn) <-chan error {
		errc := make(chan error, 1)
		go func() {
			ctx := context.WithValue(context.Background(), ctxKey{}, "handshake")
			errc <- Server(b, sc).HandshakeContext(ctx)
		}()
		return errc
	}
	for _, vers := range resumeVersions {
		for _, host := range []string{"a.example", "b.example"} {
			t.Run(VersionName(vers)+"/padlock/"+host, func(t *testing.T) {
				a, b := tcpPair(t)
				errc := serve(b)
				c := Client(a, &Config{RootCAs: pool, ServerName: host, MaxVersion: vers, NextProtos: []string{"a.example", "b.example"}})
				if err := c.Handshake(); err != nil {
					t.Fatal(err, <-errc)
				}
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				if st := c.ConnectionState(); st.NegotiatedProtocol != host || st.PeerCertificates[0].DNSNames[0] != host {
					t.Errorf("ALPN %q, certificate for %v", st.NegotiatedProtocol, st.PeerCertificates[0].DNSNames)
				}
			})
			t.Run(VersionName(vers)+"/crypto-tls/"+host, func(t *testing.T) {
				a, b := tcpPair(t)
				errc := serve(b)
				c := tls.Client(a, &tls.Config{RootCAs: pool, ServerName: host, MaxVersion: vers})
				if err := c.Handshake(); err != nil {
					t.Fatal(err, <-errc)
				}
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				if got := c.ConnectionState().PeerCertificates[0].DNSNames[0]; got != host {
					t.Errorf("certificate for %s", got)
				}
			})
		}
		for _, host := range []string{"empty.example", "error.example"} {
			t.Run(VersionName(vers)+"/"+host, func(t *testing.T) {
				a, b := tcpPair(t)
				errc := serve(b)
				c := tls.Client(a, &tls.Config{RootCAs: pool, ServerName: host, MaxVersion: vers})
				cerr := c.Handshake()
				serr := <-errc
				wantAlert(t, serr, alert.InternalError)
				if cerr == nil || !strings.Contains(cerr.Error(), "internal error") {
					t.Errorf("crypto/tls client: %v, want the internal_error alert", cerr)
				}
			})
		}
	}
	t.Run("nil keeps the Config", func(t *testing.T) {
		cert, pool := testCert(t, pki.ECDSAP256)
		sc := &Config{Certificates: []Certificate{cert}, GetConfigForClient: func(*ClientHelloInfo) (*Config, error) { return nil, nil }}
		if _, _, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost"}, sc); cerr != nil || serr != nil {
			t.Fatal(cerr, serr)
		}
	})
}

// TestHookPanics: a hook that panics fails its connection with
// internal_error, and the listener goes on serving.
func TestHookPanics(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	hooks := map[string]func(*Config){
		"GetConfigForClient": func(c *Config) {
			c.GetConfigForClient = func(*ClientHelloInfo) (*Config, error) { panic("GetConfigForClient") }
		},
		"GetCertificate": func(c *Config) {
			c.GetCertificate = func(*ClientHelloInfo) (*Certificate, error) { panic("GetCertificate") }
		},
		"VerifyConnection": func(c *Config) {
			c.VerifyConnection = func(ConnectionState) error { panic("VerifyConnection") }
		},
		"VerifyPeerCertificate": func(c *Config) {
			c.ClientAuth = RequireAnyClientCert
			c.VerifyPeerCertificate = func([][]byte, [][]*x509.Certificate) error { panic("VerifyPeerCertificate") }
		},
	}
	client := pki.TestClient(pki.ECDSAP256)
	for name, set := range hooks {
		t.Run(name, func(t *testing.T) {
			// The hooks panic only for the host "panic.example".
			good := &Config{Certificates: []Certificate{cert}}
			bad := &Config{Certificates: []Certificate{cert}}
			set(bad)
			sc := &Config{GetConfigForClient: func(chi *ClientHelloInfo) (*Config, error) {
				if chi.ServerName == "panic.example" {
					if name == "GetConfigForClient" {
						return bad.GetConfigForClient(chi)
					}
					return bad, nil
				}
				return good, nil
			}}
			l, err := Listen("tcp", "127.0.0.1:0", sc)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					go func() {
						defer c.Close()
						if c.(*Conn).Handshake() == nil {
							c.Write([]byte("ok"))
						}
					}()
				}
			}()
			dial := func(host string) error {
				tc := &tls.Config{RootCAs: pool, ServerName: host, InsecureSkipVerify: host == "panic.example",
					Certificates: []tls.Certificate{{Certificate: client.DER, PrivateKey: client.Key}}}
				c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", l.Addr().String(), tc)
				if err != nil {
					return err
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				buf := make([]byte, 2)
				_, err = c.Read(buf)
				return err
			}
			for range 2 {
				if err := dial("panic.example"); err == nil || !strings.Contains(err.Error(), "internal error") {
					t.Fatalf("panicking hook: client sees %v, want internal_error", err)
				}
				if err := dial("localhost"); err != nil {
					t.Fatalf("after a panic: %v", err)
				}
			}
		})
	}
}

// TestHookPanicError: the error of a connection whose hook panicked is
// internal_error and names the hook.
func TestHookPanicError(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	cc := &Config{RootCAs: pool, ServerName: "localhost",
		VerifyConnection: func(ConnectionState) error { panic("boom") }}
	_, _, cerr, serr := runPair(t, cc, &Config{Certificates: []Certificate{cert}})
	wantAlerts(t, cerr, serr, alert.InternalError)
	if !strings.Contains(cerr.Error(), "VerifyConnection panicked: boom") {
		t.Errorf("error %v does not name the hook", cerr)
	}
}

// TestSupportsCertificate: the hello and request infos say which
// certificates can serve.
func TestSupportsCertificate(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	issue := func(kt pki.KeyType, hosts ...string) *Certificate {
		is, err := ca.Issue(pki.IssueOptions{Hosts: hosts, KeyType: kt})
		if err != nil {
			t.Fatal(err)
		}
		return &Certificate{Certificate: is.DER, PrivateKey: is.Key}
	}
	a, b := issue(pki.ECDSAP256, "a.example"), issue(pki.ECDSAP256, "b.example")
	aRSA := issue(pki.RSA2048, "a.example")
	client := pki.TestClient(pki.ECDSAP256)
	clientCert := &Certificate{Certificate: client.DER, PrivateKey: client.Key}
	var helloErrs [3]error
	var requestErrs [2]error
	foreign := pki.TestClient(pki.Ed25519) // from another CA
	foreignCert := &Certificate{Certificate: foreign.DER, PrivateKey: foreign.Key}
	sc := &Config{ClientAuth: VerifyClientCertIfGiven, ClientCAs: ca.Pool(),
		GetCertificate: func(chi *ClientHelloInfo) (*Certificate, error) {
			helloErrs = [3]error{chi.SupportsCertificate(a), chi.SupportsCertificate(b), chi.SupportsCertificate(aRSA)}
			return a, nil
		}}
	cc := &Config{RootCAs: ca.Pool(), ServerName: "a.example", SignatureSchemes: []SignatureScheme{ECDSAWithP256AndSHA256},
		GetClientCertificate: func(cri *CertificateRequestInfo) (*Certificate, error) {
			requestErrs = [2]error{cri.SupportsCertificate(clientCert), cri.SupportsCertificate(foreignCert)}
			return clientCert, nil
		}}
	if _, _, cerr, serr := runPair(t, cc, sc); cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	if helloErrs[0] != nil || helloErrs[1] == nil || helloErrs[2] == nil {
		t.Errorf("ClientHelloInfo.SupportsCertificate: right %v, wrong name %v, RSA to an ECDSA-only client %v", helloErrs[0], helloErrs[1], helloErrs[2])
	}
	if requestErrs[0] != nil || requestErrs[1] == nil {
		t.Errorf("CertificateRequestInfo.SupportsCertificate: the client's %v, another CA's %v", requestErrs[0], requestErrs[1])
	}
}

// TestVerifyHostname: a client checks the server's certificate for other
// names after the handshake.
func TestVerifyHostname(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	client, server, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost"}, &Config{Certificates: []Certificate{cert}})
	if cerr != nil || serr != nil {
		t.Fatal(cerr, serr)
	}
	if err := client.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	if err := client.VerifyHostname("other.invalid"); err == nil {
		t.Error("other.invalid verified")
	}
	if err := server.VerifyHostname("localhost"); err == nil {
		t.Error("VerifyHostname on a server succeeded")
	}
	if err := Client(nil, &Config{}).VerifyHostname("localhost"); err == nil {
		t.Error("VerifyHostname before the handshake succeeded")
	}
}

// TestCipherSuites: every suite listed has crypto/tls's name for it and
// is secure; none is insecure.
func TestCipherSuites(t *testing.T) {
	list := CipherSuites()
	if len(list) == 0 {
		t.Fatal("no suites")
	}
	for _, s := range list {
		if s.Name != CipherSuiteName(s.ID) || s.Name != tls.CipherSuiteName(s.ID) || s.Insecure || len(s.SupportedVersions) == 0 {
			t.Errorf("%+v: padlock names it %s, crypto/tls %s", s, CipherSuiteName(s.ID), tls.CipherSuiteName(s.ID))
		}
	}
	if n := len(InsecureCipherSuites()); n != 0 {
		t.Errorf("%d insecure suites", n)
	}
}
