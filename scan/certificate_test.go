package scan

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"slices"
	"testing"
	"time"
)

// testCert is a certificate made for one check, with its key.
type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// makeCert issues a certificate for name from parent (self-signed when
// nil), valid from notBefore for a year.
func makeCert(t *testing.T, name string, ca bool, parent *testCert, key crypto.Signer, notBefore time.Time) *testCert {
	t.Helper()
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: notBefore, NotAfter: notBefore.AddDate(1, 0, 0),
		IsCA: ca, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if !ca {
		tmpl.DNSNames = []string{name}
	}
	parentCert, parentKey := tmpl, key
	if parent != nil {
		parentCert, parentKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCert{c, key}
}

func ders(certs ...*testCert) [][]byte {
	var out [][]byte
	for _, c := range certs {
		out = append(out, c.cert.Raw)
	}
	return out
}

// TestCheckCertificate checks each certificate finding on a chain made
// for it: a good one, a missing intermediate, a chain out of order, a
// self-signed leaf, a name mismatch, dates, and a weak key.
func TestCheckCertificate(t *testing.T) {
	now := time.Now()
	root := makeCert(t, "root", true, nil, nil, now.AddDate(0, -1, 0))
	inter := makeCert(t, "intermediate", true, root, nil, now.AddDate(0, -1, 0))
	leaf := makeCert(t, "server.example", false, inter, nil, now.AddDate(0, 0, -1))
	roots := x509.NewCertPool()
	roots.AddCert(root.cert)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weak := makeCert(t, "server.example", false, inter, rsaKey, now.AddDate(0, 0, -1))
	self := makeCert(t, "server.example", false, nil, nil, now.AddDate(0, 0, -1))
	expired := makeCert(t, "server.example", false, inter, nil, now.AddDate(-2, 0, 0))

	check := func(name string, chain [][]byte, host string, want func(*Certificate) bool) {
		t.Helper()
		c, certs, err := checkCertificate(chain, host, now, roots)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !want(c) {
			t.Errorf("%s: %+v", name, c)
		}
		if name == "weak" && !weakKey(certs[0]) {
			t.Error("weak: the RSA 1024 key is not weak")
		}
	}
	check("good", ders(leaf, inter), "server.example", func(c *Certificate) bool {
		return c.Trusted && c.NameMatch && c.ChainInOrder && !c.ChainIncomplete && !c.Expired && !c.SelfSigned
	})
	check("incomplete", ders(leaf), "server.example", func(c *Certificate) bool {
		return !c.Trusted && c.ChainIncomplete
	})
	check("order", ders(leaf, root, inter), "server.example", func(c *Certificate) bool {
		return c.Trusted && !c.ChainInOrder
	})
	check("self-signed", ders(self), "server.example", func(c *Certificate) bool {
		return !c.Trusted && c.SelfSigned && !c.ChainIncomplete
	})
	check("name", ders(leaf, inter), "other.example", func(c *Certificate) bool {
		return c.Trusted && !c.NameMatch
	})
	check("expired", ders(expired, inter), "server.example", func(c *Certificate) bool {
		return c.Expired && c.NameMatch
	})
	check("weak", ders(weak, inter), "server.example", func(c *Certificate) bool {
		return c.Chain[0].Key == "RSA 1024"
	})
	if _, _, err := checkCertificate([][]byte{{1, 2, 3}}, "x", now, roots); err == nil {
		t.Error("garbage DER: no error")
	}
	if !sha1Signed(&x509.Certificate{SignatureAlgorithm: x509.SHA1WithRSA}) || sha1Signed(leaf.cert) {
		t.Error("sha1Signed")
	}
}

// TestGrade checks that the most severe finding sets the grade.
func TestGrade(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{nil, "A+"},
		{[]string{"no_pq_kex"}, "A"},
		{[]string{"no_pq_kex", "cbc_suites"}, "A-"},
		{[]string{"tls10", "cbc_suites"}, "B"},
		{[]string{"rc4", "tls10"}, "C"},
		{[]string{"cert_expired", "rc4"}, "F"},
	} {
		r := &Report{}
		for _, id := range tc.ids {
			r.add(id, "")
		}
		slices.SortStableFunc(r.Findings, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
		if g := grade(r); g.Grade != tc.want {
			t.Errorf("%v: grade %+v, want %s", tc.ids, g, tc.want)
		}
	}
}

// TestFindingsComplete checks that every finding id the issue names
// exists with a title and an explanation.
func TestFindingsComplete(t *testing.T) {
	for _, id := range []string{"ssl3", "tls10", "tls11", "no_tls13", "cbc_suites", "rc4", "3des",
		"null_or_export", "rsa_key_transport", "no_forward_secrecy", "no_pq_kex", "no_ems",
		"no_secure_renegotiation", "client_renegotiation", "compression", "no_fallback_scsv",
		"version_intolerance", "cert_expired", "cert_not_yet_valid", "cert_name_mismatch",
		"cert_untrusted", "cert_self_signed", "weak_key", "sha1_signature", "chain_incomplete",
		"long_ticket_lifetime"} {
		d, ok := Findings[id]
		if !ok || d.Title == "" || len(d.Explanation) < 80 {
			t.Errorf("finding %s: %+v", id, d)
		}
	}
}

// TestSuiteKinds checks the classification of suites by their IANA names.
func TestSuiteKinds(t *testing.T) {
	for id, want := range map[uint16][]string{
		0x002F: {"cbc_suites", "rsa_key_transport"},
		0xC013: {"cbc_suites"},
		0x0005: {"rc4", "rsa_key_transport"},
		0x000A: {"cbc_suites", "3des", "rsa_key_transport"},
		0x0003: {"rc4", "null_or_export", "rsa_key_transport"},
		0x0001: {"null_or_export", "rsa_key_transport"},
		0xC02F: nil,
		0x1301: nil,
	} {
		if got := suiteFindings(kindOf(id)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", suiteName(id), got, want)
		}
	}
	if !kindOf(0x1301).forwardSecret() || kindOf(0x009C).forwardSecret() || !kindOf(0xC02F).ecdhe() {
		t.Error("forward secrecy or ECDHE misread")
	}
}
