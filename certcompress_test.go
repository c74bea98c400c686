package padlock

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// countingCompressor counts the calls of Compress, to see the cache work.
type countingCompressor struct {
	ZlibCompressor
	mu sync.Mutex
	n  int
}

func (c *countingCompressor) Compress(src []byte) ([]byte, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.ZlibCompressor.Compress(src)
}

// eventLog collects the message and step names of a trace.
type eventLog struct {
	mu     sync.Mutex
	events []trace.Event
}

func (l *eventLog) tracer(e trace.Event) { l.mu.Lock(); l.events = append(l.events, e); l.mu.Unlock() }

// reset forgets the events so far.
func (l *eventLog) reset() { l.mu.Lock(); l.events = nil; l.mu.Unlock() }

func (l *eventLog) find(name string) *trace.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.events {
		if l.events[i].Name == name {
			return &l.events[i]
		}
	}
	return nil
}

// TestCertificateCompressionZlib runs TLS 1.3 handshakes in which both
// certificates, the server's and the client's, travel compressed with
// zlib (RFC 8879), and checks the trace and the cache of compressed
// chains.
func TestCertificateCompressionZlib(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	client := pki.TestClient(pki.ECDSAP256)
	serverZ, clientZ := &countingCompressor{}, &countingCompressor{}
	sc := &Config{
		Certificates:           []Certificate{{Certificate: [][]byte{is.Cert.Raw, ca.Cert.Raw}, PrivateKey: is.Key}},
		ClientAuth:             RequireAndVerifyClientCert,
		ClientCAs:              ca.Pool(),
		CertificateCompression: []CertificateCompressor{serverZ},
	}
	for i := range 2 {
		var clientLog, serverLog eventLog
		sc := sc.Clone()
		sc.Trace = serverLog.tracer
		cc := &Config{
			RootCAs: ca.Pool(), ServerName: "localhost", Trace: clientLog.tracer,
			Certificates:           []Certificate{{Certificate: [][]byte{client.Cert.Raw, ca.Cert.Raw}, PrivateKey: client.Key}},
			CertificateCompression: []CertificateCompressor{clientZ},
		}
		c, s, cerr, serr := runPair(t, cc, sc)
		if cerr != nil || serr != nil {
			t.Fatalf("handshake %d: client %v, server %v", i, cerr, serr)
		}
		// Each side reports the compression of the certificate it received.
		if got := c.ConnectionState().CertificateCompression; got != wire.CertCompressionZlib {
			t.Errorf("client: ConnectionState.CertificateCompression = %d, want zlib", got)
		}
		if got := s.ConnectionState().CertificateCompression; got != wire.CertCompressionZlib {
			t.Errorf("server: ConnectionState.CertificateCompression = %d, want zlib", got)
		}
		if got := s.ConnectionState().PeerCertificates; len(got) != 2 || !bytes.Equal(got[0].Raw, client.Cert.Raw) {
			t.Fatalf("server saw %d client certificates", len(got))
		}
		for _, l := range []*eventLog{&clientLog, &serverLog} {
			e := l.find("CompressedCertificate")
			if e == nil || !strings.Contains(e.Explain, "zlib") || !strings.Contains(e.Explain, "saved") {
				t.Fatalf("no CompressedCertificate event explaining the saving: %+v", e)
			}
			if l.find("certificate decompressed") == nil {
				t.Error("no event for the decompressed certificate")
			}
			if l.find("Certificate") != nil {
				t.Error("an uncompressed Certificate was sent too")
			}
		}
		if e := clientLog.find("CompressedCertificate"); e != nil && len(e.Layout) == 0 {
			t.Error("CompressedCertificate without a byte map")
		}
	}
	if serverZ.n != 1 || clientZ.n != 2 {
		// The server's Config, shared by its clones, compressed its
		// chain once; each client Config compressed its own.
		t.Errorf("Compress called %d times by the server, %d by the clients; want 1 and 2", serverZ.n, clientZ.n)
	}
}

// TestCertificateCompressionNotShared checks that neither side compresses
// unless the peer offered the algorithm: a padlock server with zlib and
// a client with none exchange the Certificate as it is, and the
// ClientHello carries no compress_certificate.
func TestCertificateCompressionNotShared(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var log eventLog
	cc := &Config{RootCAs: pool, ServerName: "localhost", Trace: log.tracer}
	sc := &Config{Certificates: []Certificate{cert}, CertificateCompression: []CertificateCompressor{ZlibCompressor{}}}
	c, s, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if c.ConnectionState().CertificateCompression != 0 || s.ConnectionState().CertificateCompression != 0 {
		t.Error("ConnectionState reports a compression that did not happen")
	}
	if log.find("Certificate") == nil || log.find("CompressedCertificate") != nil {
		t.Error("want the Certificate uncompressed")
	}
	if e := log.find("ClientHello"); e == nil || strings.Contains(e.Field("extensions"), "compress_certificate") {
		t.Errorf("ClientHello offers certificate compression by default")
	}
}

// TestZlibDecompressBounds checks the bounds of ZlibCompressor.Decompress.
func TestZlibDecompressBounds(t *testing.T) {
	src := bytes.Repeat([]byte("certificate "), 100)
	z, err := ZlibCompressor{}.Compress(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{len(src) - 1, len(src), len(src) + 1} {
		dst := make([]byte, n)
		err := ZlibCompressor{}.Decompress(dst, z)
		if (err == nil) != (n == len(src)) {
			t.Errorf("into %d bytes: %v", n, err)
		}
	}
	if err := (ZlibCompressor{}).Decompress(make([]byte, 10), []byte("not zlib")); err == nil {
		t.Error("garbage decompressed")
	}
}
