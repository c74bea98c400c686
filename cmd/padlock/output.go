package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"padlock"
	"padlock/internal/wire"
	"padlock/trace"
)

// useColor reports whether to colour w: only a terminal, and only when
// the user did not set NO_COLOR (https://no-color.org).
func (c *cli) useColor(w io.Writer) bool {
	if c.getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// isTerminal reports whether r is a terminal (an interactive stdin).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// textTracer prints steps to stdout as the text renderer lays them out.
func (c *cli) textTracer(raw, records bool) *trace.TextWriter {
	return trace.NewTextWriter(c.stdout, trace.TextOptions{Color: c.useColor(c.stdout), Raw: raw, Records: records})
}

// openKeyLog opens the key log named by the flag or, failing that, by
// SSLKEYLOGFILE, for appending; nil when neither is set. It says loudly
// what the file is, since it unlocks the connections it records.
func (c *cli) openKeyLog(path string) (*os.File, error) {
	if path == "" {
		path = c.getenv("SSLKEYLOGFILE")
	}
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(c.stderr, "padlock: writing the connection secrets to %s (NSS key log): anyone who reads it can decrypt these connections\n", path)
	return f, nil
}

// certName is a certificate's subject or issuer as text: the peer's
// choice, which x509 lets hold control characters, made trace.Printable.
func certName(n pkix.Name) string { return trace.Printable(n.String()) }

// certInfo is a certificate as the JSON outputs show it.
type certInfo struct {
	Subject  string `json:"subject"`
	Issuer   string `json:"issuer"`
	NotAfter string `json:"not_after"`
	SHA256   string `json:"sha256"`
}

func newCertInfo(c *x509.Certificate) certInfo {
	sum := sha256.Sum256(c.Raw)
	return certInfo{
		Subject:  c.Subject.String(),
		Issuer:   c.Issuer.String(),
		NotAfter: c.NotAfter.UTC().Format(time.RFC3339),
		SHA256:   hex.EncodeToString(sum[:]),
	}
}

// connReport is what connect --json prints for one connection and what
// serve's /api/handshake starts with.
type connReport struct {
	Version          string     `json:"version"`
	CipherSuite      string     `json:"cipher_suite"`
	Group            string     `json:"group"`
	SignatureScheme  string     `json:"signature_scheme"`
	ALPN             string     `json:"alpn"`
	ServerName       string     `json:"server_name"`
	Resumed          bool       `json:"resumed"`
	PeerCertificates []certInfo `json:"peer_certificates"`
	Verified         bool       `json:"verified"`
	OCSPResponse     string     `json:"ocsp_response,omitempty"` // base64, when the server stapled one
	// CertificateCompression names the algorithm with which the peer's
	// certificate arrived compressed (RFC 8879), or is "" when it did not.
	CertificateCompression string `json:"certificate_compression"`
	// ECHAccepted reports that the handshake ran on the encrypted
	// ClientHelloInner (Encrypted Client Hello).
	ECHAccepted bool          `json:"ech_accepted"`
	Steps       []trace.Event `json:"steps"`
	Error       string        `json:"error,omitempty"`
}

// newConnReport describes a connection from its state and its events.
func newConnReport(st padlock.ConnectionState, events []trace.Event, err error) connReport {
	r := connReport{
		ALPN:             st.NegotiatedProtocol,
		ServerName:       st.ServerName,
		Resumed:          st.DidResume,
		ECHAccepted:      st.ECHAccepted,
		PeerCertificates: []certInfo{},
		Verified:         len(st.VerifiedChains) > 0,
		Steps:            events,
	}
	if r.Steps == nil {
		r.Steps = []trace.Event{}
	}
	if st.Version != 0 {
		r.Version = padlock.VersionName(st.Version)
	}
	if st.CipherSuite != 0 {
		r.CipherSuite = padlock.CipherSuiteName(st.CipherSuite)
	}
	if st.CurveID != 0 {
		r.Group = st.CurveID.String()
	}
	if st.SignatureScheme != 0 {
		r.SignatureScheme = st.SignatureScheme.String()
	}
	if st.CertificateCompression != 0 {
		r.CertificateCompression = wire.CertCompressionName(st.CertificateCompression)
	}
	for _, c := range st.PeerCertificates {
		r.PeerCertificates = append(r.PeerCertificates, newCertInfo(c))
	}
	if len(st.OCSPResponse) > 0 {
		r.OCSPResponse = base64.StdEncoding.EncodeToString(st.OCSPResponse)
	}
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// keyName describes a public key: "ECDSA P-256", "RSA 2048", "Ed25519".
func keyName(pub any) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// certNames lists the DNS names and IP addresses a certificate is for.
// The names are the peer's, and x509 takes any ASCII in a dNSName, so
// each is made trace.Printable.
func certNames(c *x509.Certificate) string {
	var n []string
	for _, name := range c.DNSNames {
		n = append(n, trace.Printable(name))
	}
	for _, ip := range c.IPAddresses {
		n = append(n, ip.String())
	}
	if len(n) == 0 {
		return "no names"
	}
	return strings.Join(n, ", ")
}

// forNames returns prefix and the names a certificate is for, or "" if
// it names none (a CA, a client).
func forNames(c *x509.Certificate, prefix string) string {
	if len(c.DNSNames)+len(c.IPAddresses) == 0 {
		return ""
	}
	return prefix + certNames(c)
}

// table writes aligned "name  value" rows under a title.
type table struct {
	w     io.Writer
	rows  [][2]string
	title string
}

func (t *table) add(name, format string, args ...any) {
	t.rows = append(t.rows, [2]string{name, fmt.Sprintf(format, args...)})
}

func (t *table) flush() {
	width := 0
	for _, r := range t.rows {
		width = max(width, len(r[0]))
	}
	fmt.Fprintf(t.w, "%s\n", t.title)
	for _, r := range t.rows {
		var lines []string
		for _, l := range strings.Split(r[1], "\n") {
			lines = append(lines, wrapText(l, 76-width-4)...)
		}
		fmt.Fprintf(t.w, "  %-*s  %s\n", width, r[0], lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(t.w, "  %-*s  %s\n", width, "", l)
		}
	}
}

// fingerprint formats the SHA-256 of a certificate in colon-separated
// pairs, the way browsers show it, on two lines.
func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	var b strings.Builder
	for i, x := range sum {
		switch {
		case i == 16:
			b.WriteString("\n")
		case i > 0:
			b.WriteString(":")
		}
		fmt.Fprintf(&b, "%02X", x)
	}
	return b.String()
}

// ms converts a duration to fractional milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
