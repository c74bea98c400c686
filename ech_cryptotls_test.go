package padlock

import (
	"bytes"
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"padlock/internal/alert"
	"padlock/internal/pki"
)

// echPublicName is the public name of the test ECH keys: the test
// certificate is valid for it as well as for localhost, the inner name.
const echPublicName = "example.com"

func newTestECHKey(t testing.TB) *EncryptedClientHelloKey {
	t.Helper()
	k, err := NewECHKey(echPublicName)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// cryptoTLSECHServer returns a crypto/tls server config holding key.
func cryptoTLSECHServer(t testing.TB, key *EncryptedClientHelloKey) *tls.Config {
	cert, _ := testCert(t, pki.ECDSAP256)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: cert.Certificate, PrivateKey: cert.PrivateKey}},
		EncryptedClientHelloKeys: []tls.EncryptedClientHelloKey{
			{Config: key.Config, PrivateKey: key.PrivateKey, SendAsRetry: key.SendAsRetry}},
	}
}

// TestECHClientCryptoTLS: padlock's client against crypto/tls's ECH
// server, accepted, accepted after a HelloRetryRequest, and rejected with
// retry configs that then work.
func TestECHClientCryptoTLS(t *testing.T) {
	key := newTestECHKey(t)
	_, pool := testCert(t, pki.ECDSAP256)
	for _, tc := range []struct {
		name   string
		retry  bool
		groups []CurveID
	}{
		{name: "accepted"},
		{name: "accepted after HelloRetryRequest", retry: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := cryptoTLSECHServer(t, key)
			cc := &Config{RootCAs: pool, ServerName: "localhost", EncryptedClientHelloConfigList: ECHConfigList(*key)}
			if tc.retry {
				sc.CurvePreferences = []tls.CurveID{tls.CurveP256}
				cc.CurvePreferences = []CurveID{X25519, CurveP256}
			}
			a, b := tcpPair(t)
			srv := tls.Server(b, sc)
			errc := make(chan error, 1)
			go func() { errc <- srv.Handshake() }()
			c := Client(a, cc)
			if err := c.Handshake(); err != nil {
				t.Fatalf("padlock client: %v (server: %v)", err, <-errc)
			}
			if err := <-errc; err != nil {
				t.Fatalf("crypto/tls server: %v", err)
			}
			st, sst := c.ConnectionState(), srv.ConnectionState()
			if !st.ECHAccepted || !sst.ECHAccepted {
				t.Errorf("ECHAccepted: padlock %v, crypto/tls %v", st.ECHAccepted, sst.ECHAccepted)
			}
			if sst.ServerName != "localhost" || st.ServerName != "localhost" {
				t.Errorf("server name: crypto/tls saw %q, padlock %q", sst.ServerName, st.ServerName)
			}
			if tc.retry && sst.CurveID != tls.CurveP256 {
				t.Errorf("group %v, want a retry to P-256", sst.CurveID)
			}
		})
	}
	t.Run("rejected", func(t *testing.T) {
		other := newTestECHKey(t)
		sc := cryptoTLSECHServer(t, other)
		cc := &Config{RootCAs: pool, ServerName: "localhost", EncryptedClientHelloConfigList: ECHConfigList(*key)}
		a, b := tcpPair(t)
		errc := make(chan error, 1)
		go func() {
			srv := tls.Server(b, sc)
			if err := srv.Handshake(); err != nil {
				errc <- err
				return
			}
			_, err := srv.Read(make([]byte, 1))
			errc <- err
		}()
		err := Client(a, cc).Handshake()
		var rej *ECHRejectionError
		if !errors.As(err, &rej) {
			t.Fatalf("padlock client: %v, want an ECHRejectionError", err)
		}
		if !bytes.Equal(rej.RetryConfigList, ECHConfigList(*other)) {
			t.Errorf("retry configs %x, want the server's %x", rej.RetryConfigList, ECHConfigList(*other))
		}
		serr := <-errc
		if serr == nil || !strings.Contains(serr.Error(), "encrypted client hello required") {
			t.Errorf("crypto/tls server: %v, want the ech_required alert", serr)
		}
		// The retry configs work.
		cc.EncryptedClientHelloConfigList = rej.RetryConfigList
		a, b = tcpPair(t)
		go func() { errc <- tls.Server(b, sc).Handshake() }()
		c := Client(a, cc)
		if err := c.Handshake(); err != nil || !c.ConnectionState().ECHAccepted {
			t.Fatalf("retry: %v, accepted %v", err, c.ConnectionState().ECHAccepted)
		}
		<-errc
	})
}

// TestECHServerCryptoTLS: crypto/tls's ECH client against padlock's
// server, accepted, accepted after a HelloRetryRequest, and rejected
// with retry configs that crypto/tls then uses.
func TestECHServerCryptoTLS(t *testing.T) {
	key := newTestECHKey(t)
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, retry := range []bool{false, true} {
		t.Run(map[bool]string{false: "accepted", true: "accepted after HelloRetryRequest"}[retry], func(t *testing.T) {
			sc := &Config{Certificates: []Certificate{cert}, EncryptedClientHelloKeys: []EncryptedClientHelloKey{*key}}
			tc := &tls.Config{RootCAs: pool, ServerName: "localhost", EncryptedClientHelloConfigList: ECHConfigList(*key)}
			if retry {
				sc.CurvePreferences = []CurveID{CurveP256}
				tc.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}
			}
			a, b := tcpPair(t)
			s := Server(b, sc)
			errc := make(chan error, 1)
			go func() { errc <- s.Handshake() }()
			c := tls.Client(a, tc)
			if err := c.Handshake(); err != nil {
				t.Fatalf("crypto/tls client: %v (server: %v)", err, <-errc)
			}
			if err := <-errc; err != nil {
				t.Fatalf("padlock server: %v", err)
			}
			st := s.ConnectionState()
			if !st.ECHAccepted || !c.ConnectionState().ECHAccepted || st.ServerName != "localhost" {
				t.Errorf("padlock: accepted %v, name %q; crypto/tls: accepted %v", st.ECHAccepted, st.ServerName, c.ConnectionState().ECHAccepted)
			}
		})
	}
	t.Run("rejected", func(t *testing.T) {
		other := newTestECHKey(t)
		sc := &Config{Certificates: []Certificate{cert}, EncryptedClientHelloKeys: []EncryptedClientHelloKey{*other}}
		tc := &tls.Config{RootCAs: pool, ServerName: "localhost", EncryptedClientHelloConfigList: ECHConfigList(*key)}
		a, b := tcpPair(t)
		s := Server(b, sc)
		errc := make(chan error, 1)
		go func() {
			if err := s.Handshake(); err != nil {
				errc <- err
				return
			}
			_, err := s.Read(make([]byte, 1))
			errc <- err
		}()
		err := tls.Client(a, tc).Handshake()
		var rej *tls.ECHRejectionError
		if !errors.As(err, &rej) || !bytes.Equal(rej.RetryConfigList, ECHConfigList(*other)) {
			t.Fatalf("crypto/tls client: %v, want an ECHRejectionError with the server's configs", err)
		}
		wantAlert(t, <-errc, alert.ECHRequired)
		tc.EncryptedClientHelloConfigList = rej.RetryConfigList
		a, b = tcpPair(t)
		s = Server(b, sc)
		go func() { errc <- s.Handshake() }()
		if err := tls.Client(a, tc).Handshake(); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if err := <-errc; err != nil || !s.ConnectionState().ECHAccepted {
			t.Fatalf("retry: padlock server %v, accepted %v", err, s.ConnectionState().ECHAccepted)
		}
	})
}
