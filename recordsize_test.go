package padlock

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"padlock/internal/pki"
)

// maxRecordLen splits a TLS byte stream into records and returns the
// largest length of an application_data record: every protected TLS 1.3
// record, and TLS 1.2's application data.
func maxRecordLen(stream []byte) int {
	largest := 0
	for len(stream) >= 5 {
		n := int(stream[3])<<8 | int(stream[4])
		if stream[0] == 23 { // application_data: every TLS 1.3 protected record, TLS 1.2 data
			largest = max(largest, n)
		}
		stream = stream[min(len(stream), 5+n):]
	}
	return largest
}

// TestRecordSizeLimit: padlock with padlock, each side announcing a
// small record_size_limit (RFC 8449), sends no protected record over the
// other's limit, in either version, while moving data larger than both.
func TestRecordSizeLimit(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, vers := range []uint16{VersionTLS13, VersionTLS12} {
		for _, lim := range [][2]uint16{{64, 300}, {1000, 100}} {
			clientLim, serverLim := lim[0], lim[1]
			t.Run(fmt.Sprintf("%s/client %d/server %d", VersionName(vers), clientLim, serverLim), func(t *testing.T) {
				cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: vers, RecordSizeLimit: clientLim}
				sc := &Config{Certificates: []Certificate{cert}, MaxVersion: vers, RecordSizeLimit: serverLim,
					CipherSuites: []uint16{TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
				a, b := tcpPair(t)
				var fromClient, fromServer lockedBuffer
				client := Client(recordingConn{a, &fromClient}, cc)
				server := Server(recordingConn{b, &fromServer}, sc)
				msg := bytes.Repeat([]byte("padlock "), 700)
				errc := make(chan error, 1)
				go func() {
					buf := make([]byte, len(msg))
					if _, err := io.ReadFull(server, buf); err != nil {
						errc <- err
						return
					}
					_, err := server.Write(buf)
					errc <- err
				}()
				if _, err := client.Write(msg); err != nil {
					t.Fatal(err)
				}
				got := make([]byte, len(msg))
				if _, err := io.ReadFull(client, got); err != nil || !bytes.Equal(got, msg) {
					t.Fatalf("echo: %v", err)
				}
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				client.Close()
				server.Close()
				t.Logf("largest records: client %d, server %d", maxRecordLen(fromClient.Bytes()), maxRecordLen(fromServer.Bytes()))
				// The AEAD's tag, and TLS 1.2's explicit nonce, come on top.
				expansion := 16
				if vers == VersionTLS12 {
					expansion += 8
				}
				if n := maxRecordLen(fromClient.Bytes()); n > int(serverLim)+expansion || n == 0 {
					t.Errorf("client sent a %d-byte record; the server's limit is %d", n, serverLim)
				}
				if n := maxRecordLen(fromServer.Bytes()); n > int(clientLim)+expansion || n == 0 {
					t.Errorf("server sent a %d-byte record; the client's limit is %d", n, clientLim)
				}
			})
		}
	}
}
