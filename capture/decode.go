package capture

import (
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// decoder finds the TCP segment in a frame. It decodes only the layers
// on the way to TCP (link, VLAN, IP), with gopacket's DecodingLayer
// parsers, and never the TCP payload: that is the TLS padlock reads.
type decoder struct {
	link    layers.LinkType
	eth     layers.Ethernet
	vlan    layers.Dot1Q
	lo      layers.Loopback
	sll     layers.LinuxSLL
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
}

func newDecoder(link layers.LinkType) *decoder {
	d := &decoder{link: link, parsers: make(map[gopacket.LayerType]*gopacket.DecodingLayerParser)}
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first, &d.eth, &d.vlan, &d.lo, &d.ip4, &d.ip6, &d.tcp)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return d
}

// first returns where the IP packet starts in frame, and the layer to
// decode it as.
func (d *decoder) first(frame []byte) ([]byte, gopacket.LayerType, bool) {
	switch d.link {
	case layers.LinkTypeEthernet:
		return frame, layers.LayerTypeEthernet, true
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return frame, layers.LayerTypeLoopback, true
	case layers.LinkTypeLinuxSLL:
		if d.sll.DecodeFromBytes(frame, gopacket.NilDecodeFeedback) != nil {
			return nil, 0, false
		}
		return ipByEtherType(d.sll.Payload, d.sll.EthernetType)
	case layers.LinkTypeIPv4:
		return frame, layers.LayerTypeIPv4, true
	case layers.LinkTypeIPv6:
		return frame, layers.LayerTypeIPv6, true
	case layers.LinkTypeRaw:
		if len(frame) > 0 && frame[0]>>4 == 6 {
			return frame, layers.LayerTypeIPv6, true
		}
		return frame, layers.LayerTypeIPv4, true
	}
	return nil, 0, false
}

func ipByEtherType(b []byte, t layers.EthernetType) ([]byte, gopacket.LayerType, bool) {
	switch t {
	case layers.EthernetTypeIPv4:
		return b, layers.LayerTypeIPv4, true
	case layers.EthernetTypeIPv6:
		return b, layers.LayerTypeIPv6, true
	}
	return nil, 0, false
}

// segment returns the endpoints and TCP layer of frame, which stay valid
// until the next call.
func (d *decoder) segment(frame []byte) (src, dst netip.AddrPort, tcp *layers.TCP, ok bool) {
	data, first, ok := d.first(frame)
	if !ok {
		return src, dst, nil, false
	}
	if err := d.parsers[first].DecodeLayers(data, &d.decoded); err != nil {
		return src, dst, nil, false
	}
	var sawTCP bool
	var sa, da netip.Addr
	for _, l := range d.decoded {
		switch l {
		case layers.LayerTypeIPv4:
			sa, _ = netip.AddrFromSlice(d.ip4.SrcIP.To4())
			da, _ = netip.AddrFromSlice(d.ip4.DstIP.To4())
		case layers.LayerTypeIPv6:
			sa, _ = netip.AddrFromSlice(d.ip6.SrcIP)
			da, _ = netip.AddrFromSlice(d.ip6.DstIP)
		case layers.LayerTypeTCP:
			sawTCP = true
		}
	}
	if !sawTCP || !sa.IsValid() || !da.IsValid() {
		return src, dst, nil, false
	}
	return netip.AddrPortFrom(sa, uint16(d.tcp.SrcPort)), netip.AddrPortFrom(da, uint16(d.tcp.DstPort)), &d.tcp, true
}
