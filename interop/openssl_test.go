package interop

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// opensslGroup is a group as openssl names it on the command line and in
// s_client's "Server Temp Key" line. openssl 3.0 has no ML-KEM hybrids.
type opensslGroup struct {
	id      padlock.CurveID
	name    string
	tempKey string
}

var opensslGroups = []opensslGroup{
	{padlock.X25519, "X25519", "X25519"},
	{padlock.CurveP256, "P-256", "ECDH, prime256v1"},
	{padlock.CurveP384, "P-384", "ECDH, secp384r1"},
	{padlock.CurveP521, "P-521", "ECDH, secp521r1"},
}

// opensslSuites12 are the TLS 1.2 suites by their OpenSSL names, with a
// key type their authentication takes and a group for ECDHE (-1 for RSA
// key transport). In TLS 1.2 an ECDSA key's curve must be one the client
// lists in supported_groups too (RFC 8422 section 5.1).
var opensslSuites12 = []struct {
	id    uint16
	name  string
	kt    pki.KeyType
	group int // index in opensslGroups
}{
	{padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", pki.ECDSAP256, 1},
	{padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", pki.ECDSAP384, 2},
	{padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", pki.Ed25519, 0},
	{padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", pki.RSA2048, 1},
	{padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384", pki.RSA2048, 2},
	{padlock.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305", pki.RSA2048, 0},
	{padlock.TLS_RSA_WITH_AES_128_GCM_SHA256, "AES128-GCM-SHA256", pki.RSA2048, -1},
	{padlock.TLS_RSA_WITH_AES_256_GCM_SHA384, "AES256-GCM-SHA384", pki.RSA2048, -1},
}

// opensslCase is one handshake with openssl: the key type of the
// server's certificate, openssl's version, suite and group flags, and
// what padlock must report.
type opensslCase struct {
	name  string
	kt    pki.KeyType
	flags []string
	vers  uint16
	suite uint16
	group opensslGroup // zero for RSA key transport

	extra      []string                // more openssl flags
	clientAuth bool                    // a client certificate, required and verified
	scheme     padlock.SignatureScheme // if set, the server's signature scheme
	wantOut    []string                // more lines openssl must print
}

// opensslCases13 are every TLS 1.3 suite with every group on an ECDSA
// P-256 certificate, and every certificate key type with one suite and
// group.
func opensslCases13() []opensslCase {
	var cases []opensslCase
	add := func(kt pki.KeyType, suite uint16, g opensslGroup) {
		name := padlock.CipherSuiteName(suite)
		cases = append(cases, opensslCase{
			name:  fmt.Sprintf("%s/%s/%s", kt, name, g.id),
			kt:    kt,
			flags: []string{"-tls1_3", "-ciphersuites", name, "-groups", g.name},
			vers:  padlock.VersionTLS13, suite: suite, group: g,
		})
	}
	for _, suite := range suites13 {
		for _, g := range opensslGroups {
			add(pki.ECDSAP256, suite, g)
		}
	}
	for _, kt := range keyTypes[1:] {
		add(kt, padlock.TLS_AES_128_GCM_SHA256, opensslGroups[0])
	}
	return cases
}

// opensslCases12 are every TLS 1.2 suite, cycling through the groups.
func opensslCases12() []opensslCase {
	var cases []opensslCase
	for _, s := range opensslSuites12 {
		c := opensslCase{
			name:  fmt.Sprintf("%s/%s", s.kt, s.name),
			kt:    s.kt,
			flags: []string{"-tls1_2", "-cipher", s.name},
			vers:  padlock.VersionTLS12, suite: s.id,
		}
		if s.group >= 0 {
			c.group = opensslGroups[s.group]
			c.flags = append(c.flags, "-groups", c.group.name)
			c.name += "/" + c.group.id.String()
		}
		cases = append(cases, c)
	}
	return cases
}

// check compares what padlock says was negotiated with the case.
func (oc opensslCase) check(t *testing.T, cs padlock.ConnectionState) {
	t.Helper()
	if cs.Version != oc.vers || cs.CipherSuite != oc.suite || cs.CurveID != oc.group.id {
		t.Errorf("padlock negotiated %s, %s, %v; want %s, %s, %v",
			padlock.VersionName(cs.Version), padlock.CipherSuiteName(cs.CipherSuite), cs.CurveID,
			padlock.VersionName(oc.vers), padlock.CipherSuiteName(oc.suite), oc.group.id)
	}
	if oc.vers == padlock.VersionTLS12 && !cs.ExtendedMasterSecret {
		t.Error("padlock: no extended master secret with openssl")
	}
	if oc.scheme != 0 && cs.SignatureScheme != oc.scheme {
		t.Errorf("padlock: signature scheme %v, want %v", cs.SignatureScheme, oc.scheme)
	}
}

// checkOutput checks openssl's output for the lines in want and in
// oc.wantOut.
func (oc opensslCase) checkOutput(t *testing.T, who, out string, want ...string) {
	t.Helper()
	for _, w := range append(want, oc.wantOut...) {
		if !strings.Contains(out, w) {
			t.Errorf("%s output lacks %q", who, w)
		}
	}
}

// opensslName is the suite's name in openssl's output: the IANA name for
// TLS 1.3, OpenSSL's own for TLS 1.2.
func (oc opensslCase) opensslName() string {
	if oc.vers == padlock.VersionTLS13 {
		return padlock.CipherSuiteName(oc.suite)
	}
	return oc.flags[2]
}

func (oc opensslCase) versionName() string {
	return strings.ReplaceAll(padlock.VersionName(oc.vers), " ", "v")
}

// TestOpenSSLServer13 connects padlock clients to openssl s_server over
// TLS 1.3, each suite with each group, each certificate key type.
func TestOpenSSLServer13(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	for _, oc := range opensslCases13() {
		t.Run(oc.name, func(t *testing.T) { padlockToSServer(t, openssl, oc) })
	}
}

// TestOpenSSLServer12 connects padlock clients to openssl s_server over
// TLS 1.2, each suite.
func TestOpenSSLServer12(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	for _, oc := range opensslCases12() {
		t.Run(oc.name, func(t *testing.T) { padlockToSServer(t, openssl, oc) })
	}
}

// TestOpenSSLClient13 connects openssl s_client to padlock servers over
// TLS 1.3, each suite with each group, each certificate key type.
func TestOpenSSLClient13(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	for _, oc := range opensslCases13() {
		t.Run(oc.name, func(t *testing.T) { sClientToPadlock(t, openssl, oc) })
	}
}

// TestOpenSSLClient12 connects openssl s_client to padlock servers over
// TLS 1.2, each suite.
func TestOpenSSLClient12(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	for _, oc := range opensslCases12() {
		t.Run(oc.name, func(t *testing.T) { sClientToPadlock(t, openssl, oc) })
	}
}

var acceptRE = regexp.MustCompile(`ACCEPT 127\.0\.0\.1:(\d+)`)

// startSServer starts `openssl s_server -rev` for one connection and
// returns it with its address. In -rev mode the server sends each line
// back reversed, and closes (with close_notify) on the line "CLOSE".
func startSServer(t *testing.T, openssl string, f pemFiles, flags ...string) (*process, string) {
	t.Helper()
	args := append([]string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev",
		"-cert", f.cert, "-key", f.key}, flags...)
	p := start(t, nil, openssl, args...)
	port := p.waitFor(t, acceptRE)[1]
	return p, net.JoinHostPort("127.0.0.1", port)
}

// dialPadlock connects a padlock client to addr.
func dialPadlock(t *testing.T, addr string, pc *padlock.Config) (*padlock.Conn, error) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	raw.SetDeadline(time.Now().Add(ioTimeout))
	c := padlock.Client(raw, pc)
	return c, c.Handshake()
}

// padlockToSServer connects a padlock client to s_server, exchanges a
// line and closes cleanly.
func padlockToSServer(t *testing.T, openssl string, oc opensslCase) {
	f := writePEM(t, oc.kt)
	ca, _ := pki.TestChain(oc.kt)
	// Offer everything: openssl's flags decide.
	pc := &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost",
		CipherSuites: slices.Concat(suites13, []uint16{oc.suite})}
	// The defaults offer P-521 with no key share, so for it s_server
	// asks with a HelloRetryRequest.
	flags := slices.Concat(oc.flags, oc.extra)
	if oc.clientAuth {
		pc.Certificates = []padlock.Certificate{padlockCert(pki.TestClient(oc.kt))}
		flags = append(flags, "-Verify", "1", "-verify_return_error", "-CAfile", f.ca)
	}
	p, addr := startSServer(t, openssl, f, flags...)
	c, err := dialPadlock(t, addr, pc)
	if err != nil {
		t.Fatalf("padlock client handshake: %v", err)
	}
	oc.check(t, c.ConnectionState())
	r := bufio.NewReader(c)
	revExchange(t, c, r, "hello from padlock")
	closeRev(t, c, r)
	if err := p.wait(t); err != nil {
		t.Errorf("s_server: %v", err)
	}
	want := []string{"Protocol version: " + oc.versionName(), "Ciphersuite: " + oc.opensslName()}
	if oc.clientAuth {
		want = append(want, "CN = padlock test client")
	}
	oc.checkOutput(t, "s_server", p.Output(), want...)
}

// revExchange sends a line to s_server -rev and checks the reply.
func revExchange(t *testing.T, c *padlock.Conn, r *bufio.Reader, line string) {
	t.Helper()
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	got, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	rev := []rune(line)
	slices.Reverse(rev)
	if strings.TrimRight(got, "\r\n") != string(rev) {
		t.Errorf("s_server answered %q to %q", got, line)
	}
}

// closeRev asks s_server -rev to close, and checks that its close_notify
// reaches padlock's Read as io.EOF.
func closeRev(t *testing.T, c *padlock.Conn, r *bufio.Reader) {
	t.Helper()
	if _, err := io.WriteString(c, "CLOSE\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	if rest, err := io.ReadAll(r); err != nil {
		t.Errorf("padlock read after CLOSE: %q, %v; want io.EOF from close_notify", rest, err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("padlock close: %v", err)
	}
}

// lineServer is a padlock server that answers each line it reads with
// "padlock heard: LINE" until the line "bye", then closes.
type lineServer struct {
	addr string
	done chan error // the server's outcome, once
	cs   padlock.ConnectionState
	l    net.Listener
}

func startLineServer(t *testing.T, pc *padlock.Config) *lineServer {
	t.Helper()
	l, err := padlock.Listen("tcp", "127.0.0.1:0", pc)
	if err != nil {
		t.Fatal(err)
	}
	s := &lineServer{addr: l.Addr().String(), done: make(chan error, 1), l: l}
	t.Cleanup(func() { l.Close() })
	go func() { s.done <- s.serve() }()
	return s
}

func (s *lineServer) serve() error {
	nc, err := s.l.Accept()
	if err != nil {
		return err
	}
	s.l.Close()
	c := nc.(*padlock.Conn)
	defer c.Close()
	c.SetDeadline(time.Now().Add(commandTimeout))
	if err := c.Handshake(); err != nil {
		return err
	}
	s.cs = c.ConnectionState()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "bye" {
			return nil
		}
		if _, err := io.WriteString(c, "padlock heard: "+line+"\n"); err != nil {
			return err
		}
	}
}

// result waits for the server's outcome.
func (s *lineServer) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-s.done:
		return err
	case <-time.After(commandTimeout):
		t.Fatal("padlock server still running")
		return nil
	}
}

// sClientArgs are the s_client flags that make it verify padlock's
// certificate strictly.
func sClientArgs(addr string, f pemFiles, flags ...string) []string {
	return append([]string{"s_client", "-connect", addr, "-CAfile", f.ca,
		"-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error"}, flags...)
}

// sClientToPadlock connects s_client to a padlock server, sends a line
// and checks what both sides report.
func sClientToPadlock(t *testing.T, openssl string, oc opensslCase) {
	f := writePEM(t, oc.kt)
	pcert, _, ca := chain(oc.kt)
	pc := &padlock.Config{Certificates: []padlock.Certificate{pcert},
		CipherSuites: slices.Concat(suites13, []uint16{oc.suite})}
	flags := slices.Concat(oc.flags, oc.extra)
	var client *pki.Issued
	if oc.clientAuth {
		client = pki.TestClient(oc.kt)
		pc.ClientAuth, pc.ClientCAs = padlock.RequireAndVerifyClientCert, ca.Pool()
		dir := t.TempDir()
		cert, key, err := pki.WriteIssued(dir, "client", client)
		if err != nil {
			t.Fatal(err)
		}
		flags = append(flags, "-cert", cert, "-key", key)
	}
	s := startLineServer(t, pc)
	// -ign_eof: after stdin ends, wait for the server to close.
	p := start(t, strings.NewReader("hello from openssl\nbye\n"), openssl,
		append(sClientArgs(s.addr, f, flags...), "-ign_eof")...)
	serr := s.result(t)
	if serr != nil {
		t.Fatalf("padlock server: %v", serr)
	}
	oc.check(t, s.cs)
	if client != nil && (len(s.cs.PeerCertificates) == 0 || !s.cs.PeerCertificates[0].Equal(client.Cert)) {
		t.Error("padlock server did not get s_client's certificate")
	}
	if err := p.wait(t); err != nil {
		t.Errorf("s_client: %v", err)
	}
	want := []string{
		fmt.Sprintf("New, %s, Cipher is %s", oc.versionName(), oc.opensslName()),
		"Verify return code: 0 (ok)",
		"padlock heard: hello from openssl",
	}
	if oc.group.id != 0 {
		want = append(want, "Server Temp Key: "+oc.group.tempKey)
	}
	if oc.vers == padlock.VersionTLS12 {
		// RFC 7627 and RFC 5746, which padlock's TLS 1.2 always does.
		want = append(want, "Extended master secret: yes", "Secure Renegotiation IS supported")
	}
	oc.checkOutput(t, "s_client", p.Output(), want...)
}

// opensslExtras are handshakes that stress what the matrix does not:
// handshake messages split across records, TLS 1.3 record padding, no
// middlebox compatibility mode, a signature scheme the peer imposes,
// client certificates.
func opensslExtras() []opensslCase {
	base13 := opensslCases13()[0] // ECDSA P-256, AES-128-GCM, x25519
	base12 := opensslCases12()[0] // ECDSA P-256, ECDHE-ECDSA-AES128-GCM-SHA256
	rsa13 := base13
	rsa13.kt = pki.RSA2048
	with := func(c opensslCase, name string, extra ...string) opensslCase {
		c.name, c.extra = name, extra
		return c
	}
	var cases []opensslCase
	// Messages larger than 512 bytes (the RSA certificate chains) are
	// split across records.
	frag := with(rsa13, "tls13/fragmented-512", "-max_send_frag", "512")
	frag.clientAuth = true
	cases = append(cases, frag)
	frag12 := with(base12, "tls12/fragmented-512", "-max_send_frag", "512")
	frag12.clientAuth = true
	cases = append(cases, frag12)
	cases = append(cases,
		with(base13, "tls13/record-padding", "-record_padding", "1024"),
		with(base13, "tls13/no-middlebox", "-no_middlebox"))
	mtls := with(base13, "tls13/client-auth")
	mtls.clientAuth = true
	cases = append(cases, mtls)
	mtls12 := with(base12, "tls12/client-auth")
	mtls12.clientAuth = true
	cases = append(cases, mtls12)
	return cases
}

// TestOpenSSLServerExtras runs opensslExtras with padlock as the client.
func TestOpenSSLServerExtras(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	for _, oc := range opensslExtras() {
		t.Run(oc.name, func(t *testing.T) { padlockToSServer(t, openssl, oc) })
	}
}

// TestOpenSSLClientExtras runs opensslExtras with padlock as the server,
// and s_client imposing the signature scheme.
func TestOpenSSLClientExtras(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	cases := opensslExtras()
	// s_client limits the schemes padlock may sign with.
	pss := opensslCases13()[0]
	pss.kt, pss.name = pki.RSA2048, "tls13/sigalgs-rsa-pss-sha512"
	pss.extra, pss.scheme = []string{"-sigalgs", "rsa_pss_rsae_sha512"}, padlock.PSSWithSHA512
	pss.wantOut = []string{"Peer signing digest: SHA512", "Peer signature type: RSA-PSS"}
	for _, oc := range append(cases, pss) {
		t.Run(oc.name, func(t *testing.T) { sClientToPadlock(t, openssl, oc) })
	}
}

// TestOpenSSLKeyUpdate has each side of a TLS 1.3 connection with openssl
// update its keys, asking the other to do the same (RFC 8446 section
// 4.6.3), and checks that data still flows both ways afterwards.
func TestOpenSSLKeyUpdate(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, ca := chain(pki.ECDSAP256)

	t.Run("padlock-client", func(t *testing.T) {
		// s_server without -rev: it prints what it reads and sends its
		// stdin, where it also takes commands.
		args := []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
			"-cert", f.cert, "-key", f.key, "-tls1_3"}
		p := start(t, nil, openssl, args...)
		addr := net.JoinHostPort("127.0.0.1", p.waitFor(t, acceptRE)[1])
		c, err := dialPadlock(t, addr, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
		if err != nil {
			t.Fatalf("padlock client handshake: %v", err)
		}
		r := bufio.NewReader(c)
		// exchange sends a line each way.
		exchange := func(line string) {
			t.Helper()
			if _, err := io.WriteString(c, "padlock: "+line+"\n"); err != nil {
				t.Fatalf("write: %v", err)
			}
			p.waitFor(t, regexp.MustCompile(regexp.QuoteMeta("padlock: "+line)))
			io.WriteString(p.stdin, "openssl: "+line+"\n")
			if got, err := r.ReadString('\n'); err != nil || got != "openssl: "+line+"\n" {
				t.Fatalf("read %q, %v; want the line s_server sent", got, err)
			}
		}
		exchange("before any update")
		for i, request := range []bool{false, true, true} {
			if err := c.UpdateKeys(request); err != nil {
				t.Fatalf("UpdateKeys(%v): %v", request, err)
			}
			exchange(fmt.Sprintf("after padlock's update %d", i))
		}
		// s_server's commands: "K" updates and asks padlock to, "k" only
		// updates. s_server reads its stdin in order, so the KeyUpdate
		// goes out before the next line.
		for _, cmd := range []string{"K", "k"} {
			io.WriteString(p.stdin, cmd+"\n")
			exchange("after openssl's update " + cmd)
		}
		if err := c.Close(); err != nil {
			t.Errorf("padlock close: %v", err)
		}
		if err := p.wait(t); err != nil {
			t.Errorf("s_server: %v", err)
		}
		// What s_server prints (buffered until it exits) after each
		// KeyUpdate command.
		if n := strings.Count(p.Output(), "SSL_do_handshake -> 1"); n != 2 {
			t.Errorf("s_server reports %d KeyUpdates, want 2", n)
		}
	})

	t.Run("padlock-server", func(t *testing.T) {
		s := startLineServer(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
		// s_client reads commands only without -ign_eof: it ends when its
		// stdin does, so the test writes it step by step.
		p := start(t, nil, openssl, sClientArgs(s.addr, f, "-tls1_3")...)
		step := func(line, reply string, n int) {
			t.Helper()
			io.WriteString(p.stdin, line+"\n")
			p.waitCount(t, reply, n)
		}
		step("hello", "padlock heard: hello", 1)
		step("K", "KEYUPDATE", 1) // openssl updates and asks padlock to
		step("after one update", "padlock heard: after one update", 1)
		step("k", "KEYUPDATE", 2) // openssl updates alone
		step("after two updates", "padlock heard: after two updates", 1)
		io.WriteString(p.stdin, "bye\n")
		if err := s.result(t); err != nil {
			t.Errorf("padlock server: %v", err)
		}
		p.stdin.Close()
		if err := p.wait(t); err != nil {
			t.Errorf("s_client: %v", err)
		}
	})
}

// TestOpenSSLClientOnlyPSSPSS has s_client accept only rsa_pss_pss_sha256
// from a padlock server whose certificate holds an rsaEncryption key.
// rsa_pss_pss_* are for keys certified with the RSASSA-PSS OID only (RFC
// 8446 section 4.2.3), so no scheme fits: padlock must refuse with
// handshake_failure, as openssl s_server does ("no suitable signature
// algorithm"), not sign with the scheme s_client then rejects.
func TestOpenSSLClientOnlyPSSPSS(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	f := writePEM(t, pki.RSA2048)
	pcert, _, _ := chain(pki.RSA2048)
	for _, vers := range []string{"-tls1_3", "-tls1_2"} {
		t.Run(vers[1:], func(t *testing.T) {
			s := startLineServer(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
			p := start(t, strings.NewReader("hello\nbye\n"), openssl,
				append(sClientArgs(s.addr, f, vers, "-sigalgs", "rsa_pss_pss_sha256"), "-ign_eof")...)
			wantPadlockAlert(t, "padlock server", s.result(t), padlock.AlertHandshakeFailure, false)
			if err := p.wait(t); err == nil {
				t.Error("s_client succeeded")
			}
			out := p.Output()
			if !strings.Contains(out, "SSL alert number 40") {
				t.Errorf("s_client did not receive handshake_failure")
			}
			if strings.Contains(out, "wrong signature type") {
				t.Errorf("padlock signed with a scheme its key cannot make")
			}
		})
	}
}

// TestOpenSSLClientRejectsCertificate has s_client refuse padlock's
// certificate (a CA it does not trust). In TLS 1.3 s_client has not
// changed its write keys when it checks the server's flight, so its
// unknown_ca comes in plaintext where padlock reads protected records
// (RFC 8446 section 6: alerts go under the current write state). padlock
// must report the peer's alert, not answer it with one of its own.
func TestOpenSSLClientRejectsCertificate(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	f := writePEM(t, pki.ECDSAP384) // s_client trusts the P-384 test CA
	pcert, _, _ := chain(pki.ECDSAP256)
	for _, vers := range []string{"-tls1_3", "-tls1_2"} {
		t.Run(vers[1:], func(t *testing.T) {
			s := startLineServer(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
			p := start(t, strings.NewReader("hello\nbye\n"), openssl,
				append(sClientArgs(s.addr, f, vers), "-ign_eof")...)
			wantPadlockAlert(t, "padlock server", s.result(t), padlock.AlertUnknownCA, true)
			if err := p.wait(t); err == nil {
				t.Error("s_client succeeded")
			}
			if out := p.Output(); strings.Contains(out, "SSL alert number") {
				t.Errorf("padlock answered s_client's alert with one of its own")
			}
		})
	}
}
