package capture

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// resumeWithEarlyData runs two padlock connections; the second resumes
// the first and sends testRequest as 0-RTT data when accept is set (the
// server's ticket allows it), after the handshake otherwise. It returns the second connection's writes and the
// key log.
func resumeWithEarlyData(t *testing.T, accept bool) ([]write, []byte) {
	t.Helper()
	ca, server := pki.TestChain(pki.ECDSAP256)
	var keylog bytes.Buffer
	cc := &padlock.Config{ServerName: "localhost", RootCAs: ca.Pool(), KeyLogWriter: &keylog,
		ClientSessionCache: padlock.NewLRUClientSessionCache(0), SendEarlyData: true}
	sc := &padlock.Config{Certificates: []padlock.Certificate{{Certificate: server.DER, PrivateKey: server.Key, Leaf: server.Cert}}}
	if accept {
		sc.MaxEarlyData = 1 << 14
	}
	var rec *recorder
	for range 2 {
		rec = &recorder{}
		a, b := tcpPair(t)
		cli := padlock.Client(&recordingConn{a, 0, rec}, cc)
		srv := padlock.Server(&recordingConn{b, 1, rec}, sc)
		done := make(chan error, 1)
		go func() {
			buf := make([]byte, len(testRequest))
			_, err := io.ReadFull(srv, buf)
			if err == nil {
				_, err = srv.Write([]byte(testResponse))
			}
			srv.Close()
			done <- err
		}()
		cli.WriteEarly([]byte(testRequest))
		if err := cli.Handshake(); err != nil {
			t.Fatal(err)
		}
		if !cli.ConnectionState().EarlyDataAccepted {
			if _, err := cli.Write([]byte(testRequest)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := io.ReadAll(cli); err != nil {
			t.Fatal(err)
		}
		cli.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	keep := keylog.Bytes()
	return rec.writes, keep
}

// TestEarlyData: 0-RTT data the server accepts is decrypted with the
// client's early traffic secret (its suite found by trying the offered
// ones); with a server whose tickets allow no early data, the resumed
// connection carries the request after the handshake, decrypted too.
func TestEarlyData(t *testing.T) {
	writes, keylog := resumeWithEarlyData(t, true)
	_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
	wantSteps(t, x, "ClientHello", "client early traffic keys", "application data", "ServerHello",
		"EncryptedExtensions", "Finished", "EndOfEarlyData", "client handshake keys", "Finished")
	wantDecrypted(t, x)

	writes, keylog = resumeWithEarlyData(t, false)
	_, x = explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
	wantDecrypted(t, x)
	if strings.Contains(names(x), "EndOfEarlyData") {
		t.Errorf("EndOfEarlyData after rejected early data: %s", names(x))
	}
}
