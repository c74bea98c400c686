// Package scan finds out what a TLS server accepts and whether that is
// safe, as testssl.sh, sslyze or SSL Labs do, with padlock's own
// ClientHellos.
//
// Most questions need only the server's first answer: a probe sends one
// hand-built ClientHello (any version, suite, group or extension, SSL 3.0
// and RC4 included, which padlock does not implement) and reads the
// ServerHello or the alert that comes back. Whatever needs a whole
// handshake (the certificate in TLS 1.3, tickets, ALPN, the signature
// schemes, ECH retry configs) uses padlock's client; client-initiated
// renegotiation, which padlock's client refuses, uses a minimal TLS 1.2
// client of the package's own. Every probe has a deadline, and a
// Scanner bounds how many run at once.
//
//	s := scan.New(scan.Options{Timeout: 5 * time.Second})
//	report := s.Scan(ctx, "example.com:443")
//	fmt.Println(report.Grade.Grade, report.Grade.Rule)
package scan
