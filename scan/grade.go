package scan

import "fmt"

// grade rates a report in the spirit of SSL Labs' SSL Server Rating
// Guide: the worst problem caps the grade. Critical findings (a broken
// certificate, SSL 2.0, NULL or export suites) give F; high ones (SSL
// 3.0, RC4, compression, a weak key) cap it at C; medium ones (TLS
// 1.0/1.1, 3DES, no forward secrecy) at B; low ones (no TLS 1.3, CBC,
// no extended master secret) at A-. A server with nothing above info
// gets A, and A+ with no finding at all.
func grade(r *Report) Grade {
	if len(r.Findings) == 0 {
		return Grade{"A+", "no findings"}
	}
	worst := r.Findings[0] // sorted, most severe first
	for _, f := range r.Findings {
		if f.Severity > worst.Severity {
			worst = f
		}
	}
	letter := map[Severity]string{Info: "A", Low: "A-", Medium: "B", High: "C", Critical: "F"}[worst.Severity]
	if worst.Severity == Info {
		return Grade{letter, fmt.Sprintf("only info findings (%s)", worst.ID)}
	}
	return Grade{letter, fmt.Sprintf("%s (%s) caps the grade at %s", worst.ID, worst.Severity, letter)}
}
