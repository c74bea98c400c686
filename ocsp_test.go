package padlock

import (
	"crypto/tls"
	"testing"

	"padlock/internal/pki"
)

// TestOCSPStapling round-trips a stapled OCSP response in both versions,
// padlock against crypto/tls in both roles: in the TLS 1.3 Certificate
// entry, and in the TLS 1.2 CertificateStatus message.
func TestOCSPStapling(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	staple := []byte("a stapled OCSP response")
	for _, v := range []uint16{VersionTLS13, VersionTLS12} {
		t.Run(VersionName(v)+"/padlock server", func(t *testing.T) {
			x, y := tcpPair(t)
			cert := Certificate{Certificate: is.DER, PrivateKey: is.Key, OCSPStaple: staple}
			done := make(chan error, 1)
			go func() { done <- Server(y, &Config{Certificates: []Certificate{cert}, MaxVersion: v}).Handshake() }()
			client := tls.Client(x, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
			if err := client.Handshake(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := client.ConnectionState().OCSPResponse; string(got) != string(staple) {
				t.Errorf("crypto/tls client got OCSP response %q", got)
			}
		})
		t.Run(VersionName(v)+"/padlock client", func(t *testing.T) {
			x, y := tcpPair(t)
			cert := tls.Certificate{Certificate: is.DER, PrivateKey: is.Key, OCSPStaple: staple}
			server := tls.Server(y, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: v})
			go server.Handshake()
			client := Client(x, &Config{RootCAs: ca.Pool(), ServerName: "localhost"})
			if err := client.Handshake(); err != nil {
				t.Fatal(err)
			}
			if got := client.ConnectionState().OCSPResponse; string(got) != string(staple) {
				t.Errorf("padlock client got OCSP response %q", got)
			}
		})
	}
}
