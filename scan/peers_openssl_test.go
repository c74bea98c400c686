package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"padlock/internal/pki"
)

// opensslCase is one configuration of openssl s_server and what a scan
// of it must report.
type opensslCase struct {
	name   string
	kt     pki.KeyType
	flags  []string
	noEMS  bool // run with the extended master secret turned off
	issued func(t *testing.T) (*pki.CA, *pki.Issued)
	check  func(t *testing.T, r *Report)
}

func opensslCases() []opensslCase {
	return []opensslCase{
		{name: "default", kt: pki.RSA2048, check: func(t *testing.T, r *Report) {
			wantVersions(t, r, "TLS 1.2", "TLS 1.3")
			wantSuiteSet(t, r, "TLS 1.3", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
			wantFindings(t, r, "cbc_suites", "rsa_key_transport", "no_pq_kex")
			noFindings(t, r, "no_ems", "no_tls13", "no_fallback_scsv", "cert_untrusted", "cert_name_mismatch")
			if !r.Features.FallbackSCSV || !r.Features.DowngradeSentinel || !r.Resumption.TLS13Resumed ||
				!r.Resumption.TLS12SessionID || !r.Resumption.TLS12Ticket {
				t.Errorf("features %+v, resumption %+v", r.Features, r.Resumption)
			}
			wantGroups(t, r, "TLS 1.3", "x25519", "secp256r1", "secp384r1")
		}},
		{name: "tls12-cbc", kt: pki.RSA2048,
			flags: []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:AES128-SHA", "-serverpref"},
			check: func(t *testing.T, r *Report) {
				wantVersions(t, r, "TLS 1.2")
				wantSuites(t, r, "TLS 1.2", "server", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
					"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA")
				wantFindings(t, r, "cbc_suites", "rsa_key_transport", "no_tls13")
				if r.Certificate == nil || r.Certificate.Chain[0].Key != "RSA 2048" {
					t.Errorf("certificate %+v: want the chain from the TLS 1.2 first flight", r.Certificate)
				}
				wantGrade(t, r, "A-")
			}},
		{name: "tls13-only", kt: pki.ECDSAP256,
			flags: []string{"-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256", "-groups", "X25519:P-384"},
			check: func(t *testing.T, r *Report) {
				wantVersions(t, r, "TLS 1.3")
				wantSuiteSet(t, r, "TLS 1.3", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
				wantGroups(t, r, "TLS 1.3", "x25519", "secp384r1")
				wantFindings(t, r, "no_pq_kex")
				noFindings(t, r, "no_tls13", "cbc_suites", "no_ems")
				if len(r.SignatureSchemes) != 1 || !slices.Contains(r.SignatureSchemes[0].Schemes, "ecdsa_secp256r1_sha256") {
					t.Errorf("signature schemes %+v", r.SignatureSchemes)
				}
				wantGrade(t, r, "A")
			}},
		{name: "rsa-key-transport", kt: pki.RSA2048,
			flags: []string{"-tls1_2", "-cipher", "AES256-GCM-SHA384:AES128-GCM-SHA256", "-serverpref"},
			check: func(t *testing.T, r *Report) {
				wantSuites(t, r, "TLS 1.2", "server", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256")
				wantFindings(t, r, "rsa_key_transport", "no_forward_secrecy")
				wantGrade(t, r, "B")
			}},
		{name: "no-ems", kt: pki.ECDSAP256, noEMS: true, flags: []string{"-tls1_2"},
			check: func(t *testing.T, r *Report) {
				wantVersions(t, r, "TLS 1.2")
				wantFindings(t, r, "no_ems")
			}},
		{name: "legacy-versions", kt: pki.RSA2048,
			flags: []string{"-min_protocol", "TLSv1", "-cipher", "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"},
			check: func(t *testing.T, r *Report) {
				wantVersions(t, r, "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3")
				wantSuiteSet(t, r, "TLS 1.0", "TLS_RSA_WITH_AES_128_CBC_SHA")
				wantFindings(t, r, "tls10", "tls11", "cbc_suites")
				wantGrade(t, r, "B")
			}},
		{name: "expired", kt: pki.ECDSAP256, issued: func(t *testing.T) (*pki.CA, *pki.Issued) {
			now := time.Now()
			return issue(t, pki.IssueOptions{Hosts: pki.TestHosts, NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.AddDate(-1, 0, 0)})
		}, check: func(t *testing.T, r *Report) {
			wantFindings(t, r, "cert_expired")
			noFindings(t, r, "cert_untrusted", "cert_name_mismatch")
			wantGrade(t, r, "F")
		}},
		{name: "wrong-name", kt: pki.ECDSAP256, issued: func(t *testing.T) (*pki.CA, *pki.Issued) {
			return issue(t, pki.IssueOptions{Hosts: []string{"other.example"}})
		}, check: func(t *testing.T, r *Report) {
			wantFindings(t, r, "cert_name_mismatch")
			noFindings(t, r, "cert_untrusted", "cert_expired")
			wantGrade(t, r, "F")
		}},
	}
}

// issue makes a CA valid for the last three years and the next one,
// and a leaf from it.
func issue(t *testing.T, o pki.IssueOptions) (*pki.CA, *pki.Issued) {
	t.Helper()
	now := time.Now()
	ca, err := pki.NewCA("scan test CA", pki.ECDSAP256, now.AddDate(-3, 0, 0), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	o.KeyType = pki.ECDSAP256
	is, err := ca.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return ca, is
}

// TestScanOpenSSL scans openssl s_server in several configurations and
// checks the versions, suites (and their order), groups, findings and
// grade; each scan must take under 10 seconds.
func TestScanOpenSSL(t *testing.T) {
	requirePeer(t, "openssl", "openssl")
	for _, oc := range opensslCases() {
		t.Run(oc.name, func(t *testing.T) {
			t.Parallel()
			r := scanOpenSSL(t, oc)
			oc.check(t, r)
		})
	}
}

// scanOpenSSL starts oc's server and scans it.
func scanOpenSSL(t *testing.T, oc opensslCase) *Report {
	ca, is := pki.TestChain(oc.kt)
	if oc.issued != nil {
		ca, is = oc.issued(t)
	}
	f := writeChain(t, ca, is)
	var env []string
	if oc.noEMS {
		env = noEMSEnv(t)
	}
	addr := startSServerEnv(t, env, f, oc.flags...)
	return scanned(t, testScanner(ca), addr)
}

// scanned scans addr, logs the report's summary and checks the time.
func scanned(t *testing.T, s *Scanner, addr string) *Report {
	t.Helper()
	start := time.Now()
	r := s.Scan(context.Background(), addr)
	d := time.Since(start)
	t.Logf("%s: %v in %v, grade %s (%s); errors %q", addr, r.Versions, d.Round(time.Millisecond), r.Grade.Grade, r.Grade.Rule, r.Errors)
	if d > 10*time.Second {
		t.Errorf("the scan took %v, over 10s", d)
	}
	return r
}

// noEMSEnv returns an environment whose OpenSSL configuration turns the
// extended master secret off (SSL_CONF "Options = -ExtendedMasterSecret"):
// s_server of OpenSSL 3.0 has no flag for it.
func noEMSEnv(t *testing.T) []string {
	path := filepath.Join(t.TempDir(), "openssl.cnf")
	conf := "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = no_ems\n[no_ems]\nOptions = -ExtendedMasterSecret\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"OPENSSL_CONF=" + path}
}

func wantVersions(t *testing.T, r *Report, want ...string) {
	t.Helper()
	if !slices.Equal(r.Versions, want) {
		t.Errorf("versions %v, want %v", r.Versions, want)
	}
}

func wantSuites(t *testing.T, r *Report, v, order string, want ...string) {
	t.Helper()
	if got := r.CipherSuites[v]; !slices.Equal(got, want) {
		t.Errorf("%s suites %v, want %v", v, got, want)
	}
	if r.SuiteOrder[v] != order {
		t.Errorf("%s order %q, want %q", v, r.SuiteOrder[v], order)
	}
}

func wantSuiteSet(t *testing.T, r *Report, v string, want ...string) {
	t.Helper()
	got := slices.Sorted(slices.Values(r.CipherSuites[v]))
	if slices.Sort(want); !slices.Equal(got, want) {
		t.Errorf("%s suites %v, want %v in some order", v, got, want)
	}
}

func wantGroups(t *testing.T, r *Report, v string, want ...string) {
	t.Helper()
	for _, g := range want {
		if !slices.Contains(r.Groups[v], g) {
			t.Errorf("%s groups %v lack %s", v, r.Groups[v], g)
		}
	}
}

func findingIDs(r *Report) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

func wantFindings(t *testing.T, r *Report, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if !slices.Contains(findingIDs(r), id) {
			t.Errorf("no finding %s among %v", id, findingIDs(r))
		}
	}
}

func noFindings(t *testing.T, r *Report, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if slices.Contains(findingIDs(r), id) {
			t.Errorf("unexpected finding %s among %v", id, findingIDs(r))
		}
	}
}

func wantGrade(t *testing.T, r *Report, g string) {
	t.Helper()
	if r.Grade.Grade != g {
		t.Errorf("grade %s (%s), want %s; findings %v", r.Grade.Grade, r.Grade.Rule, g, findingIDs(r))
	}
}
