package padlock

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"padlock/internal/alert"
	"padlock/internal/record"
)

// TestRenegotiationFlood plays a TLS 1.2 peer that, once the handshake is
// done, asks padlock to renegotiate a thousand times: a server sending
// HelloRequests to a padlock client, a client sending ClientHellos to a
// padlock server, one message a record or as many as a record holds.
// Every refusal padlock writes is a record and a syscall, so an unbounded
// refusal turns a few bytes in into many more out. padlock must answer
// the first with a no_renegotiation warning (RFC 5746 section 4.2, RFC
// 5246 section 7.2.2) and end the connection at the second.
func TestRenegotiationFlood(t *testing.T) {
	const flood = 1000
	for _, tc := range []struct {
		name   string
		ut     role
		packed bool // as many messages a record as fit
	}{
		{"client/HelloRequest records", asClient, false},
		{"client/HelloRequests in one record", asClient, true},
		{"server/ClientHello records", asServer, false},
		{"server/ClientHellos in one record", asServer, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := helloRequest
			if tc.ut == asServer {
				msg = newClientHello(t, v12, nil, nil)
			}
			cc, sc := alertConfigs(t, v12)
			utConf, peerConf := cc, sc
			if tc.ut == asServer {
				utConf, peerConf = sc, cc
			}
			a, b := tcpPair(t)
			written := &lockedBuffer{}
			ut := newConn(recordingConn{a, written}, utConf, tc.ut == asClient)
			peer := newConn(b, peerConf, tc.ut == asServer)
			errc := make(chan error, 1)
			go func() { errc <- peer.Handshake() }()
			if err := ut.Handshake(); err != nil {
				t.Fatal(err)
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			afterHandshake := written.Len()

			// The peer floods, then sends data and closes; it drains
			// what padlock answers so that no write of padlock's
			// blocks on a full socket.
			go io.Copy(io.Discard, b)
			go func() {
				defer peer.CloseWrite()
				peer.out.Lock()
				defer peer.out.Unlock()
				if tc.packed {
					per := (1 << 14) / len(msg)
					for sent := 0; sent < flood; sent += per {
						if _, err := peer.out.w.WriteRecord(record.Handshake, bytes.Repeat(msg, min(per, flood-sent))); err != nil {
							return
						}
					}
				} else {
					for range flood {
						if _, err := peer.out.w.WriteRecord(record.Handshake, msg); err != nil {
							return
						}
					}
				}
				peer.out.w.WriteRecord(record.ApplicationData, []byte("ping"))
			}()

			got, err := io.ReadAll(ut)
			ut.Close()
			out := written.Bytes()[afterHandshake:]
			recs := countRecords(out)
			t.Logf("padlock %s read %q, ended with %v; wrote %d records, %d bytes after the handshake",
				tc.ut, got, err, recs, len(out))
			var ae *AlertError
			if !errors.As(err, &ae) || ae.Remote || ae.Description != alert.NoRenegotiation {
				t.Errorf("padlock ended with %v, want to send no_renegotiation", err)
			}
			// A warning, a fatal alert; Close adds nothing after a
			// fatal alert.
			if recs > 2 {
				t.Errorf("padlock answered %d renegotiation requests with %d records (%d bytes); want at most 2",
					flood, recs, len(out))
			}
		})
	}
}

// countRecords counts the records in b by their headers.
func countRecords(b []byte) int {
	n := 0
	for len(b) >= record.HeaderLen {
		l := int(b[3])<<8 | int(b[4])
		b = b[min(len(b), record.HeaderLen+l):]
		n++
	}
	return n
}
