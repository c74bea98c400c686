package padlock

import (
	"testing"

	"padlock/internal/pki"
)

// TestCertificateSignatureSchemes: a certificate's own SignatureSchemes
// decide what its key signs with, in their order, while
// Config.SignatureSchemes still decide what is accepted from the peer.
// BoGo's -signing-prefs and -verify-prefs are the two lists.
func TestCertificateSignatureSchemes(t *testing.T) {
	rsaCert, rsaPool := testCert(t, pki.RSA2048)
	ecClient := pki.TestClient(pki.ECDSAP256)
	for _, vers := range []uint16{VersionTLS12, VersionTLS13} {
		t.Run(VersionName(vers), func(t *testing.T) {
			// The server's key signs only rsa_pss_rsae_sha512, its last
			// default choice; it accepts only ECDSA P-256 from clients.
			cert := rsaCert
			cert.SignatureSchemes = []SignatureScheme{PSSWithSHA512}
			sc := &Config{Certificates: []Certificate{cert}, MaxVersion: vers,
				ClientAuth: RequireAnyClientCert, SignatureSchemes: []SignatureScheme{ECDSAWithP256AndSHA256}}
			clientCert := Certificate{Certificate: ecClient.DER, PrivateKey: ecClient.Key}
			cc := &Config{RootCAs: rsaPool, ServerName: "localhost", Certificates: []Certificate{clientCert}}
			client, server, cerr, serr := runPair(t, cc, sc)
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			cs, ss := client.ConnectionState(), server.ConnectionState()
			if cs.SignatureScheme != PSSWithSHA512 || ss.SignatureScheme != PSSWithSHA512 {
				t.Errorf("server signed with %v (client saw %v), want %v", ss.SignatureScheme, cs.SignatureScheme, PSSWithSHA512)
			}
		})
	}
	t.Run("TLS 1.3 refuses a PKCS1-only key", func(t *testing.T) {
		// RFC 8446 section 4.2.3: RSASSA-PKCS1-v1_5 never signs a TLS 1.3
		// handshake, whatever the certificate allows.
		cert := rsaCert
		cert.SignatureSchemes = []SignatureScheme{PKCS1WithSHA256}
		_, _, _, serr := runPair(t, &Config{RootCAs: rsaPool, ServerName: "localhost"},
			&Config{Certificates: []Certificate{cert}})
		wantAlert(t, serr, AlertHandshakeFailure)
	})
	t.Run("TLS 1.2 signs PKCS1 when the key says so", func(t *testing.T) {
		cert := rsaCert
		cert.SignatureSchemes = []SignatureScheme{PKCS1WithSHA384}
		client, _, cerr, serr := runPair(t, &Config{RootCAs: rsaPool, ServerName: "localhost"},
			&Config{Certificates: []Certificate{cert}, MaxVersion: VersionTLS12})
		if cerr != nil || serr != nil {
			t.Fatalf("client: %v; server: %v", cerr, serr)
		}
		if s := client.ConnectionState().SignatureScheme; s != PKCS1WithSHA384 {
			t.Errorf("signature scheme %v, want %v", s, PKCS1WithSHA384)
		}
	})
	t.Run("SHA-1 is never signed", func(t *testing.T) {
		// RFC 9155: SHA-1 MUST NOT sign a TLS 1.2 handshake.
		cert := rsaCert
		cert.SignatureSchemes = []SignatureScheme{0x0201} // rsa_pkcs1_sha1
		_, _, _, serr := runPair(t, &Config{RootCAs: rsaPool, ServerName: "localhost"},
			&Config{Certificates: []Certificate{cert}, MaxVersion: VersionTLS12})
		wantAlert(t, serr, AlertHandshakeFailure)
	})
	t.Run("client certificate that cannot sign what the server asks", func(t *testing.T) {
		// RFC 8446 section 4.4.2: with no suitable certificate the
		// client sends an empty Certificate, as OpenSSL and crypto/tls
		// do; the server that requires one answers certificate_required.
		clientCert := Certificate{Certificate: ecClient.DER, PrivateKey: ecClient.Key,
			SignatureSchemes: []SignatureScheme{ECDSAWithP256AndSHA256}}
		cc := &Config{RootCAs: rsaPool, ServerName: "localhost", Certificates: []Certificate{clientCert}}
		sc := &Config{Certificates: []Certificate{rsaCert}, ClientAuth: RequireAnyClientCert,
			SignatureSchemes: []SignatureScheme{PSSWithSHA256, Ed25519}}
		_, _, _, serr := runPair(t, cc, sc)
		wantAlert(t, serr, AlertCertificateRequired)
	})
}

// TestOfferedSchemesNotEmpty: a Config whose SignatureSchemes leave no
// scheme padlock accepts in the version fails before sending an empty
// signature_algorithms, which RFC 8446 section 4.2.3 and RFC 5246 section
// 7.4.1.4.1 do not allow and a peer would answer with decode_error.
func TestOfferedSchemesNotEmpty(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	t.Run("client", func(t *testing.T) {
		cc := &Config{RootCAs: pool, ServerName: "localhost", MinVersion: VersionTLS13,
			SignatureSchemes: []SignatureScheme{PKCS1WithSHA256}}
		_, _, cerr, _ := runPair(t, cc, &Config{Certificates: []Certificate{cert}})
		wantAlert(t, cerr, AlertInternalError)
	})
	t.Run("server CertificateRequest", func(t *testing.T) {
		// The certificate signs with its own list; the Config's accepts
		// nothing a TLS 1.3 client could sign with.
		own := cert
		own.SignatureSchemes = []SignatureScheme{ECDSAWithP256AndSHA256}
		sc := &Config{Certificates: []Certificate{own}, ClientAuth: RequestClientCert,
			SignatureSchemes: []SignatureScheme{PKCS1WithSHA256}}
		_, _, _, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost"}, sc)
		wantAlert(t, serr, AlertInternalError)
	})
}
