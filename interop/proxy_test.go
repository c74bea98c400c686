package interop

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// recordHeaderLen is the size of a TLS record header: type, legacy
// version, length (RFC 8446 section 5.1).
const recordHeaderLen = 5

// Record content types (RFC 8446 section 5.1). Once TLS 1.3 encrypts,
// every record says application_data outside.
const (
	typeChangeCipherSpec = 20
	typeHandshake        = 22
	typeApplicationData  = 23
)

// mangler rewrites the records flowing one way through a proxy. It gets
// each whole record (header included) and its index in that direction,
// and returns what to forward: the record, a changed copy, or nil to
// drop it.
type mangler func(i int, rec []byte) []byte

// proxy relays TLS records between a client and a server, parsing record
// headers so that a mangler sees whole records.
type proxy struct {
	acted atomic.Int32 // how many records a mangler changed or dropped
	wg    sync.WaitGroup
}

// proxiedPair returns a client and a server socket joined through a
// proxy that applies toServer and toClient (either may be nil).
func proxiedPair(t *testing.T, toServer, toClient mangler) (client, server net.Conn, p *proxy) {
	t.Helper()
	client, front := tcpPair(t)
	back, server := tcpPair(t)
	p = new(proxy)
	p.wg.Add(2)
	go p.relay(back, front, toServer)
	go p.relay(front, back, toClient)
	t.Cleanup(func() {
		front.Close()
		back.Close()
		p.wg.Wait()
	})
	return client, server, p
}

// relay copies records from src to dst through m until src ends, then
// passes the end on (a FIN, as a half-close).
func (p *proxy) relay(dst, src net.Conn, m mangler) {
	defer p.wg.Done()
	defer func() {
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
	}()
	for i := 0; ; i++ {
		rec := make([]byte, recordHeaderLen, recordHeaderLen+512)
		if _, err := io.ReadFull(src, rec); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(rec[3:]))
		rec = append(rec, make([]byte, n)...)
		if _, err := io.ReadFull(src, rec[recordHeaderLen:]); err != nil {
			return
		}
		out := rec
		if m != nil {
			cp := append([]byte(nil), rec...)
			if out = m(i, cp); out == nil || string(out) != string(rec) {
				p.acted.Add(1)
			}
		}
		if out != nil {
			if _, err := dst.Write(out); err != nil {
				return
			}
		}
	}
}

// flipNth flips one bit of the payload byte at offset at (negative counts
// from the end) of the nth record (0-based) of content type typ.
func flipNth(typ byte, nth, at int) mangler {
	seen := 0
	return func(_ int, rec []byte) []byte {
		payload := rec[recordHeaderLen:]
		if rec[0] != typ || len(payload) == 0 {
			return rec
		}
		seen++
		if seen-1 != nth {
			return rec
		}
		if at < 0 {
			at += len(payload)
		}
		payload[min(max(at, 0), len(payload)-1)] ^= 0x80
		return rec
	}
}

// armed passes records through untouched until arm is set, then hands
// f each record with its index counted from the arming. A test arms it
// once the handshake, and anything the peer sends after it, has gone
// through: in TLS 1.3 every encrypted record is of type
// application_data, so the type cannot tell handshake messages, tickets,
// data and alerts apart.
func armed(arm *atomic.Bool, f mangler) mangler {
	n := 0
	return func(_ int, rec []byte) []byte {
		if !arm.Load() {
			return rec
		}
		n++
		return f(n-1, rec)
	}
}

// flipFirst flips one bit in the middle of the payload of the first
// record it is given.
func flipFirst(i int, rec []byte) []byte {
	if i == 0 {
		rec[recordHeaderLen+(len(rec)-recordHeaderLen)/2] ^= 0x80
	}
	return rec
}

// keepFirst forwards the first record it is given and drops the rest.
func keepFirst(i int, rec []byte) []byte {
	if i == 0 {
		return rec
	}
	return nil
}

// requireActed fails the test if the proxy never touched a record: the
// failure being tested would then not have been caused by the tampering.
func (p *proxy) requireActed(t *testing.T) {
	t.Helper()
	if p.acted.Load() == 0 {
		t.Error("the proxy never found the record to tamper with")
	}
}
