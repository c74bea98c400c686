package scan

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"padlock/internal/record"
	"padlock/internal/wire"
)

// FuzzReadFlight feeds readFlight, the parser of a server's first
// flight, arbitrary bytes: it must not panic, must read no more than
// maxFlight plus one record, and must end in an answer or an error.
func FuzzReadFlight(f *testing.F) {
	f.Add([]byte{22, 3, 3, 0, 4, 2, 0, 0, 0})
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Add([]byte{0x80, 0x10, 4, 0, 0})
	f.Add(records([]byte{2, 0, 0, 38, 3, 3}, 0x0303))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, stop := range []until{untilServerHello, untilHelloDone} {
			ans := &answer{}
			err := readFlight(bytes.NewReader(data), ans, stop)
			if len(ans.recv) > maxFlight+5+maxRecordBody {
				t.Fatalf("read %d bytes", len(ans.recv))
			}
			if err == nil && ans.hello == nil && ans.alert == nil && !ans.sslv2 {
				t.Fatal("no error and no answer")
			}
			ans.outcome()
			p := &ProbeBytes{Sent: data, Received: ans.recv}
			p.Events()
		}
	})
}

// FuzzClient12 feeds the probe client of the renegotiation probe a
// server's stream of arbitrary bytes: the handshake and the wait for
// the renegotiation's answer must end in an error or an answer, never a
// panic.
func FuzzClient12(f *testing.F) {
	sh := (&wire.ServerHello{Vers: versionTLS12, Random: make([]byte, 32), CipherSuite: 0xC02B, ExtendedMasterSecret: true}).Marshal()
	ske := (&wire.ServerKeyExchange{CurveType: 3, Group: 29, PublicKey: bytes.Repeat([]byte{9}, 32), Scheme: 0x0403, Signature: []byte{1}}).Marshal()
	flight := records(append(append(sh, ske...), (&wire.ServerHelloDone{}).Marshal()...), versionTLS12)
	f.Add(flight)
	f.Add(append(slices.Clone(flight), 20, 3, 3, 0, 1, 1, 22, 3, 3, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8))
	f.Add(append(slices.Clone(flight), 21, 3, 3, 0, 2, 2, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		conn := struct {
			io.Reader
			io.Writer
		}{bytes.NewReader(data), io.Discard}
		c := &client12{conn: conn, in: record.NewReader(conn), out: record.NewWriter(conn)}
		defer c.in.Release()
		if c.handshake() == nil {
			c.renegotiationAnswer()
		}
	})
}
