package padlock

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
	"padlock/trace"
)

// Saved client sessions: a session encoded by one client and parsed into
// the fresh cache of another, as a command line tool or a restarted
// process would, resumes as the original would, and is checked as any
// other session is before it is offered.

// saveSession returns the encoded session the client cached for
// localhost.
func saveSession(t *testing.T, cc *Config) []byte {
	t.Helper()
	blob, err := cached(t, cc).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

// restoredClient returns a new client config, sharing nothing with the
// one that saved blob but its trust, with blob parsed into a new cache;
// it fails the test if blob does not parse.
func restoredClient(t *testing.T, vers uint16, roots *x509.CertPool, clock *time.Time, blob []byte) *Config {
	t.Helper()
	s, err := ParseClientSessionState(blob)
	if err != nil {
		t.Fatal(err)
	}
	cc := &Config{RootCAs: roots, ServerName: "localhost", MaxVersion: vers,
		Time: func() time.Time { return *clock }, ClientSessionCache: NewLRUClientSessionCache(4)}
	cc.ClientSessionCache.Put("localhost", s)
	return cc
}

func TestClientSessionBytesRoundTrip(t *testing.T) {
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			clock := time.Now()
			cc, sc := clientAuthConfigs(t, vers, nil, &clock)
			connectAndRead(t, cc, sc)
			blob := saveSession(t, cc)
			s, err := ParseClientSessionState(blob)
			if err != nil {
				t.Fatal(err)
			}
			again, err := s.Bytes()
			if err != nil || !bytes.Equal(again, blob) {
				t.Fatalf("round trip changed the session (%v)", err)
			}
			orig := cached(t, cc)
			if s.version != vers || s.suite != orig.suite || !bytes.Equal(s.secret, orig.secret) ||
				!bytes.Equal(s.ticket, orig.ticket) || !s.verified || len(s.peerCertificates) != len(orig.peerCertificates) ||
				s.peerScheme != orig.peerScheme || s.lifetime != orig.lifetime || s.ems != orig.ems {
				t.Fatalf("parsed %+v, saved %+v", s, orig)
			}
		})
	}
}

// TestSavedSessionResumes: a restored session resumes with padlock's
// server and with crypto/tls's.
func TestSavedSessionResumes(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers)+"/padlock", func(t *testing.T) {
			clock := time.Now()
			cc, sc := clientAuthConfigs(t, vers, nil, &clock)
			connectAndRead(t, cc, sc)
			clock = clock.Add(time.Minute)
			cc2 := restoredClient(t, vers, cc.RootCAs, &clock, saveSession(t, cc))
			client, server := connectAndRead(t, cc2, sc)
			st := client.ConnectionState()
			if !st.DidResume || !server.ConnectionState().DidResume {
				t.Fatal("restored session not resumed")
			}
			if len(st.PeerCertificates) == 0 || len(st.VerifiedChains) == 0 {
				t.Fatalf("resumed with %d certificates, %d verified chains", len(st.PeerCertificates), len(st.VerifiedChains))
			}
		})
		t.Run(VersionName(vers)+"/crypto-tls", func(t *testing.T) {
			tc := &tls.Config{Certificates: []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}, MaxVersion: vers}
			clock := time.Now()
			cc := &Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: vers,
				Time: func() time.Time { return clock }, ClientSessionCache: NewLRUClientSessionCache(4)}
			if _, err := cryptoTLSServer(t, tc, cc); err != nil {
				t.Fatal(err)
			}
			cc2 := restoredClient(t, vers, ca.Pool(), &clock, saveSession(t, cc))
			client, err := cryptoTLSServer(t, tc, cc2)
			if err != nil {
				t.Fatal(err)
			}
			if !client.ConnectionState().DidResume {
				t.Fatal("crypto/tls did not resume the restored session")
			}
		})
	}
}

// TestSavedSessionFailsClosed: a damaged blob does not parse, and a
// session the server cannot resume or the client no longer trusts ends
// in a full handshake.
func TestSavedSessionFailsClosed(t *testing.T) {
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			clock := time.Now()
			cc, sc := clientAuthConfigs(t, vers, nil, &clock)
			connectAndRead(t, cc, sc)
			blob := saveSession(t, cc)
			for i := range blob {
				bad := bytes.Clone(blob)
				bad[i] ^= 0x10
				if _, err := ParseClientSessionState(bad); err == nil {
					t.Fatalf("blob with byte %d changed parsed", i)
				}
			}
			for n := range len(blob) {
				if _, err := ParseClientSessionState(blob[:n]); err == nil {
					t.Fatalf("blob truncated to %d bytes parsed", n)
				}
			}
			if _, err := ParseClientSessionState(append(bytes.Clone(blob), 0)); err == nil {
				t.Fatal("blob with a trailing byte parsed")
			}

			t.Run("another server's", func(t *testing.T) {
				_, other := clientAuthConfigs(t, vers, nil, &clock)
				cc2 := restoredClient(t, vers, cc.RootCAs, &clock, blob)
				client, server, cerr, serr := runPair(t, cc2, other)
				wantNotResumed(t, client, server, cerr, serr, 0)
			})
			t.Run("server no longer trusted", func(t *testing.T) {
				// The client now trusts another CA only, which issued
				// the server it talks to: the stored chain is not.
				cert2, pool2 := testCert(t, pki.Ed25519)
				sc2 := &Config{Certificates: []Certificate{cert2}, MaxVersion: vers, Time: sc.Time}
				sc2.TicketKeys = sc.ticketKeys() // a server that could resume it
				var rec trace.Recorder
				cc2 := restoredClient(t, vers, pool2, &clock, blob)
				cc2.Trace = rec.Trace
				client, server, cerr, serr := runPair(t, cc2, sc2)
				wantNotResumed(t, client, server, cerr, serr, 0)
				if !hasEvent(rec.Events(), "session not offered") {
					t.Fatal("the client did not say it dropped the session")
				}
			})
			t.Run("claims verification", func(t *testing.T) {
				// A session made without verifying the server, edited to
				// say it was verified, is verified now, and fails.
				mitmCert, _ := testCert(t, pki.Ed25519)
				mitm := &Config{Certificates: []Certificate{mitmCert}, MaxVersion: vers, Time: sc.Time}
				insecure, _ := clientAuthConfigs(t, vers, nil, &clock)
				insecure.InsecureSkipVerify = true
				connectAndRead(t, insecure, mitm)
				s, ok := insecure.ClientSessionCache.Get("localhost (unverified)")
				if !ok || s.verified {
					t.Fatalf("insecure session %v, verified %v", ok, ok && s.verified)
				}
				edited := *s
				edited.verified = true
				forged, err := edited.Bytes()
				if err != nil {
					t.Fatal(err)
				}
				cc2 := restoredClient(t, vers, cc.RootCAs, &clock, forged)
				client, _, cerr, _ := runPair(t, cc2, mitm)
				if client.ConnectionState().DidResume {
					t.Fatal("resumed a session that only claimed its server was verified")
				}
				wantAlert(t, cerr, alert.UnknownCA)
			})
		})
	}
}

// hasEvent reports whether events has one named name.
func hasEvent(events []trace.Event, name string) bool {
	for _, e := range events {
		if e.Name == name {
			return true
		}
	}
	return false
}

func FuzzParseClientSessionState(f *testing.F) {
	cert, _ := testCert(f, pki.ECDSAP256)
	for _, s := range []*ClientSessionState{
		{version: VersionTLS13, suite: 0x1301, ticket: []byte{1}, secret: make([]byte, 32), lifetime: time.Hour,
			received: time.UnixMilli(1), verified: true, peerCertificates: []*x509.Certificate{cert.Leaf}},
		{version: VersionTLS12, suite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, sessionID: []byte{2}, secret: make([]byte, 48),
			lifetime: time.Hour, ems: true, alpn: "h2"},
	} {
		blob, err := s.Bytes()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseClientSessionState(data)
		if err != nil {
			return
		}
		again, err := s.Bytes()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("re-encoding differs (%v)", err)
		}
	})
}
