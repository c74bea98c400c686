package interop

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"padlock"
)

// opensslGroupNames are the groups as openssl names them in -groups.
var opensslGroupNames = map[padlock.CurveID]string{
	padlock.X25519:             "X25519",
	padlock.CurveP256:          "P-256",
	padlock.CurveP384:          "P-384",
	padlock.CurveP521:          "P-521",
	padlock.X25519MLKEM768:     "X25519MLKEM768",
	padlock.SecP256r1MLKEM768:  "SecP256r1MLKEM768",
	padlock.SecP384r1MLKEM1024: "SecP384r1MLKEM1024",
}

// commandOutput runs a short command (a version probe), bounded by
// commandTimeout.
func commandOutput(bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	return string(out), err
}

// probeOpenSSL finds openssl's version and whether it has the ML-KEM
// hybrids (OpenSSL 3.5 and later list ML-KEM among the KEMs).
func probeOpenSSL(t *testing.T, bin string) (*peerCaps, error) {
	out, err := commandOutput(bin, "version")
	if err != nil {
		return nil, err
	}
	f := strings.Fields(out)
	if len(f) < 2 {
		return nil, fmt.Errorf("openssl version printed %q", out)
	}
	kems, _ := commandOutput(bin, "list", "-kem-algorithms")
	return opensslCaps(f[0]+" "+f[1], strings.Contains(kems, "ML-KEM")), nil
}

// opensslCaps are the groups of an OpenSSL library.
func opensslCaps(version string, mlkem bool) *peerCaps {
	pc := &peerCaps{version: version, groups: map[padlock.CurveID]string{}}
	for id, name := range opensslGroupNames {
		if mlkem || !strings.Contains(name, "MLKEM") {
			pc.groups[id] = name
		}
	}
	return pc
}

// opensslSuiteName is the suite's name on openssl's command line and in
// its output: the IANA name for TLS 1.3, OpenSSL's own for TLS 1.2.
func opensslSuiteName(id uint16) string {
	for _, s := range opensslSuites12 {
		if s.id == id {
			return s.name
		}
	}
	return padlock.CipherSuiteName(id)
}

// opensslVersion is the version as openssl prints it: "TLSv1.3".
func opensslVersion(v uint16) string {
	return strings.ReplaceAll(padlock.VersionName(v), " ", "v")
}

// opensslFlags pin openssl to the cell's version, suite and groups.
func opensslFlags(c cell, pc *peerCaps, server bool) []string {
	var flags []string
	if c.vers == padlock.VersionTLS13 {
		flags = []string{"-tls1_3", "-ciphersuites", opensslSuiteName(c.suite)}
	} else {
		flags = []string{"-tls1_2", "-cipher", opensslSuiteName(c.suite)}
	}
	if groups := opensslGroupList(c, pc, server); groups != "" {
		flags = append(flags, "-groups", groups)
	}
	return flags
}

// opensslGroupList is the -groups list for the cell: its group for a
// server, clientGroups for a client; "" for RSA key transport.
func opensslGroupList(c cell, pc *peerCaps, server bool) string {
	groups := []padlock.CurveID{c.group}
	if !server {
		groups = c.clientGroups()
	}
	var names []string
	for _, g := range groups {
		if g != 0 {
			names = append(names, pc.groups[g])
		}
	}
	return strings.Join(names, ":")
}

// opensslEnv is the environment for an openssl (or curl) process that
// runs cell c: for a cell whose peer does without the extended master
// secret, a configuration file that turns it off, which OpenSSL 3 has no
// command-line flag for (SSL_CONF "Options = -ExtendedMasterSecret").
func opensslEnv(t *testing.T, c cell) []string {
	t.Helper()
	if !c.legacyEMS {
		return nil
	}
	path := filepath.Join(t.TempDir(), "openssl.cnf")
	conf := `openssl_conf = padlock_init
[padlock_init]
ssl_conf = padlock_ssl
[padlock_ssl]
system_default = padlock_no_ems
[padlock_no_ems]
Options = -ExtendedMasterSecret
`
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"OPENSSL_CONF=" + path}
}

// runSServer connects padlock clients to openssl s_server -rev.
func runSServer(t *testing.T, bin string, pc *peerCaps, c cell) {
	f := writePEM(t, c.cert.kt)
	args := []string{"s_server", "-accept", "127.0.0.1:0", "-naccept", strconv.Itoa(c.connections()),
		"-rev", "-cert", f.cert, "-key", f.key}
	args = append(args, opensslFlags(c, pc, true)...)
	switch c.auth {
	case authCert:
		args = append(args, "-Verify", "1", "-verify_return_error", "-CAfile", f.ca)
	case authRequested:
		args = append(args, "-verify", "1", "-CAfile", f.ca)
	}
	p := startEnv(t, opensslEnv(t, c), nil, bin, args...)
	addr := net.JoinHostPort("127.0.0.1", p.waitFor(t, acceptRE)[1])
	config, requests := c.padlockClientConfig()
	for i := range c.connections() {
		conn, err := dialPadlock(t, addr, config)
		if err != nil {
			t.Fatalf("connection %d: padlock client handshake: %v", i+1, err)
		}
		c.check(t, asClient, i, conn.ConnectionState())
		r := bufio.NewReader(conn)
		revExchange(t, conn, r, "hello from padlock")
		closeRev(t, conn, r)
	}
	c.checkRequests(t, "padlock client", requests.Load())
	c.checkNothingKept(t, config)
	if err := p.wait(t); err != nil {
		t.Errorf("s_server: %v", err)
	}
	out := p.Output()
	want := []string{"Protocol version: " + opensslVersion(c.vers), "Ciphersuite: " + opensslSuiteName(c.suite)}
	if c.auth == authCert {
		want = append(want, "CN = padlock test client")
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("s_server output lacks %q", w)
		}
	}
}

// sClientRequestRE matches the state s_client -state passes through
// when the server asks for a certificate.
var sClientRequestRE = regexp.MustCompile(`read server certificate request`)

// runSClient connects openssl s_client to a padlock server, twice for
// resumption (-sess_out, then -sess_in).
func runSClient(t *testing.T, bin string, pc *peerCaps, c cell) {
	f := writePEM(t, c.cert.kt)
	s := startMultiLineServer(t, c.padlockServerConfig(), c.connections())
	session := filepath.Join(t.TempDir(), "session.pem")
	for i := range c.connections() {
		flags := opensslFlags(c, pc, false)
		if c.auth == authCert {
			cert, key := clientPEM(t, c.cert.kt)
			flags = append(flags, "-cert", cert, "-key", key)
		}
		flags = append(flags, "-state") // to show a CertificateRequest
		fresh := "New"
		if c.resume && i == 0 {
			flags = append(flags, "-sess_out", session)
		} else if c.legacyEMS {
			// s_client saves only a session it could resume, and padlock
			// gave it neither a ticket nor a session ID (RFC 7627
			// section 5.3): the second connection is a full handshake.
			if _, err := os.Stat(session); err == nil {
				t.Error("s_client saved a session to resume without the extended master secret")
			}
		} else if c.resume {
			flags = append(flags, "-sess_in", session)
			fresh = "Reused"
		}
		p := startEnv(t, opensslEnv(t, c), strings.NewReader("hello from openssl\nbye\n"), bin,
			append(sClientArgs(s.addr, f, flags...), "-ign_eof")...)
		if err := p.wait(t); err != nil {
			t.Fatalf("s_client, connection %d: %v", i+1, err)
		}
		want := []string{
			fmt.Sprintf("%s, %s, Cipher is %s", fresh, opensslVersion(c.vers), opensslSuiteName(c.suite)),
			"Verify return code: 0 (ok)",
			"padlock heard: hello from openssl",
		}
		if c.vers == padlock.VersionTLS12 && c.legacyEMS {
			want = append(want, "Extended master secret: no")
		} else if c.vers == padlock.VersionTLS12 {
			want = append(want, "Extended master secret: yes")
		}
		out := p.Output()
		c.checkRequestSeen(t, "s_client", out, sClientRequestRE)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("s_client, connection %d: output lacks %q", i+1, w)
			}
		}
	}
	s.checkServerConns(t, c, true)
}
