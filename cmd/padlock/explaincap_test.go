package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"padlock"
)

// clientHelloCapture writes a pcap file of one TCP connection in which
// a padlock client sends its ClientHello and nothing more comes.
func clientHelloCapture(t *testing.T) string {
	t.Helper()
	a, b := net.Pipe()
	go func() {
		padlock.Client(a, &padlock.Config{ServerName: "example.com"}).Handshake()
	}()
	buf := make([]byte, 1<<14)
	b.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := b.Read(buf)
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	w := pcapgo.NewWriter(&file)
	if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	ips := [2]net.IP{net.IPv4(192, 0, 2, 1), net.IPv4(192, 0, 2, 2)}
	ports := [2]layers.TCPPort{40000, 443}
	for i, p := range []struct {
		from       int
		seq, ack   uint32
		syn, isAck bool
		data       []byte
	}{
		{0, 100, 0, true, false, nil},
		{1, 500, 101, true, true, nil},
		{0, 101, 501, false, true, nil},
		{0, 101, 501, false, true, buf[:n]},
	} {
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: ips[p.from], DstIP: ips[1-p.from]}
		tcp := &layers.TCP{SrcPort: ports[p.from], DstPort: ports[1-p.from], Seq: p.seq, Ack: p.ack, SYN: p.syn, ACK: p.isAck, Window: 1000}
		tcp.SetNetworkLayerForChecksum(ip)
		eth := &layers.Ethernet{SrcMAC: make(net.HardwareAddr, 6), DstMAC: make(net.HardwareAddr, 6), EthernetType: layers.EthernetTypeIPv4}
		sb := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(p.data)); err != nil {
			t.Fatal(err)
		}
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, int64(i)*1e6), CaptureLength: len(sb.Bytes()), Length: len(sb.Bytes())}
		if err := w.WritePacket(ci, sb.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "hello.pcap")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExplainCaptureText(t *testing.T) {
	pcap := clientHelloCapture(t)
	code, out, errOut := runArgs(t, "explain", pcap, "--raw")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"A pcap capture (Ethernet) of 4 packets: 1 TCP connection, 1 connection with TLS.",
		"Connection 1: 192.0.2.1:40000 → 192.0.2.2:443",
		"client ──▶ server  ClientHello",
		"server_name           example.com",
		"msg_type", // --raw: the annotated bytes
		"no ServerHello",
		"What anyone on the path sees of connection 1",
		`the server name the client asked for, "example.com"`,
		"What stays hidden from them",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

func TestExplainCaptureJSONAndSVG(t *testing.T) {
	pcap := clientHelloCapture(t)
	svg := filepath.Join(t.TempDir(), "c.svg")
	conns := explainJSON(t, pcap, "--svg", svg, "--conn", "1")
	if len(conns[1]) == 0 || conns[1][0].Name != "ClientHello" || len(conns[1][0].Layout) == 0 {
		t.Errorf("events: %+v", conns)
	}
	if b, err := os.ReadFile(svg); err != nil || !bytes.Contains(b, []byte("ClientHello")) {
		t.Errorf("svg: %v %.200s", err, b)
	}
}

func TestExplainCaptureErrors(t *testing.T) {
	pcap := clientHelloCapture(t)
	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte("not a capture"), 0o600)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"explain"}, exitUsage, "the capture file is missing"},
		{[]string{"explain", pcap, "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"explain", pcap, "--conn", "-1"}, exitUsage, "--conn"},
		{[]string{"explain", pcap, "--conn", "2"}, exitFail, "no TLS connection numbered 2"},
		{[]string{"explain", text}, exitFail, "not a pcap or pcapng file"},
		{[]string{"explain", pcap + ".missing"}, exitFail, "no such file"},
		{[]string{"explain", pcap, "--keylog", pcap + ".missing"}, exitFail, "key log"},
	} {
		code, _, errOut := runArgs(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", c.args, code, c.code, c.want, errOut)
		}
	}
}
