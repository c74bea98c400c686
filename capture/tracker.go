package capture

import (
	"net/netip"
	"time"

	"github.com/google/gopacket/layers"
)

// segment is the part of one TCP packet that reassembly needs.
type segment struct {
	seq      uint32
	data     []byte
	t        time.Time
	syn, fin bool
	rst      bool
}

// flowKey names a connection by both endpoints, the smaller first, so
// that the two directions of a connection share it.
type flowKey struct{ a, b netip.AddrPort }

func keyOf(src, dst netip.AddrPort) flowKey {
	if src.Compare(dst) < 0 {
		return flowKey{src, dst}
	}
	return flowKey{dst, src}
}

// tracker sorts the TCP packets of a capture into connections.
type tracker struct {
	dec   *decoder
	open  map[flowKey]*Conn
	conns []*Conn
}

func newTracker(link layers.LinkType) *tracker {
	return &tracker{dec: newDecoder(link), open: make(map[flowKey]*Conn)}
}

// add files the TCP segment in frame, and reports whether frame held one.
func (t *tracker) add(frame []byte, ts time.Time) bool {
	src, dst, tcp, ok := t.dec.segment(frame)
	if !ok {
		return false
	}
	s := segment{seq: tcp.Seq, data: tcp.Payload, t: ts, syn: tcp.SYN, fin: tcp.FIN, rst: tcp.RST}
	k := keyOf(src, dst)
	c := t.open[k]
	if c == nil || c.reopened(src, s, tcp.ACK) {
		c = newConn(len(t.conns)+1, src, dst, ts)
		t.open[k] = c
		t.conns = append(t.conns, c)
	}
	c.add(src, s, tcp.ACK)
	return true
}

// finish reassembles every connection's streams and returns them in the
// order of their first packet.
func (t *tracker) finish() []*Conn {
	for _, c := range t.conns {
		c.finish()
	}
	return t.conns
}
