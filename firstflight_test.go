package padlock

import (
	"io"
	"net"
	"testing"
	"time"

	"padlock/internal/pki"
)

// TestTicketInFirstFlight: with no client certificate to wait for, the
// server's ticket goes with its Finished (RFC 8446 section 4.6.1), so over
// net.Pipe, where a write waits for the reader, the server's Handshake
// returns though the client only handshakes, and the ticket the client
// finds on its first read resumes; with client authentication the ticket
// still follows the client's Finished and resumes too.
func TestTicketInFirstFlight(t *testing.T) {
	for _, auth := range []ClientAuthType{NoClientCert, RequireAndVerifyClientCert} {
		t.Run(auth.String(), func(t *testing.T) {
			cert, pool := testCert(t, pki.ECDSAP256)
			client := pki.TestClient(pki.ECDSAP256)
			cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4), MinVersion: VersionTLS13}
			sc := &Config{Certificates: []Certificate{cert}, ClientAuth: auth}
			if auth != NoClientCert {
				cc.Certificates = []Certificate{{Certificate: client.DER, PrivateKey: client.Key, Leaf: client.Cert}}
				sc.ClientCAs = pool
			}
			for i, wantResumed := range []bool{false, true} {
				a, b := net.Pipe()
				cl, sv := Client(a, cc), Server(b, sc)
				serr := make(chan error, 1)
				go func() { serr <- sv.Handshake() }()
				if err := cl.Handshake(); err != nil {
					t.Fatalf("connection %d: client: %v", i, err)
				}
				if auth == NoClientCert {
					select {
					case err := <-serr:
						if err != nil {
							t.Fatalf("connection %d: server: %v", i, err)
						}
					case <-time.After(10 * time.Second):
						t.Fatalf("connection %d: server Handshake still waits on the client reading", i)
					}
				}
				if got := cl.ConnectionState().DidResume; got != wantResumed {
					t.Fatalf("connection %d: DidResume %v, want %v", i, got, wantResumed)
				}
				done := make(chan error, 1)
				go func() {
					// The ticket comes before the data: reading takes it in.
					buf := make([]byte, 1)
					_, err := io.ReadFull(cl, buf)
					done <- err
				}()
				if auth != NoClientCert {
					if err := <-serr; err != nil {
						t.Fatalf("connection %d: server: %v", i, err)
					}
				}
				if _, err := sv.Write([]byte("x")); err != nil {
					t.Fatal(err)
				}
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				a.Close()
				b.Close()
			}
		})
	}
}
