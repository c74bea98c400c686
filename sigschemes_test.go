package padlock

import (
	"testing"
	"time"

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
			if cs.SignatureScheme != PSSWithSHA512 || ss.SignatureScheme != PSSWithSHA512 || cs.PeerSignatureScheme != PSSWithSHA512 {
				t.Errorf("server signed with %v (client saw %v, peer %v), want %v",
					ss.SignatureScheme, cs.SignatureScheme, cs.PeerSignatureScheme, PSSWithSHA512)
			}
			if ss.PeerSignatureScheme != ECDSAWithP256AndSHA256 {
				t.Errorf("client signed with %v, want %v", ss.PeerSignatureScheme, ECDSAWithP256AndSHA256)
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

// TestPeerSignatureSchemeResumed: PeerSignatureScheme says how the peer
// proved its key, on both sides, and a resumed session still says it,
// from the ticket or the client's cache, as it still reports the peer's
// certificates; SignatureScheme is 0 on a resumption, which signs
// nothing.
func TestPeerSignatureSchemeResumed(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP384)
	ecClient := pki.TestClient(pki.ECDSAP256)
	clientCert := Certificate{Certificate: ecClient.DER, PrivateKey: ecClient.Key}
	now := time.Now()
	clock := func() time.Time { return now }
	for _, vers := range []uint16{VersionTLS12, VersionTLS13} {
		// TLS 1.2 lets a P-384 key sign with SHA-256 (RFC 8422 section
		// 5.10), padlock's first choice; TLS 1.3 binds curve and hash.
		serverScheme := ECDSAWithP256AndSHA256
		if vers == VersionTLS13 {
			serverScheme = ECDSAWithP384AndSHA384
		}
		t.Run(VersionName(vers), func(t *testing.T) {
			cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4),
				Certificates: []Certificate{clientCert}, Time: clock, MaxVersion: vers}
			sc := &Config{Certificates: []Certificate{cert}, ClientAuth: RequireAnyClientCert, Time: clock}
			for i, resumed := range []bool{false, true} {
				client, server := connectAndRead(t, cc, sc)
				cs, ss := client.ConnectionState(), server.ConnectionState()
				if cs.DidResume != resumed || ss.DidResume != resumed {
					t.Fatalf("connection %d: resumed %v/%v, want %v", i, cs.DidResume, ss.DidResume, resumed)
				}
				if cs.PeerSignatureScheme != serverScheme {
					t.Errorf("connection %d: client reports the server's scheme as %v, want %v", i, cs.PeerSignatureScheme, serverScheme)
				}
				if ss.PeerSignatureScheme != ECDSAWithP256AndSHA256 {
					t.Errorf("connection %d: server reports the client's scheme as %v, want %v", i, ss.PeerSignatureScheme, ECDSAWithP256AndSHA256)
				}
				if want := map[bool]SignatureScheme{false: serverScheme}[resumed]; cs.SignatureScheme != want || ss.SignatureScheme != want {
					t.Errorf("connection %d: SignatureScheme %v/%v, want %v", i, cs.SignatureScheme, ss.SignatureScheme, want)
				}
			}
		})
	}
}
