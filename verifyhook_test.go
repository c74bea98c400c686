package padlock

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
)

// TestVerifyPeerCertificate: the application's check runs after
// padlock's own, in both roles and versions, its refusal is
// bad_certificate (as in crypto/tls), and it runs again before a session resumes.
func TestVerifyPeerCertificate(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	client := pki.TestClient(pki.ECDSAP256)
	refuse := errors.New("not this one")
	for _, vers := range resumeVersions {
		for _, server := range []bool{false, true} {
			name := VersionName(vers) + map[bool]string{false: "/client checks", true: "/server checks"}[server]
			t.Run(name, func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, client, &clock)
				sc.ClientAuth, sc.ClientCAs = RequireAndVerifyClientCert, ca.Pool()
				checker := cc
				if server {
					checker = sc
				}
				calls, fail := 0, false
				checker.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
					calls++
					if len(raw) == 0 || len(chains) == 0 {
						t.Errorf("called with %d certificates, %d verified chains", len(raw), len(chains))
					}
					if fail {
						return refuse
					}
					return nil
				}
				connectAndRead(t, cc, sc)
				if calls != 1 {
					t.Fatalf("full handshake: called %d times", calls)
				}
				c, _ := connectAndRead(t, cc, sc)
				if !c.ConnectionState().DidResume || calls != 2 {
					t.Fatalf("resumption: resumed %v, called %d times", c.ConnectionState().DidResume, calls)
				}
				// Refused: the session does not resume, and the full
				// handshake that follows fails with bad_certificate.
				fail = true
				_, _, cerr, serr := runPair(t, cc, sc)
				local := cerr
				if server {
					local = serr
				}
				var ae *AlertError
				if !errors.As(local, &ae) || ae.Description != alert.BadCertificate || !errors.Is(local, refuse) {
					t.Fatalf("error %v, want bad_certificate wrapping the application's", local)
				}
			})
		}
	}
}
