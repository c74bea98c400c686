package scan

import (
	"crypto/tls"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
	"padlock/internal/suites"
)

// testsslEnv, set to "full", runs the whole comparison with testssl.sh:
// every server of the scan tests and testssl's full set of checks. It
// takes many minutes; docs/SCAN.md records its result.
const testsslEnv = "PADLOCK_TESTSSL"

// TestScanAgreesWithTestssl scans servers with padlock scan and with
// testssl.sh (Debian package testssl.sh, program testssl) and checks
// that both find the same protocol versions and, per version, the same
// accepted cipher suites. CI runs testssl's protocol and per-protocol
// cipher checks only (-p -E, about 20 s a server) on two servers;
// PADLOCK_TESTSSL=full compares every server with testssl's full run.
func TestScanAgreesWithTestssl(t *testing.T) {
	if testing.Short() {
		t.Skip("testssl.sh takes about 20 s a server; skipped in -short")
	}
	bin := requirePeer(t, "testssl", "testssl.sh")
	full := os.Getenv(testsslEnv) == "full"
	type server struct {
		name  string
		ca    *pki.CA
		start func(t *testing.T) string
	}
	rsaCA, rsaIs := pki.TestChain(pki.RSA2048)
	ecCA, ecIs := pki.TestChain(pki.ECDSAP256)
	servers := []server{
		{"openssl-default", rsaCA, func(t *testing.T) string { return startSServerEnv(t, nil, writeChain(t, rsaCA, rsaIs)) }},
		{"gnutls", ecCA, func(t *testing.T) string { return startGnuTLS(t, writeChain(t, ecCA, ecIs)) }},
	}
	if full {
		for _, oc := range opensslCases() {
			ca, is := pki.TestChain(oc.kt)
			if oc.issued != nil || oc.name == "default" {
				continue // the first server, or certificate cases with the default's versions and suites
			}
			servers = append(servers, server{"openssl-" + oc.name, ca, func(t *testing.T) string {
				var env []string
				if oc.noEMS {
					env = noEMSEnv(t)
				}
				return startSServerEnv(t, env, writeChain(t, ca, is), oc.flags...)
			}})
		}
		servers = append(servers,
			server{"crypto-tls", ecCA, func(t *testing.T) string {
				return startCryptoTLS(t, &tls.Config{Certificates: []tls.Certificate{{Certificate: ecIs.DER, PrivateKey: ecIs.Key}}})
			}},
			server{"padlock", ecCA, func(t *testing.T) string {
				return startPadlock(t, &padlock.Config{Certificates: []padlock.Certificate{{Certificate: ecIs.DER, PrivateKey: ecIs.Key}}})
			}})
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			addr := srv.start(t)
			r := scanned(t, testScanner(srv.ca), addr)
			ts := runTestssl(t, bin, addr, full)
			compareVersions(t, r, ts)
			compareSuites(t, r, ts)
			if full {
				compareFull(t, r, ts)
			}
		})
	}
}

// testsslResult is what testssl.sh found, from its flat JSON file.
type testsslResult struct {
	versions map[string]bool                          // by padlock's version names
	suites   map[string]map[uint16]bool               // version name to suite IDs
	raw      []struct{ ID, Severity, Finding string } // every entry
}

// testsslVersions maps testssl's protocol ids to padlock's names.
var testsslVersions = map[string]string{
	"SSLv2": "SSL 2.0", "SSLv3": "SSL 3.0", "TLS1": "TLS 1.0",
	"TLS1_1": "TLS 1.1", "TLS1_2": "TLS 1.2", "TLS1_3": "TLS 1.3",
}

// testsslCipherProtocols maps the protocol part of testssl's
// "cipher-<proto>_x<hex>" ids to padlock's names.
var testsslCipherProtocols = map[string]string{
	"ssl3": "SSL 3.0", "tls1": "TLS 1.0", "tls1_1": "TLS 1.1", "tls1_2": "TLS 1.2", "tls1_3": "TLS 1.3",
}

// runTestssl runs testssl.sh against addr and reads its JSON.
func runTestssl(t *testing.T, bin, addr string, full bool) *testsslResult {
	t.Helper()
	out := filepath.Join(t.TempDir(), "testssl.json")
	args := []string{"--quiet", "--color", "0", "--warnings", "off", "--jsonfile", out}
	if openssl, err := exec.LookPath("openssl"); err == nil {
		args = append(args, "--openssl", openssl)
	}
	if full {
		args = append(args, "--full") // everything, per-protocol ciphers included
	} else {
		args = append(args, "-p", "-E")
	}
	start := time.Now()
	cmd := exec.Command(bin, append(args, addr)...)
	cmd.Dir = t.TempDir()
	log, err := cmd.CombinedOutput()
	t.Logf("testssl %s: %v", strings.Join(args[7:], " "), time.Since(start).Round(time.Second))
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatalf("testssl: %v (%v)\n%s", rerr, err, log)
	}
	res := &testsslResult{versions: map[string]bool{}, suites: map[string]map[uint16]bool{}}
	if err := json.Unmarshal(data, &res.raw); err != nil {
		t.Fatalf("testssl JSON: %v", err)
	}
	for _, e := range res.raw {
		if v, ok := testsslVersions[e.ID]; ok {
			res.versions[v] = strings.HasPrefix(e.Finding, "offered")
		}
		if rest, ok := strings.CutPrefix(e.ID, "cipher-"); ok {
			i := strings.LastIndex(rest, "_x")
			v, known := testsslCipherProtocols[rest[:max(i, 0)]]
			id, err := strconv.ParseUint(rest[i+2:], 16, 16)
			if i < 0 || !known || err != nil {
				continue
			}
			if res.suites[v] == nil {
				res.suites[v] = map[uint16]bool{}
			}
			res.suites[v][uint16(id)] = true
		}
	}
	return res
}

func compareVersions(t *testing.T, r *Report, ts *testsslResult) {
	t.Helper()
	for v, offered := range ts.versions {
		if slices.Contains(r.Versions, v) != offered {
			t.Errorf("%s: testssl says offered=%v, padlock scan found %v", v, offered, r.Versions)
		}
	}
	if len(ts.versions) < 6 {
		t.Errorf("testssl reported only %d protocol versions", len(ts.versions))
	}
}

// suiteIDs is the reverse of suites.SuiteName over the known suites.
var suiteIDs = func() map[string]uint16 {
	m := map[string]uint16{}
	for _, id := range suites.KnownSuiteIDs() {
		m[suites.SuiteName(id)] = id
	}
	return m
}()

func compareSuites(t *testing.T, r *Report, ts *testsslResult) {
	t.Helper()
	for _, v := range r.Versions {
		ours := map[uint16]bool{}
		for _, name := range r.CipherSuites[v] {
			ours[suiteIDs[name]] = true
		}
		theirs := ts.suites[v]
		for id := range ours {
			if !theirs[id] {
				t.Errorf("%s: padlock scan found %s, testssl did not", v, suiteName(id))
			}
		}
		for id := range theirs {
			if !ours[id] {
				t.Errorf("%s: testssl found %s, padlock scan did not", v, suiteName(id))
			}
		}
		t.Logf("%s: %d suites, both agree on %d", v, len(theirs), countCommon(ours, theirs))
	}
}

func countCommon(a, b map[uint16]bool) int {
	n := 0
	for id := range a {
		if b[id] {
			n++
		}
	}
	return n
}

// find returns testssl's finding for id, and whether it reported one.
func (ts *testsslResult) find(id string) (string, bool) {
	for _, e := range ts.raw {
		if e.ID == id {
			return e.Finding, true
		}
	}
	return "", false
}

// vulnerable reports whether testssl rated id as a problem (LOW or
// worse), and whether it reported it at all.
func (ts *testsslResult) vulnerable(id string) (finding string, bad, ok bool) {
	for _, e := range ts.raw {
		if e.ID == id {
			return e.Finding, !slices.Contains([]string{"OK", "INFO", "WARN"}, e.Severity), true
		}
	}
	return "", false, false
}

// testsslCurves maps testssl's (OpenSSL's) curve names to IANA's.
var testsslCurves = map[string]string{
	"prime256v1": "secp256r1", "secp384r1": "secp384r1", "secp521r1": "secp521r1",
	"X25519": "x25519", "X448": "x448", "brainpoolP256r1": "brainpoolP256r1",
	"brainpoolP384r1": "brainpoolP384r1", "brainpoolP512r1": "brainpoolP512r1",
}

// compareFull compares what testssl's full run and padlock scan both
// report beyond versions and suites: the ECDHE curves, secure
// renegotiation, compression, the extended master secret, the ticket
// lifetime, and the CBC, RC4, 3DES and client renegotiation findings.
func compareFull(t *testing.T, r *Report, ts *testsslResult) {
	t.Helper()
	if f, ok := ts.find("PFS_ECDHE_curves"); ok {
		var theirs []string
		for _, c := range strings.Fields(f) {
			if n, ok := testsslCurves[c]; ok {
				theirs = append(theirs, n)
			}
		}
		ours := append(slices.Clone(r.Groups["TLS 1.2"]), r.Groups["TLS 1.3"]...)
		for _, c := range theirs {
			if !slices.Contains(ours, c) {
				t.Errorf("testssl found curve %s, padlock scan did not (%v)", c, ours)
			}
		}
		t.Logf("curves: testssl %v, padlock scan %v", theirs, ours)
	}
	agree := func(what, finding string, theirs, ours bool) {
		t.Helper()
		if theirs != ours {
			t.Errorf("%s: testssl %v (%q), padlock scan %v", what, theirs, finding, ours)
		}
	}
	if f, ok := ts.find("secure_renego"); ok && !slices.Contains(r.Features.Untested, "secure_renegotiation") {
		agree("secure renegotiation", f, strings.HasPrefix(f, "supported"), r.Features.SecureRenegotiation)
	}
	if f, bad, ok := ts.vulnerable("CRIME_TLS"); ok {
		agree("compression", f, bad, r.Features.Compression)
	}
	if f, ok := ts.find("TLS_extensions"); ok && slices.Contains(r.Versions, "TLS 1.2") {
		agree("extended master secret", f, strings.Contains(f, "extended master secret"), r.Features.ExtendedMasterSecret)
	}
	// testssl reads the lifetime of TLS 1.2 tickets, which may differ
	// from TLS 1.3's; compare where it found one.
	if f, ok := ts.find("TLS_session_ticket"); ok && r.Resumption.TicketLifetime > 0 && strings.Contains(f, " seconds") {
		if !strings.Contains(f, strconv.Itoa(int(r.Resumption.TicketLifetime))+" seconds") {
			t.Errorf("ticket lifetime: testssl %q, padlock scan %d s", f, r.Resumption.TicketLifetime)
		}
	}
	ids := findingIDs(r)
	for testsslID, ours := range map[string]string{"LUCKY13": "cbc_suites", "RC4": "rc4", "SWEET32": "3des",
		"secure_client_renego": "client_renegotiation"} {
		if f, bad, ok := ts.vulnerable(testsslID); ok {
			agree(testsslID+"/"+ours, f, bad, slices.Contains(ids, ours))
		}
	}
}
