package scan

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// assess turns what the probes found into the report: the versions,
// suites and groups by name, the certificate checks, the findings and
// the grade.
func assess(t *targetScan) {
	r := t.r
	defer emptyNotNull(r)
	if t.supported[0x0002] {
		r.Versions = append(r.Versions, versionName(0x0002))
	}
	for _, v := range probeVersions {
		if t.supported[v] {
			r.Versions = append(r.Versions, versionName(v))
		}
	}
	for v, ids := range t.accepted {
		r.CipherSuites[versionName(v)] = names(ids, suiteName)
	}
	for v, ids := range t.groups {
		r.Groups[versionName(v)] = names(ids, groupName)
	}
	for _, k := range t.hs.order {
		r.SignatureSchemes = append(r.SignatureSchemes, *t.hs.schemes[k])
	}
	if len(r.Versions) == 0 {
		r.Grade = Grade{"F", "no TLS version was accepted: the server is not reachable or does not speak TLS"}
		return
	}
	addProtocolFindings(t)
	addSuiteFindings(t)
	addFeatureFindings(t)
	addCertificateFindings(t)
	for i := range r.Findings {
		if a := t.evidence[r.Findings[i].ID]; a != nil && t.s.opts.KeepBytes {
			r.Findings[i].Probe = &ProbeBytes{Sent: a.sent, Received: a.recv}
		}
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
	r.Grade = grade(r)
}

// emptyNotNull makes the report's lists empty rather than nil, so that
// its JSON has [] where nothing was found.
func emptyNotNull(r *Report) {
	for _, l := range []*[]string{&r.Versions, &r.ALPN, &r.Errors, &r.Features.Untested} {
		if *l == nil {
			*l = []string{}
		}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.SignatureSchemes == nil {
		r.SignatureSchemes = []CertSchemes{}
	}
}

// names maps ids to names.
func names(ids []uint16, name func(uint16) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return out
}

func (r *Report) add(id, evidence string) { r.Findings = append(r.Findings, finding(id, evidence)) }

func addProtocolFindings(t *targetScan) {
	r := t.r
	for v, id := range map[uint16]string{0x0002: "ssl2", versionSSL30: "ssl3", versionTLS10: "tls10", versionTLS11: "tls11"} {
		if t.supported[v] {
			r.add(id, versionName(v)+" accepted")
		}
	}
	if !t.supported[versionTLS13] {
		r.add("no_tls13", "")
	}
}

func addSuiteFindings(t *targetScan) {
	r := t.r
	byFinding := map[string][]string{}
	fs, any := false, false
	for _, ids := range t.accepted {
		for _, id := range ids {
			k := kindOf(id)
			any = true
			fs = fs || k.forwardSecret()
			for _, f := range suiteFindings(k) {
				if !slices.Contains(byFinding[f], k.name) {
					byFinding[f] = append(byFinding[f], k.name)
				}
			}
		}
	}
	for _, f := range []string{"null_or_export", "rc4", "3des", "cbc_suites", "rsa_key_transport"} {
		if s := byFinding[f]; len(s) > 0 {
			slices.Sort(s)
			r.add(f, strings.Join(s, ", "))
		}
	}
	if any && !fs {
		r.add("no_forward_secrecy", "")
	}
	if t.supported[versionTLS13] || t.supported[versionTLS12] {
		pq := false
		for _, g := range t.groups[versionTLS13] {
			pq = pq || g == 0x11EB || g == 0x11EC || g == 0x11ED
		}
		if !pq {
			r.add("no_pq_kex", "groups: "+strings.Join(r.Groups[versionName(versionTLS13)], ", "))
		}
	}
}

func addFeatureFindings(t *targetScan) {
	r, f := t.r, &t.r.Features
	untested := func(n string) bool { return slices.Contains(f.Untested, n) }
	if t.supported[versionTLS12] && !f.ExtendedMasterSecret {
		r.add("no_ems", "the TLS 1.2 ServerHello has no extended_master_secret")
	}
	if !untested("secure_renegotiation") && !f.SecureRenegotiation && t.bestLegacy() != 0 {
		r.add("no_secure_renegotiation", "the ServerHello has no renegotiation_info")
	}
	if f.ClientRenegotiation {
		r.add("client_renegotiation", "a renegotiation ClientHello on an established TLS 1.2 connection got a "+t.renegotiation)
	}
	if f.Compression {
		r.add("compression", "the server chose DEFLATE")
	}
	if t.evidence["no_fallback_scsv"] != nil {
		r.add("no_fallback_scsv", "a hello with TLS_FALLBACK_SCSV got a ServerHello")
	}
	if !untested("version_tolerant") && !f.VersionTolerant || !f.GreaseTolerant {
		var what []string
		if !untested("version_tolerant") && !f.VersionTolerant {
			what = append(what, "legacy_version 0x0304")
		}
		if !f.GreaseTolerant {
			what = append(what, "GREASE values")
		}
		r.add("version_intolerance", "failed: "+strings.Join(what, ", "))
	}
	if r.Resumption.TicketLifetime > 24*3600 {
		r.add("long_ticket_lifetime", fmt.Sprintf("ticket_lifetime %d s (%s)", r.Resumption.TicketLifetime,
			time.Duration(r.Resumption.TicketLifetime)*time.Second))
	}
	if r.Resumption.EarlyData {
		r.add("early_data", fmt.Sprintf("max_early_data_size %d", r.Resumption.MaxEarlyData))
	}
}

func addCertificateFindings(t *targetScan) {
	r := t.r
	if t.hs.chain == nil {
		t.r.Errors = append(t.r.Errors, "certificate: no handshake got the server's certificate")
		return
	}
	host := t.host
	cert, certs, err := checkCertificate(t.hs.chain, host, t.s.now(), t.s.opts.RootCAs)
	if err != nil {
		r.Errors = append(r.Errors, "certificate: "+err.Error())
		return
	}
	cert.OCSPStapled = len(t.hs.ocsp) > 0
	r.Certificate = cert
	leaf := certs[0]
	switch {
	case cert.Expired:
		r.add("cert_expired", "not after "+cert.Chain[0].NotAfter)
	case cert.NotYetValid:
		r.add("cert_not_yet_valid", "not before "+cert.Chain[0].NotBefore)
	}
	if !cert.NameMatch {
		r.add("cert_name_mismatch", fmt.Sprintf("%s is not among %s", host, strings.Join(append(cert.Chain[0].SANs, "CN="+leaf.Subject.CommonName), ", ")))
	}
	switch {
	case cert.Trusted:
		// A self-signed certificate the scan was told to trust (--ca) is
		// pinned, not a finding.
	case cert.SelfSigned:
		r.add("cert_self_signed", cert.Chain[0].Subject)
	case cert.ChainIncomplete:
		r.add("chain_incomplete", "the chain ends at "+cert.Chain[len(cert.Chain)-1].Issuer+", which it does not include")
		r.add("cert_untrusted", cert.TrustError)
	case !cert.Trusted:
		r.add("cert_untrusted", cert.TrustError)
	}
	if !cert.ChainInOrder {
		r.add("chain_order", "")
	}
	for _, c := range certs {
		if weakKey(c) {
			r.add("weak_key", keyDescription(c)+" in "+c.Subject.String())
			break
		}
	}
	for _, c := range certs {
		if sha1Signed(c) {
			r.add("sha1_signature", c.SignatureAlgorithm.String()+" on "+c.Subject.String())
			break
		}
	}
}
