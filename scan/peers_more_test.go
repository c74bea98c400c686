package scan

import (
	"crypto/tls"
	"net"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// freePort returns a loopback port nobody listens on, for servers that
// want one on their command line.
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

var gnutlsReady = regexp.MustCompile(`listening on IPv4 .* port \d+`)

// startGnuTLS runs gnutls-serv --http with the chain of f and flags
// (its default priorities without --priority).
func startGnuTLS(t *testing.T, f pemFiles, flags ...string) string {
	bin := requirePeer(t, "gnutls-serv", "gnutls-bin")
	port := freePort(t)
	args := append([]string{"--http", "--x509certfile", f.cert, "--x509keyfile", f.key, "-p", port}, flags...)
	return startServer(t, nil, gnutlsReady, port, bin, args...)
}

// TestScanGnuTLS scans gnutls-serv with its default priorities.
func TestScanGnuTLS(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := startGnuTLS(t, writeChain(t, ca, is))
	r := scanned(t, testScanner(ca), addr)
	if !slices.Contains(r.Versions, "TLS 1.3") || !slices.Contains(r.Versions, "TLS 1.2") {
		t.Errorf("versions %v", r.Versions)
	}
	wantGroups(t, r, "TLS 1.3", "x25519", "secp256r1")
	if !slices.Contains(r.CipherSuites["TLS 1.2"], "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") {
		t.Errorf("TLS 1.2 suites %v", r.CipherSuites["TLS 1.2"])
	}
	noFindings(t, r, "cert_untrusted", "cert_name_mismatch", "no_ems", "no_secure_renegotiation", "version_intolerance")
	// gnutls-serv renegotiates when a client asks, by default.
	wantFindings(t, r, "client_renegotiation")
	if len(r.SignatureSchemes) != 1 || !slices.Contains(r.SignatureSchemes[0].Schemes, "ecdsa_secp256r1_sha256") {
		t.Errorf("signature schemes %+v", r.SignatureSchemes)
	}
}

// TestScanCryptoTLS scans a crypto/tls server in this process, with two
// certificates (ECDSA and RSA) and ALPN: the scan must see both
// certificates with their schemes, the post-quantum hybrid, h2 and no
// RSA key transport.
func TestScanCryptoTLS(t *testing.T) {
	ca, ecIs := pki.TestChain(pki.ECDSAP256)
	_, rsaIs := pki.TestChain(pki.RSA2048)
	rsaCA, _ := pki.TestChain(pki.RSA2048)
	addr := startCryptoTLS(t, &tls.Config{NextProtos: []string{"h2", "http/1.1"}, Certificates: []tls.Certificate{
		{Certificate: ecIs.DER, PrivateKey: ecIs.Key}, {Certificate: rsaIs.DER, PrivateKey: rsaIs.Key}}})
	s := testScanner(ca)
	s.opts.RootCAs.AddCert(rsaCA.Cert)
	r := scanned(t, s, addr)
	wantVersions(t, r, "TLS 1.2", "TLS 1.3")
	wantSuiteSet(t, r, "TLS 1.3", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
	wantGroups(t, r, "TLS 1.3", "X25519MLKEM768", "x25519")
	noFindings(t, r, "no_pq_kex", "rsa_key_transport", "no_ems", "cert_untrusted", "no_fallback_scsv", "client_renegotiation")
	if !slices.Equal(r.ALPN, []string{"h2", "http/1.1"}) {
		t.Errorf("ALPN %v", r.ALPN)
	}
	if len(r.SignatureSchemes) != 2 {
		t.Errorf("signature schemes %+v: want the ECDSA and the RSA certificate", r.SignatureSchemes)
	}
	if !r.Resumption.TLS13Resumed || r.Resumption.TLS13Tickets == 0 {
		t.Errorf("resumption %+v", r.Resumption)
	}
}

// TestScanPadlock scans padlock's own server with 0-RTT, a
// record_size_limit and certificate compression on: the scan must see
// its three hybrids, its TLS 1.2 suites in its order, those features and
// the early_data finding.
func TestScanPadlock(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := startPadlock(t, &padlock.Config{
		Certificates: []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
		NextProtos:   []string{"http/1.1"}, MaxEarlyData: 1024, RecordSizeLimit: 4096,
		CertificateCompression: []padlock.CertificateCompressor{padlock.ZlibCompressor{}}})
	r := scanned(t, testScanner(ca), addr)
	wantVersions(t, r, "TLS 1.2", "TLS 1.3")
	wantGroups(t, r, "TLS 1.3", "X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "x25519", "secp256r1", "secp384r1", "secp521r1")
	// x25519 only beside P-256, the curve of its certificate: the
	// one-by-one probe misses it, the enumeration finds it.
	wantGroups(t, r, "TLS 1.2", "x25519", "secp256r1")
	wantSuites(t, r, "TLS 1.2", "server", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
		"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
	wantFindings(t, r, "early_data")
	noFindings(t, r, "no_pq_kex", "cbc_suites", "rsa_key_transport", "no_ems", "version_intolerance", "no_fallback_scsv", "client_renegotiation")
	if !slices.Equal(r.ALPN, []string{"http/1.1"}) {
		t.Errorf("ALPN %v", r.ALPN)
	}
	if !r.Features.FallbackSCSV || !r.Features.DowngradeSentinel || r.Features.RecordSizeLimit != 4096 ||
		r.Features.CertificateCompression != "zlib" {
		t.Errorf("features %+v", r.Features)
	}
	wantGrade(t, r, "A")
}

// startPadlock serves padlock with config c on loopback until the test
// ends.
func startPadlock(t *testing.T, c *padlock.Config) string {
	l, err := padlock.Listen("tcp", "127.0.0.1:0", c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go serveHandshakes(l)
	return l.Addr().String()
}

// serveHandshakes completes handshakes on l until it closes.
func serveHandshakes(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.(*padlock.Conn).Handshake()
			c.Write([]byte("HTTP/1.0 200 OK\r\n\r\n"))
		}()
	}
}
