package interop

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"padlock"
)

// gnutlsGroupNames are the groups as GnuTLS names them in priority
// strings and in `gnutls-cli --list`. GnuTLS 3.7 has none of the hybrids;
// the names of the hybrids are those of later releases.
var gnutlsGroupNames = map[padlock.CurveID]string{
	padlock.X25519:             "GROUP-X25519",
	padlock.CurveP256:          "GROUP-SECP256R1",
	padlock.CurveP384:          "GROUP-SECP384R1",
	padlock.CurveP521:          "GROUP-SECP521R1",
	padlock.X25519MLKEM768:     "GROUP-X25519-MLKEM768",
	padlock.SecP256r1MLKEM768:  "GROUP-SECP256R1-MLKEM768",
	padlock.SecP384r1MLKEM1024: "GROUP-SECP384R1-MLKEM1024",
}

// gnutlsSuites are the suites as GnuTLS priority strings select them: a
// cipher and, for TLS 1.2, a key exchange.
var gnutlsSuites = map[uint16][2]string{
	padlock.TLS_AES_128_GCM_SHA256:                        {"AES-128-GCM", ""},
	padlock.TLS_AES_256_GCM_SHA384:                        {"AES-256-GCM", ""},
	padlock.TLS_CHACHA20_POLY1305_SHA256:                  {"CHACHA20-POLY1305", ""},
	padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:       {"AES-128-GCM", "ECDHE-ECDSA"},
	padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:       {"AES-256-GCM", "ECDHE-ECDSA"},
	padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: {"CHACHA20-POLY1305", "ECDHE-ECDSA"},
	padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:         {"AES-128-GCM", "ECDHE-RSA"},
	padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:         {"AES-256-GCM", "ECDHE-RSA"},
	padlock.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:   {"CHACHA20-POLY1305", "ECDHE-RSA"},
	padlock.TLS_RSA_WITH_AES_128_GCM_SHA256:               {"AES-128-GCM", "RSA"},
	padlock.TLS_RSA_WITH_AES_256_GCM_SHA384:               {"AES-256-GCM", "RSA"},
}

// probeGnuTLS finds the GnuTLS version and the groups `--list` names.
func probeGnuTLS(t *testing.T, bin string) (*peerCaps, error) {
	out, err := commandOutput(bin, "--version")
	if err != nil {
		return nil, err
	}
	f := strings.Fields(out)
	if len(f) < 2 {
		return nil, fmt.Errorf("%s --version printed %q", bin, out)
	}
	list, err := commandOutput(bin, "--list")
	if err != nil {
		return nil, fmt.Errorf("%s --list: %v", bin, err)
	}
	pc := &peerCaps{version: "GnuTLS " + f[1], groups: map[padlock.CurveID]string{}}
	for _, line := range strings.Split(list, "\n") {
		names, ok := strings.CutPrefix(line, "Groups: ")
		if !ok {
			continue
		}
		have := strings.Split(names, ", ")
		for id, name := range gnutlsGroupNames {
			if containsFold(have, name) {
				pc.groups[id] = name
			}
		}
	}
	return pc, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// gnutlsPriority pins GnuTLS to the cell's version, suite and groups:
// the cell's group for a server, clientGroups for a client.
func gnutlsPriority(c cell, pc *peerCaps, server bool) string {
	s := gnutlsSuites[c.suite]
	p := []string{"NORMAL", "-VERS-ALL", "+VERS-TLS1.3", "-CIPHER-ALL", "+" + s[0]}
	if c.vers == padlock.VersionTLS12 {
		p[2] = "+VERS-TLS1.2"
		p = append(p, "-KX-ALL", "+"+s[1])
	}
	groups := []padlock.CurveID{c.group}
	if !server {
		groups = c.clientGroups()
	}
	if c.group != 0 {
		p = append(p, "-GROUP-ALL")
		for _, g := range groups {
			p = append(p, "+"+pc.groups[g])
		}
	}
	if c.legacyEMS {
		p = append(p, "%NO_SESSION_HASH") // no RFC 7627
	}
	return strings.Join(p, ":")
}

// gnutlsVersion is the version as GnuTLS prints it: "TLS1.3".
func gnutlsVersion(v uint16) string {
	return strings.ReplaceAll(padlock.VersionName(v), " ", "")
}

// gnutlsRequestRE matches what gnutls-cli prints when the server asked
// for a certificate: TLS 1.3 says so, TLS 1.2 says what it sent.
var gnutlsRequestRE = regexp.MustCompile(`Server has requested a certificate|Successfully sent \d+ certificate`)

var gnutlsListenRE = regexp.MustCompile(`IPv4 0\.0\.0\.0 port \d+\.\.\.(done|bind)`)

// startGnuTLSServ starts gnutls-serv on a free port. gnutls-serv cannot
// report a port the system chose, so the test picks one and tries again
// should another process take it first.
func startGnuTLSServ(t *testing.T, bin string, args ...string) (*process, string) {
	t.Helper()
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		p := start(t, nil, bin, append(args, "-p", port)...)
		if p.waitFor(t, gnutlsListenRE)[1] == "done" {
			return p, port
		}
		p.cmd.Process.Kill()
	}
	t.Fatal("gnutls-serv could not bind a port in three tries")
	return nil, ""
}

// runGnuTLSServ connects padlock clients to gnutls-serv --echo.
func runGnuTLSServ(t *testing.T, bin string, pc *peerCaps, c cell) {
	f := writePEM(t, c.cert.kt)
	args := []string{"--echo", "--x509certfile", f.cert, "--x509keyfile", f.key,
		"--priority", gnutlsPriority(c, pc, true)}
	switch c.auth {
	case authNone:
		args = append(args, "--disable-client-cert")
	case authCert:
		args = append(args, "--require-client-cert", "--verify-client-cert", "--x509cafile", f.ca)
	case authRequested:
		// gnutls-serv asks for a certificate unless told not to.
		args = append(args, "--verify-client-cert", "--x509cafile", f.ca)
	}
	p, port := startGnuTLSServ(t, bin, args...)
	config, requests := c.padlockClientConfig()
	for i := range c.connections() {
		conn, err := dialPadlock(t, net.JoinHostPort("127.0.0.1", port), config)
		if err != nil {
			t.Fatalf("connection %d: padlock client handshake: %v", i+1, err)
		}
		c.check(t, asClient, i, conn.ConnectionState())
		line := fmt.Sprintf("hello %d from padlock\n", i+1)
		if _, err := io.WriteString(conn, line); err != nil {
			t.Fatalf("write: %v", err)
		}
		if got, err := bufio.NewReader(conn).ReadString('\n'); err != nil || got != line {
			t.Fatalf("gnutls-serv echoed %q, %v; want %q", got, err, line)
		}
		if err := conn.Close(); err != nil {
			t.Errorf("padlock close: %v", err)
		}
	}
	c.checkRequests(t, "padlock client", requests.Load())
	c.checkNothingKept(t, config)
	if t.Failed() {
		return // do not wait for what gnutls-serv will not print
	}
	// gnutls-serv prints each connection's parameters after its handshake.
	p.waitCount(t, "- Version: "+gnutlsVersion(c.vers), c.connections())
	if c.resumes(1) {
		p.waitCount(t, "*** This is a resumed session", 1)
	} else if strings.Contains(p.Output(), "*** This is a resumed session") {
		t.Error("gnutls-serv resumed a session")
	}
}

// runGnuTLSCli connects gnutls-cli to a padlock server; with --resume it
// connects, disconnects and resumes, then sends a line.
func runGnuTLSCli(t *testing.T, bin string, pc *peerCaps, c cell) {
	f := writePEM(t, c.cert.kt)
	s := startMultiLineServer(t, c.padlockServerConfig(), c.connections())
	_, port, _ := net.SplitHostPort(s.addr)
	args := []string{"-p", port, "--x509cafile", f.ca, "--sni-hostname", "localhost",
		"--verify-hostname", "localhost", "--priority", gnutlsPriority(c, pc, false)}
	if c.auth == authCert {
		cert, key := clientPEM(t, c.cert.kt)
		args = append(args, "--x509certfile", cert, "--x509keyfile", key)
	}
	if c.resume {
		// In TLS 1.3 the ticket comes after the handshake.
		args = append(args, "--resume", "--waitresumption")
	}
	p := start(t, nil, bin, append(args, "127.0.0.1")...)
	p.waitCount(t, "Simple Client Mode", 1)
	io.WriteString(p.stdin, "hello from gnutls\n")
	p.waitCount(t, "padlock heard: hello from gnutls", 1)
	io.WriteString(p.stdin, "bye\n")
	if err := p.wait(t); err != nil {
		t.Errorf("gnutls-cli: %v", err)
	}
	out := p.Output()
	want := []string{"- Description: (" + gnutlsVersion(c.vers) + "-", "- Status: The certificate is trusted."}
	if c.resumes(1) {
		want = append(want, "*** This is a resumed session")
	} else if strings.Contains(out, "*** This is a resumed session") {
		t.Error("gnutls-cli resumed a session")
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("gnutls-cli output lacks %q", w)
		}
	}
	c.checkRequestSeen(t, "gnutls-cli", out, gnutlsRequestRE)
	s.checkServerConns(t, c, false)
}
