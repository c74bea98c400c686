package interop

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// The interop matrix runs padlock against every peer in both roles. The
// full product of versions, suites, groups, certificates, client
// authentication and resumption is thousands of handshakes per peer, too
// many for the CI budget, so the matrix is a covering design of three
// tables per peer and role:
//
//   - suites × groups: every suite of each version with every group,
//     on the certificate its authentication takes;
//   - certificates: every certificate key type in each version, RSA once
//     with PKCS#1 v1.5 and once with PSS handshake signatures in TLS 1.2;
//   - features: a client certificate, a client certificate requested but
//     not sent, and resumption, in each version; and in TLS 1.2 also
//     resumption by session ID, without tickets, and a peer without the
//     extended master secret (RFC 7627), whose session padlock must not
//     resume.
//
// A cell the peer cannot run names why and is shown as n/a; nothing is
// silently left out. TestMatrix prints the tables when it ends.

// clientAuth is what a cell does about client certificates.
type clientAuth int

const (
	authNone      clientAuth = iota // the server asks for none
	authCert                        // the server requires one and the client sends it
	authRequested                   // the server asks, the client sends none
)

// certKind is a server certificate's key and, for RSA, the handshake
// signature the cell forces: "pkcs1" (RSASSA-PKCS1-v1_5, TLS 1.2 only),
// "pss" (RSASSA-PSS), or "" for whatever the two sides agree on.
type certKind struct {
	kt  pki.KeyType
	sig string
}

func (k certKind) String() string {
	if k.sig == "" {
		return string(k.kt)
	}
	return string(k.kt) + " " + k.sig
}

// schemes are the signature schemes padlock allows for k, forcing the
// RSA signature kind; nil when the cell does not force one.
func (k certKind) schemes() []padlock.SignatureScheme {
	switch k.sig {
	case "pkcs1":
		return []padlock.SignatureScheme{padlock.PKCS1WithSHA256, padlock.PKCS1WithSHA384, padlock.PKCS1WithSHA512}
	case "pss":
		return []padlock.SignatureScheme{padlock.PSSWithSHA256, padlock.PSSWithSHA384, padlock.PSSWithSHA512}
	}
	return nil
}

// axis names the table a cell is shown in.
type axis int

const (
	axisSuites axis = iota
	axisCerts
	axisFeatures
)

// cell is one handshake (two with resumption) of the matrix.
type cell struct {
	axis   axis
	vers   uint16
	suite  uint16
	group  padlock.CurveID // 0 for RSA key transport
	cert   certKind
	auth   clientAuth
	resume bool
	// sessionID makes padlock's side refuse tickets, so that TLS 1.2
	// resumes by session ID (RFC 5246 section 7.4.1.2).
	sessionID bool
	// legacyEMS makes the peer do without the extended master secret
	// (RFC 7627), as old stacks do: padlock goes on, but the second
	// connection must be a full handshake (section 5.3) and nothing may
	// be exported (section 5.4).
	legacyEMS bool
	// na, when set, is why no peer can run the cell (the protocol rules
	// it out); the cell is still shown.
	na string
}

// name is the cell's subtest name: every parameter, so that equal cells
// of different tables run once.
func (c cell) name() string {
	g := "rsa-kx"
	if c.group != 0 {
		g = c.group.String()
	}
	n := fmt.Sprintf("%s/%s/%s/%s", versionTag(c.vers), padlock.CipherSuiteName(c.suite), g,
		strings.ReplaceAll(c.cert.String(), " ", "+"))
	switch c.auth {
	case authCert:
		n += "/client-cert"
	case authRequested:
		n += "/client-cert-requested-none-sent"
	}
	if c.resume {
		n += "/resumption"
	}
	if c.sessionID {
		n += "-by-session-id"
	}
	if c.legacyEMS {
		n += "/peer-without-ems"
	}
	return n
}

// resumes reports whether connection i (0, or 1 for the second) of c
// resumes the first: a session without the extended master secret is
// never resumed (RFC 7627 section 5.3).
func (c cell) resumes(i int) bool {
	return c.resume && !c.legacyEMS && i == 1
}

// versionTag is "tls13" or "tls12".
func versionTag(v uint16) string {
	if v == padlock.VersionTLS13 {
		return "tls13"
	}
	return "tls12"
}

// matrixGroups13 are the groups of the TLS 1.3 table: everything padlock
// implements. TLS 1.2 has only the classic curves (groups12): the hybrids
// are defined for TLS 1.3 alone (draft-ietf-tls-ecdhe-mlkem section 1).
var matrixGroups13 = groups13

// matrixCertKinds are the columns of the certificates table. TLS 1.3
// signs with RSA only in PSS (RFC 8446 section 4.2.3), so its PKCS#1
// cells are not applicable.
var matrixCertKinds = []certKind{
	{pki.ECDSAP256, ""}, {pki.ECDSAP384, ""}, {pki.Ed25519, ""},
	{pki.RSA2048, "pkcs1"}, {pki.RSA2048, "pss"},
	{pki.RSA3072, "pkcs1"}, {pki.RSA3072, "pss"},
}

// Feature columns of the features table.
const (
	featClientCert = "client-cert"
	featRequested  = "requested, none sent"
	featResumption = "resumption"
	featSessionID  = "resumption by session ID"
	featLegacyEMS  = "peer without EMS"
)

// matrixDesign returns the cells of the three tables, in table order.
func matrixDesign() []cell {
	var cells []cell
	v13, v12 := padlock.VersionTLS13, padlock.VersionTLS12
	for _, s := range suites13 {
		for _, g := range matrixGroups13 {
			cells = append(cells, cell{axis: axisSuites, vers: v13, suite: s, group: g, cert: certKind{kt: pki.ECDSAP256}})
		}
	}
	for _, s := range suites12 {
		groups := groups12
		if s.kx {
			groups = []padlock.CurveID{0}
		}
		for _, g := range groups {
			cells = append(cells, cell{axis: axisSuites, vers: v12, suite: s.id, group: g, cert: certKind{kt: s.kts[0]}})
		}
	}
	for _, v := range []uint16{v13, v12} {
		for _, k := range matrixCertKinds {
			c := cell{axis: axisCerts, vers: v, suite: padlock.TLS_AES_128_GCM_SHA256, group: padlock.X25519, cert: k}
			if v == v12 {
				c.suite = padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
				if k.sig != "" {
					c.suite = padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
				}
			} else if k.sig == "pkcs1" {
				c.na = "TLS 1.3 signs with RSA-PSS only (RFC 8446 section 4.2.3)"
			}
			cells = append(cells, c)
		}
	}
	return append(cells, featureCells()...)
}

// featureCells vary the suite, group and key from cell to cell, so that
// the features run over more of the protocol than one fixed handshake.
func featureCells() []cell {
	v13, v12 := padlock.VersionTLS13, padlock.VersionTLS12
	p256, rsa, ed := certKind{kt: pki.ECDSAP256}, certKind{kt: pki.RSA2048}, certKind{kt: pki.Ed25519}
	return []cell{
		{axis: axisFeatures, vers: v13, suite: padlock.TLS_CHACHA20_POLY1305_SHA256, group: padlock.X25519, cert: rsa, auth: authCert},
		{axis: axisFeatures, vers: v13, suite: padlock.TLS_AES_128_GCM_SHA256, group: padlock.CurveP256, cert: ed, auth: authRequested},
		// A SHA-384 suite: the PSK binder uses the suite's hash.
		{axis: axisFeatures, vers: v13, suite: padlock.TLS_AES_256_GCM_SHA384, group: padlock.X25519, cert: certKind{kt: pki.ECDSAP384}, resume: true},
		{axis: axisFeatures, vers: v12, suite: padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, group: padlock.CurveP256, cert: p256, auth: authCert},
		{axis: axisFeatures, vers: v12, suite: padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, group: padlock.X25519, cert: ed, auth: authRequested},
		{axis: axisFeatures, vers: v12, suite: padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, group: padlock.X25519, cert: rsa, resume: true},
		{axis: axisFeatures, vers: v13, suite: padlock.TLS_AES_128_GCM_SHA256, group: padlock.X25519, cert: p256, resume: true, sessionID: true,
			na: "TLS 1.3 resumes with PSKs only, never by session ID (RFC 8446 section 2.2)"},
		{axis: axisFeatures, vers: v12, suite: padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, group: padlock.CurveP384, cert: p256, resume: true, sessionID: true},
		{axis: axisFeatures, vers: v13, suite: padlock.TLS_AES_128_GCM_SHA256, group: padlock.X25519, cert: p256, resume: true, legacyEMS: true,
			na: "TLS 1.3 has no such option: its key schedule always covers the handshake (RFC 8446 section 7.1)"},
		{axis: axisFeatures, vers: v12, suite: padlock.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, group: padlock.CurveP384, cert: rsa, resume: true, legacyEMS: true},
	}
}

// feature is the features-table column of c.
func (c cell) feature() string {
	switch {
	case c.legacyEMS:
		return featLegacyEMS
	case c.auth == authCert:
		return featClientCert
	case c.auth == authRequested:
		return featRequested
	case c.resume && c.sessionID:
		return featSessionID
	case c.resume:
		return featResumption
	}
	return ""
}

// matrixRole is which side padlock plays.
type matrixRole string

const (
	asClient matrixRole = "padlock client"
	asServer matrixRole = "padlock server"
)

// peerCaps is what a peer implementation can do, found by probing it.
type peerCaps struct {
	version string                     // such as "OpenSSL 3.0.19"
	groups  map[padlock.CurveID]string // the groups it has, by its own names
	// noSessionIDs, when set, is why the peer cannot resume by session ID.
	noSessionIDs string
	// alwaysEMS, when set, is why the peer cannot do without the
	// extended master secret.
	alwaysEMS string
}

// lacks returns why the peer cannot run cell c, or "".
func (pc *peerCaps) lacks(c cell) string {
	if c.sessionID && pc.noSessionIDs != "" {
		return pc.noSessionIDs
	}
	if c.legacyEMS && pc.alwaysEMS != "" {
		return pc.alwaysEMS
	}
	g := c.group
	if g == 0 {
		return ""
	}
	if _, ok := pc.groups[g]; ok {
		return ""
	}
	if g == padlock.X25519MLKEM768 || g == padlock.SecP256r1MLKEM768 || g == padlock.SecP384r1MLKEM1024 {
		return pc.version + " has no ML-KEM hybrid groups"
	}
	return fmt.Sprintf("%s has no %v", pc.version, g)
}

// matrixPeer is one block of the matrix: a peer in one role.
type matrixPeer struct {
	role   matrixRole
	name   string
	binary string // the program to find, "" for crypto/tls in process
	// probe finds the peer's version and groups; bin is its path.
	probe func(t *testing.T, bin string) (*peerCaps, error)
	// run runs one applicable cell.
	run func(t *testing.T, bin string, pc *peerCaps, c cell)
}

func (p matrixPeer) title() string { return fmt.Sprintf("%s ↔ %s", p.role, p.name) }

// testName is the block's subtest name, easy to type after -run:
// "padlock-client-vs-openssl-s_server".
func (p matrixPeer) testName() string {
	return strings.NewReplacer(" ", "-", "/", "-").Replace(string(p.role) + " vs " + p.name)
}

// matrixPeers are the blocks, in the order they run and print.
func matrixPeers() []matrixPeer {
	return []matrixPeer{
		{asClient, "openssl s_server", "openssl", probeOpenSSL, runSServer},
		{asClient, "gnutls-serv", "gnutls-serv", probeGnuTLS, runGnuTLSServ},
		{asClient, "crypto/tls server", "", probeCryptoTLS, runCryptoTLSServer},
		{asServer, "openssl s_client", "openssl", probeOpenSSL, runSClient},
		{asServer, "gnutls-cli", "gnutls-cli", probeGnuTLS, runGnuTLSCli},
		{asServer, "curl", "curl", probeCurl, runCurl},
		{asServer, "crypto/tls client", "", probeCryptoTLS, runCryptoTLSClient},
	}
}

// matrixParallel bounds the cells running at once, whatever -parallel
// says: CI has two cores, and each cell may run an external process.
const matrixParallel = 2

var matrixSlots = make(chan struct{}, matrixParallel)

// TestMatrix runs the interop matrix and prints it.
func TestMatrix(t *testing.T) {
	res := newMatrixResults()
	design := matrixDesign()
	peers := matrixPeers()
	for _, p := range peers {
		t.Run(p.testName(), func(t *testing.T) {
			runMatrixPeer(t, p, design, res)
		})
	}
	table := renderMatrix(peers, design, res)
	if testing.Verbose() {
		// `go test -v` shows the test's stdout as it comes.
		fmt.Fprint(os.Stdout, table)
	} else {
		// Without -v, go test shows the log of a failed test only.
		t.Log("\n" + table)
	}
}

// runMatrixPeer runs every cell of the design against one peer, at most
// matrixParallel at a time.
func runMatrixPeer(t *testing.T, p matrixPeer, design []cell, res *matrixResults) {
	block := p.title()
	bin := ""
	if p.binary != "" {
		res.setBlock(block, p.binary+" not found")
		bin = requirePeer(t, p.binary)
		res.setBlock(block, "")
	}
	caps, err := probeOnce(t, p, bin)
	if err != nil {
		res.setBlock(block, "probe failed: "+err.Error())
		t.Fatalf("probing %s: %v", p.name, err)
	}
	res.setBlock(block, caps.version)
	seen := map[string]bool{}
	for _, c := range design {
		name := c.name()
		if seen[name] {
			continue // the same handshake in another table
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			if reason := c.na; reason != "" {
				res.notApplicable(t, block, name, reason)
			}
			if reason := caps.lacks(c); reason != "" {
				res.notApplicable(t, block, name, reason)
			}
			t.Parallel()
			matrixSlots <- struct{}{}
			defer func() { <-matrixSlots }()
			t.Cleanup(func() { res.finish(t, block, name) })
			p.run(t, bin, caps, c)
		})
	}
}

var (
	probesMu sync.Mutex
	probes   = map[string]*peerCaps{}
)

// probeOnce probes each program once per test binary.
func probeOnce(t *testing.T, p matrixPeer, bin string) (*peerCaps, error) {
	probesMu.Lock()
	defer probesMu.Unlock()
	key := p.name + "\x00" + bin
	if pc := probes[key]; pc != nil {
		return pc, nil
	}
	pc, err := p.probe(t, bin)
	if err == nil {
		probes[key] = pc
	}
	return pc, err
}
