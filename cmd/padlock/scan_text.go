package main

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"time"

	"padlock/scan"
	"padlock/trace"
)

// scanText renders a scan report as text.
type scanText struct {
	w         *bufio.Writer
	color     bool
	showBytes bool
}

const (
	scanRed    = "\x1b[31m"
	scanYellow = "\x1b[33m"
	scanGreen  = "\x1b[32m"
	scanCyan   = "\x1b[36m"
	scanBold   = "\x1b[1m"
	scanDim    = "\x1b[2m"
	scanReset  = "\x1b[0m"
)

func (s *scanText) paint(color, text string) string {
	if !s.color {
		return text
	}
	return color + text + scanReset
}

// row prints one labelled line; the text comes from the server or the
// network, so it is made printable.
func (s *scanText) row(label, format string, args ...any) {
	text := trace.Printable(fmt.Sprintf(format, args...))
	fmt.Fprintf(s.w, "  %-14s %s\n", label, text)
}

func (s *scanText) report(r *scan.Report) {
	fmt.Fprintf(s.w, "%s  grade %s  %s  (%d probes, %.2f s)\n", s.paint(scanBold, trace.Printable(r.Target)),
		s.paint(gradeColor(r.Grade.Grade), r.Grade.Grade), r.Grade.Rule, r.Probes, float64(r.ElapsedMS)/1000)
	if len(r.Versions) > 0 {
		s.row("versions", "%s", strings.Join(r.Versions, ", "))
		s.suites(r)
		s.groups(r)
		for _, cs := range r.SignatureSchemes {
			s.row("signatures", "%s (%s): %s", cs.Subject, cs.Key, strings.Join(cs.Schemes, ", "))
		}
		s.certificate(r.Certificate)
		s.resumption(r.Resumption)
		s.row("ALPN", "%s", listOrNone(r.ALPN))
		s.features(r.Features)
	}
	s.findings(r.Findings)
	for _, e := range r.Errors {
		s.row(s.paint(scanDim, "probe error"), "%s", e)
	}
}

func (s *scanText) suites(r *scan.Report) {
	for i := len(r.Versions) - 1; i >= 0; i-- {
		v := r.Versions[i]
		list := r.CipherSuites[v]
		if len(list) == 0 {
			continue
		}
		order := map[string]string{"server": "server's order", "client": "follows the client's order"}[r.SuiteOrder[v]]
		if order == "" {
			order = "one suite"
		}
		n := fmt.Sprintf("%d suites", len(list))
		if len(list) == 1 {
			n = "1 suite"
		}
		s.row(v, "%s, %s", n, order)
		for _, name := range list {
			s.row("", "  %s", name)
		}
	}
}

func (s *scanText) groups(r *scan.Report) {
	for _, v := range []string{"TLS 1.3", "TLS 1.2"} {
		if g, ok := r.Groups[v]; ok {
			s.row("groups", "%s: %s", v, listOrNone(g))
		}
	}
	if _, ok := r.Groups["TLS 1.3"]; ok {
		s.row("", "HelloRetryRequest for an x25519 share: %s", yesNo(r.HelloRetryRequest))
	}
}

func (s *scanText) certificate(c *scan.Certificate) {
	if c == nil {
		return
	}
	for i, ci := range c.Chain {
		label := ""
		if i == 0 {
			label = "certificate"
		}
		s.row(label, "%d: %s, %s, issued by %s, %s to %s", i, ci.Subject, ci.Key, ci.Issuer, day(ci.NotBefore), day(ci.NotAfter))
		if len(ci.SANs) > 0 {
			s.row("", "   names: %s", strings.Join(ci.SANs, ", "))
		}
	}
	s.row("", "trusted %s, name matches %s, in date %s, chain in order %s, OCSP staple %s",
		yesNo(c.Trusted), yesNo(c.NameMatch), yesNo(!c.Expired && !c.NotYetValid), yesNo(c.ChainInOrder), yesNo(c.OCSPStapled))
}

func (s *scanText) resumption(r scan.Resumption) {
	s.row("resumption", "TLS 1.2 session IDs %s, tickets %s; TLS 1.3 tickets %d, resumed %s, lifetime %s, 0-RTT %s",
		yesNo(r.TLS12SessionID), yesNo(r.TLS12Ticket), r.TLS13Tickets, yesNo(r.TLS13Resumed),
		time.Duration(r.TicketLifetime)*time.Second, yesNo(r.EarlyData))
}

func (s *scanText) features(f scan.Features) {
	yn := func(name string, b bool) string {
		if slices.Contains(f.Untested, name) {
			return "not tested"
		}
		return yesNo(b)
	}
	s.row("features", "extended master secret %s, secure renegotiation %s, compression %s",
		yn("extended_master_secret", f.ExtendedMasterSecret), yn("secure_renegotiation", f.SecureRenegotiation), yn("compression", f.Compression))
	s.row("", "TLS_FALLBACK_SCSV %s, downgrade sentinel %s, version tolerant %s, GREASE tolerant %s",
		yn("fallback_scsv", f.FallbackSCSV), yesNo(f.DowngradeSentinel), yn("version_tolerant", f.VersionTolerant), yesNo(f.GreaseTolerant))
	rsl := "none"
	if f.RecordSizeLimit != 0 {
		rsl = fmt.Sprint(f.RecordSizeLimit)
	}
	cc := f.CertificateCompression
	if cc == "" {
		cc = "none"
	}
	s.row("", "record_size_limit %s, certificate compression %s, client-initiated renegotiation %s",
		rsl, cc, yn("client_renegotiation", f.ClientRenegotiation))
	s.ech(f)
	if len(f.Untested) > 0 {
		s.row("not tested", "%s", strings.Join(f.Untested, ", "))
	}
}

// ech shows the configs a server sent for an ECH retry: its public
// names, and the list for `padlock connect --ech-config`.
func (s *scanText) ech(f scan.Features) {
	switch {
	case f.ECH != nil:
		s.row("ECH", "retry configs %s", f.ECH.RetryConfigs)
		for _, c := range f.ECH.Configs {
			s.row("", "%s", c)
		}
	case !slices.Contains(f.Untested, "ech"):
		s.row("ECH", "no (no retry configs for an unknown config)")
	}
}

func (s *scanText) findings(fs []scan.Finding) {
	if len(fs) == 0 {
		s.row("findings", "none")
		return
	}
	fmt.Fprintf(s.w, "  findings\n")
	for _, f := range fs {
		sev := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
		fmt.Fprintf(s.w, "    %s %s  %s\n", s.paint(severityColor(f.Severity), sev), f.ID, f.Title)
		for _, l := range wrapText(f.Explanation, 66) {
			fmt.Fprintf(s.w, "             %s\n", l)
		}
		if f.Evidence != "" {
			for _, l := range wrapText("seen: "+trace.Printable(f.Evidence), 66) {
				fmt.Fprintf(s.w, "             %s\n", s.paint(scanDim, l))
			}
		}
		if s.showBytes && f.Probe != nil {
			for _, e := range f.Probe.Events() {
				trace.HexDump(s.w, e, trace.HexOptions{Color: s.color})
			}
		}
	}
}

func severityColor(s scan.Severity) string {
	switch s {
	case scan.Critical, scan.High:
		return scanRed + scanBold
	case scan.Medium:
		return scanYellow
	case scan.Low:
		return scanCyan
	}
	return scanDim
}

func gradeColor(g string) string {
	switch {
	case strings.HasPrefix(g, "A"):
		return scanGreen + scanBold
	case g == "B":
		return scanYellow + scanBold
	}
	return scanRed + scanBold
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// listOrNone joins list, or says "none".
func listOrNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// day is the date of an RFC 3339 time.
func day(s string) string {
	d, _, _ := strings.Cut(s, "T")
	return d
}
