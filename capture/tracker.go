package capture

import (
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// segment is the part of one TCP packet that reassembly needs.
type segment struct {
	seq      uint32
	data     []byte
	t        time.Time
	syn, fin bool
	rst      bool
	packet   int // the packet's number in the file, from 1
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
	open  map[flowKey]*Conn
	conns []*Conn
}

func newTracker() *tracker { return &tracker{open: make(map[flowKey]*Conn)} }

// add files the TCP segment in p, and reports whether p held one.
func (t *tracker) add(p gopacket.Packet, n int, ts time.Time) bool {
	src, dst, tcp, ok := tcpOf(p)
	if !ok {
		return false
	}
	s := segment{seq: tcp.Seq, data: tcp.Payload, t: ts, syn: tcp.SYN, fin: tcp.FIN, rst: tcp.RST, packet: n}
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

// tcpOf returns the endpoints and the TCP layer of p.
func tcpOf(p gopacket.Packet) (src, dst netip.AddrPort, tcp *layers.TCP, ok bool) {
	tcp, ok = p.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if !ok {
		return src, dst, nil, false
	}
	var sa, da netip.Addr
	switch ip := p.NetworkLayer().(type) {
	case *layers.IPv4:
		sa, _ = netip.AddrFromSlice(ip.SrcIP.To4())
		da, _ = netip.AddrFromSlice(ip.DstIP.To4())
	case *layers.IPv6:
		sa, _ = netip.AddrFromSlice(ip.SrcIP)
		da, _ = netip.AddrFromSlice(ip.DstIP)
	default:
		return src, dst, nil, false
	}
	return netip.AddrPortFrom(sa, uint16(tcp.SrcPort)), netip.AddrPortFrom(da, uint16(tcp.DstPort)), tcp, true
}

// finish reassembles every connection's streams and returns them in the
// order of their first packet.
func (t *tracker) finish() []*Conn {
	for _, c := range t.conns {
		c.finish()
	}
	return t.conns
}
