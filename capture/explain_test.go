package capture

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"

	"padlock"
	"padlock/internal/pki"
	"padlock/internal/suites"
	"padlock/trace"
)

// explainOne reads a capture and explains its one TLS connection.
func explainOne(t *testing.T, file, keylog []byte) (*Capture, *Explanation) {
	t.Helper()
	c, err := Read(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var kl *KeyLog
	if keylog != nil {
		if kl, err = ParseKeyLog(bytes.NewReader(keylog)); err != nil {
			t.Fatal(err)
		}
	}
	xs := c.Explain(kl)
	if len(xs) != 1 {
		t.Fatalf("%d TLS connections explained, want 1 (notes %q)", len(xs), c.Notes)
	}
	return c, xs[0]
}

// names lists the names of the events, in order.
func names(x *Explanation) string {
	var n []string
	for _, e := range x.Events {
		n = append(n, e.Name)
	}
	return strings.Join(n, ", ")
}

// wantSteps checks that the events hold these names in this order.
func wantSteps(t *testing.T, x *Explanation, steps ...string) {
	t.Helper()
	got := names(x)
	rest := got
	for _, s := range steps {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("no %q (in order) among the events: %s\nnotes: %q", s, got, x.Notes)
		}
		rest = rest[i+len(s):]
	}
}

// wantDecrypted checks that both sides' application data came out.
func wantDecrypted(t *testing.T, x *Explanation) {
	t.Helper()
	if string(x.Data[0]) != testRequest || string(x.Data[1]) != testResponse {
		t.Errorf("decrypted data: client %q, server %q; notes %q", x.Data[0], x.Data[1], x.Notes)
	}
}

func TestExplainTLS13(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
	wantSteps(t, x, "ClientHello", "ServerHello", "version and cipher suite chosen", "server handshake keys",
		"EncryptedExtensions", "Certificate", "CertificateVerify", "Finished", "server application traffic keys",
		"Finished", "client application traffic keys", "application data", "application data")
	wantDecrypted(t, x)
	if x.Version != padlock.VersionTLS13 || x.ServerName != "localhost" || !x.KeyLogged || !x.Decrypted {
		t.Errorf("version %x, server name %q, key logged %v, decrypted %v", x.Version, x.ServerName, x.KeyLogged, x.Decrypted)
	}
	if len(x.Notes) != 0 {
		t.Errorf("notes on a whole capture: %q", x.Notes)
	}
	for _, e := range x.Events {
		if e.Conn != 1 || e.Kind == trace.KindMessage && e.Name != "ChangeCipherSpec" && len(e.Layout) == 0 {
			t.Errorf("event %s: conn %d, %d layout fields", e.Name, e.Conn, len(e.Layout))
		}
	}
}

func TestExplainTLS12(t *testing.T) {
	for _, suite := range []uint16{suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, suites.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, suites.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256} {
		t.Run(padlock.CipherSuiteName(suite), func(t *testing.T) {
			writes, keylog := handshake(t, padlock.VersionTLS12, suite)
			_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
			wantSteps(t, x, "ClientHello", "ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone",
				"ClientKeyExchange", "ChangeCipherSpec", "client write keys", "Finished",
				"ChangeCipherSpec", "server write keys", "Finished", "application data", "application data")
			wantDecrypted(t, x)
			if x.CipherSuite != suite {
				t.Errorf("suite %x", x.CipherSuite)
			}
		})
	}
}

// TestExplainWithoutKeyLog: an observer sees the hellos and the sizes;
// the handshake's end and the data stay sealed.
func TestExplainWithoutKeyLog(t *testing.T) {
	writes, _ := handshake(t, 0, 0)
	_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), nil)
	wantSteps(t, x, "ClientHello", "ServerHello", "encrypted handshake", "encrypted Finished", "encrypted application data")
	if x.Decrypted || x.Data[0] != nil || strings.Contains(names(x), "EncryptedExtensions") {
		t.Errorf("decrypted without a key log: %s", names(x))
	}
	obs := strings.Join(x.Observer, "\n")
	if !strings.Contains(obs, `"localhost"`) || !strings.Contains(strings.Join(x.Hidden, "\n"), "certificate") {
		t.Errorf("observer: %q\nhidden: %q", x.Observer, x.Hidden)
	}
}

func TestExplainPcapng(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	c, x := explainOne(t, pcapngOf(t, segmentsOf(writes, 1400)), keylog)
	if c.Format != "pcapng" {
		t.Errorf("format %q", c.Format)
	}
	wantDecrypted(t, x)
}

// TestOutOfOrder swaps neighbouring data segments: the streams come out
// the same.
func TestOutOfOrder(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	ps := segmentsOf(writes, 100)
	for i := 3; i+1 < len(ps)-2; i += 3 {
		ps[i], ps[i+1] = ps[i+1], ps[i]
	}
	_, x := explainOne(t, pcapOf(t, ps), keylog)
	wantDecrypted(t, x)
	if x.Conn.ToServer.OutOfOrder == 0 || !strings.Contains(strings.Join(x.Notes, "\n"), "out of order") {
		t.Errorf("out of order: %d, notes %q", x.Conn.ToServer.OutOfOrder, x.Notes)
	}
}

// TestRetransmission repeats segments, some overlapping: each byte is
// kept once.
func TestRetransmission(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	ps := segmentsOf(writes, 100)
	var out []packet
	for i, p := range ps {
		out = append(out, p)
		if len(p.data) > 10 && i%4 == 0 {
			out = append(out, p) // the same segment again
			tail := p
			tail.seq += 10
			tail.data = p.data[10:]
			out = append(out, tail) // and a partial overlap
		}
	}
	_, x := explainOne(t, pcapOf(t, out), keylog)
	wantDecrypted(t, x)
	if !strings.Contains(strings.Join(x.Notes, "\n"), "retransmitted") {
		t.Errorf("notes %q", x.Notes)
	}
}

// TestMidConnection drops the capture's first packets, cutting into the
// handshake: the records after the cut are still found.
func TestMidConnection(t *testing.T) {
	writes, keylog := handshake(t, padlock.VersionTLS12, suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
	ps := segmentsOf(writes, 50)
	_, x := explainOne(t, pcapOf(t, ps[8:]), keylog)
	notes := strings.Join(x.Notes, "\n")
	for _, want := range []string{"starts after this connection opened", "whose start it missed", "no ClientHello"} {
		if !strings.Contains(notes, want) {
			t.Errorf("no note %q: %q", want, x.Notes)
		}
	}
	if x.Conn.Client.Port() != uint16(testPorts[0]) {
		t.Errorf("client %s", x.Conn.Client)
	}
	if len(x.Events) == 0 {
		t.Error("no events")
	}
}

// TestLostPacket drops one of the server's segments: its stream stops
// at the gap.
func TestLostPacket(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	ps := segmentsOf(writes, 100)
	for i, p := range ps {
		if p.from == 1 && len(p.data) > 0 && i > 8 {
			ps = append(ps[:i:i], ps[i+1:]...)
			break
		}
	}
	_, x := explainOne(t, pcapOf(t, ps), keylog)
	if x.Conn.ToClient.Missing != 100 || !strings.Contains(strings.Join(x.Notes, "\n"), "100 bytes are missing") {
		t.Errorf("missing %d, notes %q", x.Conn.ToClient.Missing, x.Notes)
	}
}

// TestTruncatedFile cuts the file in the middle of a packet: what came
// before is explained, with a note.
func TestTruncatedFile(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	for _, ng := range []bool{false, true} {
		file := pcapOf(t, segmentsOf(writes, 100))
		if ng {
			file = pcapngOf(t, segmentsOf(writes, 100))
		}
		c, x := explainOne(t, file[:len(file)*2/3], keylog)
		if !strings.Contains(strings.Join(c.Notes, "\n"), "cut short") {
			t.Errorf("ng %v: notes %q", ng, c.Notes)
		}
		wantSteps(t, x, "ClientHello", "ServerHello")
	}
}

func TestNotACapture(t *testing.T) {
	for _, in := range []string{"", "hello", "\xd4\xc3\xb2\xa1"} {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestKeyLog(t *testing.T) {
	kl, err := ParseKeyLog(strings.NewReader("# comment\n\nCLIENT_RANDOM " + strings.Repeat("ab", 32) + " " + strings.Repeat("cd", 48) + "\nnonsense\nCLIENT_RANDOM zz 00\n"))
	if err != nil {
		t.Fatal(err)
	}
	if kl.Len() != 1 || kl.Skipped != 2 {
		t.Errorf("len %d, skipped %d", kl.Len(), kl.Skipped)
	}
}

// TestHelloRetryRequest: the server asks for another key share; the
// second ClientHello and the real ServerHello follow, and the rest still
// decrypts.
func TestHelloRetryRequest(t *testing.T) {
	writes, keylog := handshakeWith(t, func(cc, sc *padlock.Config) {
		cc.CurvePreferences = []padlock.CurveID{padlock.X25519, padlock.CurveP384}
		sc.CurvePreferences = []padlock.CurveID{padlock.CurveP384}
	})
	_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
	wantSteps(t, x, "ClientHello", "HelloRetryRequest", "ClientHello", "ServerHello", "EncryptedExtensions", "Finished", "Finished")
	wantDecrypted(t, x)
}

// TestMutualTLS: the client's certificate travels encrypted in TLS 1.3,
// in the clear in TLS 1.2.
func TestMutualTLS(t *testing.T) {
	for _, v := range []uint16{padlock.VersionTLS13, padlock.VersionTLS12} {
		writes, keylog := handshakeWith(t, func(cc, sc *padlock.Config) {
			ca, _ := pki.TestChain(pki.ECDSAP256)
			client := pki.TestClient(pki.ECDSAP256)
			cc.MaxVersion = v
			cc.Certificates = []padlock.Certificate{{Certificate: client.DER, PrivateKey: client.Key, Leaf: client.Cert}}
			sc.ClientAuth, sc.ClientCAs = padlock.RequireAndVerifyClientCert, ca.Pool()
		})
		_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
		wantSteps(t, x, "ServerHello", "CertificateRequest", "Certificate", "Certificate", "CertificateVerify", "Finished")
		wantDecrypted(t, x)
		if _, sealed := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), nil); (v == padlock.VersionTLS13) == strings.Contains(names(sealed), "CertificateRequest") {
			t.Errorf("%s without a key log: %s", padlock.VersionName(v), names(sealed))
		}
	}
}

// TestLinkTypes: captures on "any" (Linux cooked), on a BSD loopback and
// of raw IP read the same.
func TestLinkTypes(t *testing.T) {
	writes, keylog := handshake(t, 0, 0)
	for _, link := range []layers.LinkType{layers.LinkTypeLinuxSLL, layers.LinkTypeNull, layers.LinkTypeRaw} {
		c, x := explainOne(t, pcapLinkOf(t, segmentsOf(writes, 1400), link), keylog)
		if c.LinkType != link.String() {
			t.Errorf("link type %q, want %s", c.LinkType, link)
		}
		wantDecrypted(t, x)
	}
}

// TestRSAKeyTransport: TLS 1.2 without forward secrecy decrypts the same
// way, from the master secret the key log holds.
func TestRSAKeyTransport(t *testing.T) {
	if testing.Short() {
		t.Skip("an RSA key takes time to make: skipped with -short")
	}
	writes, keylog := handshakeWith(t, func(cc, sc *padlock.Config) {
		ca, server := pki.TestChain(pki.RSA2048)
		cc.RootCAs, cc.MaxVersion = ca.Pool(), padlock.VersionTLS12
		cc.CipherSuites = []uint16{suites.TLS_RSA_WITH_AES_128_GCM_SHA256}
		sc.Certificates = []padlock.Certificate{{Certificate: server.DER, PrivateKey: server.Key, Leaf: server.Cert}}
		sc.EnableRSAKeyExchange = true
	})
	_, x := explainOne(t, pcapOf(t, segmentsOf(writes, 1400)), keylog)
	wantSteps(t, x, "ClientHello", "ServerHello", "Certificate", "ServerHelloDone", "ClientKeyExchange", "Finished", "Finished")
	wantDecrypted(t, x)
	if strings.Contains(names(x), "ServerKeyExchange") {
		t.Errorf("a ServerKeyExchange in RSA key transport: %s", names(x))
	}
}
