package scan

import (
	"bytes"
	"testing"
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
