package padlock

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"padlock/internal/pki"
)

// usageCert makes a self-signed leaf for key with the given key usage
// (0: no extension) and both extended key usages.
func usageCert(t *testing.T, key crypto.Signer, usage x509.KeyUsage) Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "key usage test"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     usage,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// tlsCert is c for crypto/tls.
func tlsCert(c Certificate) tls.Certificate {
	return tls.Certificate{Certificate: c.Certificate, PrivateKey: c.PrivateKey, Leaf: c.Leaf}
}

// TestPeerKeyUsage: a peer's leaf whose key usage extension forbids what
// the handshake does with its key is refused with unsupported_certificate,
// as BoringSSL does: signing (digitalSignature) in ECDHE and TLS 1.3 and
// for a client's CertificateVerify, encryption (keyEncipherment) in TLS
// 1.2 RSA key transport (RFC 5246 section 7.4.2, RFC 8446 section
// 4.4.2.2, RFC 5280 section 4.2.1.3). crypto/tls, which does not check,
// plays the peer. BoGo: ECDSAKeyUsage-*, RSAKeyUsage-*.
func TestPeerKeyUsage(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey := pki.TestClient(pki.RSA2048).Key.(*rsa.PrivateKey)
	ecdh := usageCert(t, ecKey, x509.KeyUsageKeyAgreement)
	rsaEnc := usageCert(t, rsaKey, x509.KeyUsageKeyEncipherment)
	rsaSig := usageCert(t, rsaKey, x509.KeyUsageDigitalSignature)
	rsaAny := usageCert(t, rsaKey, 0)

	// A padlock client against a crypto/tls server presenting cert.
	client := func(cert Certificate, vers uint16, suite uint16) error {
		a, b := tcpPair(t)
		c := Client(a, &Config{InsecureSkipVerify: true, MaxVersion: vers, CipherSuites: []uint16{TLS_AES_128_GCM_SHA256, suite}})
		sc := &tls.Config{Certificates: []tls.Certificate{tlsCert(cert)}, MaxVersion: vers}
		if suite != 0 {
			sc.CipherSuites = []uint16{suite} // RSA key transport is off by default
		}
		s := tls.Server(b, sc)
		errc := make(chan error, 1)
		go func() { errc <- s.Handshake() }()
		err := c.Handshake()
		a.Close()
		<-errc
		return err
	}
	for _, tc := range []struct {
		name  string
		cert  Certificate
		vers  uint16
		suite uint16
		ok    bool
	}{
		{"ECDH certificate, TLS 1.3", ecdh, VersionTLS13, 0, false},
		{"ECDH certificate, ECDHE_ECDSA", ecdh, VersionTLS12, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false},
		{"encipherment only, TLS 1.3", rsaEnc, VersionTLS13, 0, false},
		{"encipherment only, ECDHE_RSA", rsaEnc, VersionTLS12, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, false},
		{"encipherment only, RSA key transport", rsaEnc, VersionTLS12, TLS_RSA_WITH_AES_128_GCM_SHA256, true},
		{"signature only, RSA key transport", rsaSig, VersionTLS12, TLS_RSA_WITH_AES_128_GCM_SHA256, false},
		{"signature only, ECDHE_RSA", rsaSig, VersionTLS12, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true},
		{"no extension, RSA key transport", rsaAny, VersionTLS12, TLS_RSA_WITH_AES_128_GCM_SHA256, true},
		{"no extension, TLS 1.3", rsaAny, VersionTLS13, 0, true},
	} {
		t.Run("client/"+tc.name, func(t *testing.T) {
			err := client(tc.cert, tc.vers, tc.suite)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantAlert(t, err, AlertUnsupportedCert)
		})
	}

	// A padlock server asking crypto/tls for a client certificate.
	for _, vers := range []uint16{VersionTLS12, VersionTLS13} {
		for _, tc := range []struct {
			name string
			cert Certificate
			ok   bool
		}{{"ECDH certificate", ecdh, false}, {"encipherment only", rsaEnc, false}, {"signature only", rsaSig, true}} {
			t.Run("server/"+VersionName(vers)+"/"+tc.name, func(t *testing.T) {
				serverCert, pool := testCert(t, pki.ECDSAP256)
				a, b := tcpPair(t)
				c := tls.Client(a, &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers,
					Certificates: []tls.Certificate{tlsCert(tc.cert)}})
				s := Server(b, &Config{Certificates: []Certificate{serverCert}, ClientAuth: RequireAnyClientCert})
				errc := make(chan error, 1)
				go func() { errc <- c.Handshake(); a.Close() }()
				err := s.Handshake()
				b.Close()
				<-errc
				if tc.ok {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantAlert(t, err, AlertUnsupportedCert)
			})
		}
	}
}

// TestOwnKeyUsage: padlock does not present a certificate whose key
// usage forbids what the handshake would do with its key, which the
// peer would refuse: it picks another certificate, or fails with
// handshake_failure when it has none.
func TestOwnKeyUsage(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey := pki.TestClient(pki.RSA2048).Key.(*rsa.PrivateKey)
	ecdh := usageCert(t, ecKey, x509.KeyUsageKeyAgreement)
	rsaSig := usageCert(t, rsaKey, x509.KeyUsageDigitalSignature)
	cc := func(vers uint16, suites ...uint16) *Config {
		return &Config{InsecureSkipVerify: true, MaxVersion: vers, CipherSuites: suites}
	}
	t.Run("ECDH certificate alone", func(t *testing.T) {
		for _, vers := range []uint16{VersionTLS12, VersionTLS13} {
			_, _, _, serr := runPair(t, cc(vers), &Config{Certificates: []Certificate{ecdh}})
			wantAlert(t, serr, AlertHandshakeFailure)
		}
	})
	t.Run("ECDH certificate first", func(t *testing.T) {
		for _, vers := range []uint16{VersionTLS12, VersionTLS13} {
			client, _, cerr, serr := runPair(t, cc(vers), &Config{Certificates: []Certificate{ecdh, rsaSig}})
			if cerr != nil || serr != nil {
				t.Fatalf("%s: client %v, server %v", VersionName(vers), cerr, serr)
			}
			if _, ok := client.ConnectionState().PeerCertificates[0].PublicKey.(*rsa.PublicKey); !ok {
				t.Errorf("%s: the server presented the ECDH certificate", VersionName(vers))
			}
		}
	})
	t.Run("RSA key transport with a signing-only key", func(t *testing.T) {
		_, _, _, serr := runPair(t, cc(VersionTLS12, TLS_RSA_WITH_AES_128_GCM_SHA256),
			&Config{Certificates: []Certificate{rsaSig}, EnableRSAKeyExchange: true})
		wantAlert(t, serr, AlertHandshakeFailure)
	})
}
