package capture

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"padlock"
	"padlock/internal/pki"
)

// The request and response of the synthetic connections.
const (
	testRequest  = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
	testResponse = "HTTP/1.0 200 OK\r\n\r\nhello from the test server"
)

// write is what one side wrote to the connection, in order.
type write struct {
	from int // 0 the client, 1 the server
	data []byte
}

// recorder keeps the writes of both sides of a connection in order.
type recorder struct {
	mu     sync.Mutex
	writes []write
}

// tcpPair returns the two ends of a loopback TCP connection: unlike
// net.Pipe, each side's writes are buffered, as TLS expects (a client
// writes 0-RTT data while the server writes its flight).
func tcpPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// recordingConn keeps what one side writes.
type recordingConn struct {
	net.Conn
	from int
	r    *recorder
}

func (c *recordingConn) Write(b []byte) (int, error) {
	c.r.mu.Lock()
	c.r.writes = append(c.r.writes, write{c.from, append([]byte(nil), b...)})
	c.r.mu.Unlock()
	return c.Conn.Write(b)
}

// handshake runs a padlock client and server with version and suite (0:
// the defaults) over a pipe: the client sends testRequest, the server
// answers testResponse. It returns what each wrote and the key log.
func handshake(t testing.TB, version, suite uint16) ([]write, []byte) {
	t.Helper()
	return handshakeWith(t, func(cc, _ *padlock.Config) {
		cc.MaxVersion = version
		if suite != 0 {
			cc.CipherSuites = []uint16{suite}
		}
	})
}

// handshakeWith is handshake with configurations that configure changes.
func handshakeWith(t testing.TB, configure func(cc, sc *padlock.Config)) ([]write, []byte) {
	t.Helper()
	ca, server := pki.TestChain(pki.ECDSAP256)
	var keylog bytes.Buffer
	cc := &padlock.Config{ServerName: "localhost", RootCAs: ca.Pool(), KeyLogWriter: &keylog}
	sc := &padlock.Config{Certificates: []padlock.Certificate{{Certificate: server.DER, PrivateKey: server.Key, Leaf: server.Cert}}}
	configure(cc, sc)
	rec := &recorder{}
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
	if _, err := cli.Write([]byte(testRequest)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(cli)
	if err != nil || string(got) != testResponse {
		t.Fatalf("client read %q, %v", got, err)
	}
	cli.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return rec.writes, keylog.Bytes()
}

// packet is one TCP packet of a synthetic capture.
type packet struct {
	from            int
	seq, ack        uint32
	syn, fin, isAck bool
	data            []byte
}

// Endpoints and initial sequence numbers of the synthetic connections;
// the client's is near 2^32, so that its sequence numbers wrap.
var (
	testAddrs = [2]net.IP{net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2)}
	testPorts = [2]layers.TCPPort{51000, 443}
	testISN   = [2]uint32{0xfffff000, 1000}
)

// segmentsOf turns the writes into the packets of a TCP connection: the
// three-way handshake, each write in segments of at most mss bytes, and
// a FIN from each side.
func segmentsOf(writes []write, mss int) []packet {
	next := [2]uint32{testISN[0] + 1, testISN[1] + 1}
	ps := []packet{
		{from: 0, seq: testISN[0], syn: true},
		{from: 1, seq: testISN[1], ack: next[0], syn: true, isAck: true},
		{from: 0, seq: next[0], ack: next[1], isAck: true},
	}
	for _, w := range writes {
		for d := w.data; len(d) > 0; {
			n := min(len(d), mss)
			ps = append(ps, packet{from: w.from, seq: next[w.from], ack: next[1-w.from], isAck: true, data: d[:n]})
			next[w.from] += uint32(n)
			d = d[n:]
		}
	}
	for from := range 2 {
		ps = append(ps, packet{from: from, seq: next[from], ack: next[1-from], fin: true, isAck: true})
	}
	return ps
}

// pcapOf writes packets as a pcap file, one millisecond apart.
func pcapOf(t testing.TB, ps []packet) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, p := range ps {
		frame := frameOf(t, p)
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(frame), Length: len(frame)}
		if err := w.WritePacket(ci, frame); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// pcapngOf is pcapOf in the pcapng format.
func pcapngOf(t testing.TB, ps []packet) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, p := range ps {
		frame := frameOf(t, p)
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(frame), Length: len(frame)}
		if err := w.WritePacket(ci, frame); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// frameOf serializes p as an Ethernet frame.
func frameOf(t testing.TB, p packet) []byte {
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 0, 0, 0, 0, byte(p.from + 1)}, DstMAC: net.HardwareAddr{0, 0, 0, 0, 0, byte(2 - p.from)}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: testAddrs[p.from], DstIP: testAddrs[1-p.from]}
	tcp := &layers.TCP{SrcPort: testPorts[p.from], DstPort: testPorts[1-p.from], Seq: p.seq, Ack: p.ack, SYN: p.syn, FIN: p.fin, ACK: p.isAck, Window: 65535}
	tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(p.data)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pcapLinkOf writes packets as a pcap file of link type link: Linux
// cooked (SLL), BSD loopback (Null) or raw IP frames around the same IP
// packets as pcapOf's.
func pcapLinkOf(t testing.TB, ps []packet, link layers.LinkType) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65536, link); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, p := range ps {
		ip := frameOf(t, p)[14:] // the IPv4 packet, after the Ethernet header
		var frame []byte
		switch link {
		case layers.LinkTypeLinuxSLL:
			frame = append([]byte{0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00}, ip...)
		case layers.LinkTypeNull:
			frame = append([]byte{2, 0, 0, 0}, ip...) // AF_INET, little-endian
		default:
			frame = ip
		}
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(frame), Length: len(frame)}
		if err := w.WritePacket(ci, frame); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}
