package interop

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"padlock"
	"padlock/certcompress"
	"padlock/internal/pki"
	"padlock/trace"
)

// allCompressors are every certificate compression algorithm padlock has.
var allCompressors = []padlock.CertificateCompressor{certcompress.Brotli{}, certcompress.Zstd{}, padlock.ZlibCompressor{}}

// traceLog keeps the events of one connection.
type traceLog struct {
	mu     sync.Mutex
	events []trace.Event
}

func (l *traceLog) add(e trace.Event) { l.mu.Lock(); l.events = append(l.events, e); l.mu.Unlock() }

// find returns the first event named name in direction dir, or nil.
func (l *traceLog) find(name string, dir trace.Direction) *trace.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.events {
		if e := &l.events[i]; e.Name == name && e.Dir == dir {
			return e
		}
	}
	return nil
}

// requireOpenSSLCertCompression skips unless openssl is 3.2 or later,
// the first release with certificate compression (RFC 8879).
func requireOpenSSLCertCompression(t *testing.T, openssl string) {
	out, err := commandOutput(openssl, "version")
	if err != nil {
		t.Fatalf("openssl version: %v", err)
	}
	f := strings.Fields(out)
	if len(f) < 2 {
		t.Fatalf("openssl version printed %q", out)
	}
	parts := strings.SplitN(f[1], ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(parts[1])
	}
	if f[0] != "OpenSSL" || major < 3 || major == 3 && minor < 2 {
		t.Skipf("%s %s has no certificate compression (OpenSSL 3.2 and later); the headless-Chromium test in cmd/padlock covers brotli", f[0], f[1])
	}
}

// TestOpenSSLCertificateCompression runs RFC 8879 with openssl in both
// roles: s_client receives padlock's certificate compressed with an
// algorithm it offered, and padlock receives s_server's (-cert_comp).
// Which algorithms openssl has depends on its build (zlib, brotli and
// zstd are each optional); with none, the test says so and skips.
func TestOpenSSLCertificateCompression(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	requireOpenSSLCertCompression(t, openssl)
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, ca := chain(pki.ECDSAP256)

	var offered string
	t.Run("padlock-server", func(t *testing.T) {
		var log traceLog
		pc := &padlock.Config{Certificates: []padlock.Certificate{pcert}, CertificateCompression: allCompressors, Trace: log.add}
		s := startLineServer(t, pc)
		p := start(t, strings.NewReader("hello from openssl\nbye\n"), openssl,
			append(sClientArgs(s.addr, f), "-ign_eof")...)
		if err := s.result(t); err != nil {
			t.Fatalf("padlock server: %v", err)
		}
		if err := p.wait(t); err != nil {
			t.Errorf("s_client: %v", err)
		}
		hello := log.find("ClientHello", trace.Received)
		if hello == nil || !strings.Contains(hello.Field("extensions"), "compress_certificate") {
			t.Skip("this openssl build offers no certificate compression algorithm")
		}
		offered = "yes"
		e := log.find("CompressedCertificate", trace.Sent)
		if e == nil {
			t.Fatal("s_client offered certificate compression, but padlock sent its Certificate uncompressed")
		}
		t.Log(e.Explain)
	})
	t.Run("padlock-client", func(t *testing.T) {
		if offered == "" {
			t.Skip("this openssl build has no certificate compression algorithm")
		}
		var log traceLog
		p, addr := startSServer(t, openssl, f, "-cert_comp")
		pc := &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", CertificateCompression: allCompressors, Trace: log.add}
		c, err := dialPadlock(t, addr, pc)
		if err != nil {
			t.Fatalf("padlock client handshake: %v", err)
		}
		r := bufio.NewReader(c)
		revExchange(t, c, r, "hello from padlock")
		closeRev(t, c, r)
		if err := p.wait(t); err != nil {
			t.Errorf("s_server: %v", err)
		}
		e := log.find("CompressedCertificate", trace.Received)
		if e == nil {
			t.Fatal("s_server -cert_comp sent its Certificate uncompressed")
		}
		t.Log(e.Explain)
	})
}

// TestCryptoTLSIgnoresCertificateCompression checks that offering
// certificate compression costs nothing with a peer that lacks it:
// crypto/tls ignores compress_certificate in padlock's ClientHello and
// CertificateRequest, and both certificates go uncompressed.
func TestCryptoTLSIgnoresCertificateCompression(t *testing.T) {
	pcert, tcert, ca := chain(pki.ECDSAP256)
	client := pki.TestClient(pki.ECDSAP256)
	t.Run("padlock-client", func(t *testing.T) {
		var log traceLog
		a, b := tcpPair(t)
		cc := &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", CertificateCompression: allCompressors, Trace: log.add,
			Certificates: []padlock.Certificate{padlockCert(client)}}
		sc := &tls.Config{Certificates: []tls.Certificate{tcert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool()}
		if cerr, serr := handshakeBoth(padlock.Client(a, cc), tls.Server(b, sc), a, b); cerr != nil || serr != nil {
			t.Fatalf("padlock client %v, crypto/tls server %v", cerr, serr)
		}
		if log.find("Certificate", trace.Received) == nil || log.find("Certificate", trace.Sent) == nil {
			t.Error("want both certificates uncompressed")
		}
	})
	t.Run("padlock-server", func(t *testing.T) {
		var log traceLog
		a, b := tcpPair(t)
		cc := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{tlsCert(client)}}
		sc := &padlock.Config{Certificates: []padlock.Certificate{pcert}, CertificateCompression: allCompressors, Trace: log.add,
			ClientAuth: padlock.RequireAndVerifyClientCert, ClientCAs: ca.Pool()}
		if cerr, serr := handshakeBoth(tls.Client(a, cc), padlock.Server(b, sc), a, b); cerr != nil || serr != nil {
			t.Fatalf("crypto/tls client %v, padlock server %v", cerr, serr)
		}
		if log.find("Certificate", trace.Received) == nil || log.find("Certificate", trace.Sent) == nil {
			t.Error("want both certificates uncompressed")
		}
	})
}

// skipUnknownGnuTLSMethod skips when GnuTLS said it does not know alg:
// each algorithm needs its library at GnuTLS's build (Debian's 3.7.9
// has none), and without it gnutls-cli and gnutls-serv go on without
// compression, which the handshake, checked before, survives.
func skipUnknownGnuTLSMethod(t *testing.T, p *process, alg string) {
	t.Helper()
	// GnuTLS says so when it sets up the session, and its output comes
	// through a pipe: give the line a moment to arrive.
	out := p.Output()
	for end := time.Now().Add(time.Second); !strings.Contains(out, "Unknown compression method") && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		out = p.Output()
	}
	if strings.Contains(out, "Unknown compression method") {
		t.Skipf("this GnuTLS build has no %s certificate compression (it was built without the library); the handshake without it passed", alg)
	}
}

// TestGnuTLSCertificateCompression runs RFC 8879 with GnuTLS (3.7.4 and
// later: --compress-cert) in both roles, with each algorithm: gnutls-cli
// offers one and padlock's server compresses with it; gnutls-serv
// compresses with one that padlock's client offered.
func TestGnuTLSCertificateCompression(t *testing.T) {
	cli, serv := requirePeer(t, "gnutls-cli"), requirePeer(t, "gnutls-serv")
	if out, _ := commandOutput(cli, "--help"); !strings.Contains(out, "--compress-cert") {
		t.Skip("this gnutls-cli has no --compress-cert (GnuTLS 3.7.4 and later)")
	}
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, ca := chain(pki.ECDSAP256)
	for _, alg := range []string{"zlib", "brotli", "zstd"} {
		t.Run("gnutls-cli/"+alg, func(t *testing.T) {
			var log traceLog
			pc := &padlock.Config{Certificates: []padlock.Certificate{pcert}, CertificateCompression: allCompressors, Trace: log.add}
			s := startLineServer(t, pc)
			_, port, _ := net.SplitHostPort(s.addr)
			p := start(t, strings.NewReader("hello from gnutls\nbye\n"), cli, "-p", port, "--x509cafile", f.ca,
				"--sni-hostname", "localhost", "--verify-hostname", "localhost", "--compress-cert="+strings.ToUpper(alg), "127.0.0.1")
			if err := s.result(t); err != nil {
				t.Fatalf("padlock server: %v\n%s", err, p.Output())
			}
			p.wait(t)
			if !strings.Contains(p.Output(), "padlock heard: hello from gnutls") {
				t.Errorf("gnutls-cli output lacks the server's answer:\n%s", p.Output())
			}
			skipUnknownGnuTLSMethod(t, p, alg)
			e := log.find("CompressedCertificate", trace.Sent)
			if e == nil || !strings.Contains(e.Explain, "compressed with "+alg) {
				t.Fatalf("padlock did not send its certificate compressed with %s: %+v", alg, e)
			}
			t.Log(e.Explain)
		})
		t.Run("gnutls-serv/"+alg, func(t *testing.T) {
			var log traceLog
			p, port := startGnuTLSServ(t, serv, "--echo", "--x509certfile", f.cert, "--x509keyfile", f.key,
				"--disable-client-cert", "--compress-cert="+strings.ToUpper(alg))
			pc := &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", CertificateCompression: allCompressors, Trace: log.add}
			c, err := dialPadlock(t, net.JoinHostPort("127.0.0.1", port), pc)
			if err != nil {
				t.Fatalf("padlock client handshake: %v\n%s", err, p.Output())
			}
			if _, err := io.WriteString(c, "hello\n"); err != nil {
				t.Fatal(err)
			}
			if got, err := bufio.NewReader(c).ReadString('\n'); err != nil || got != "hello\n" {
				t.Fatalf("gnutls-serv echoed %q, %v", got, err)
			}
			c.Close()
			skipUnknownGnuTLSMethod(t, p, alg)
			e := log.find("CompressedCertificate", trace.Received)
			if e == nil || !strings.Contains(e.Explain, "compressed with "+alg) {
				t.Fatalf("gnutls-serv did not send its certificate compressed with %s: %+v", alg, e)
			}
			t.Log(e.Explain)
		})
	}
}
