package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"time"

	"padlock"
)

// countTrue counts the true values.
func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// printChainPEM writes the certificates, in the order the server sent
// them, as PEM blocks, as s_client -showcerts does.
func printChainPEM(w io.Writer, certs []*x509.Certificate) {
	for _, c := range certs {
		pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
}

// insecureVerdict runs the verification --insecure skipped, against the
// same roots and name, and says what it found in plain words, as
// s_client's "Verify return code" does: skipping it must not hide why.
func insecureVerdict(certs []*x509.Certificate, cfg *padlock.Config, now time.Time) string {
	if len(certs) == 0 {
		return "the server sent no certificate"
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: cfg.RootCAs, Intermediates: inter, DNSName: cfg.ServerName, CurrentTime: now})
	if err == nil {
		return "yet the chain verifies: --insecure was not needed"
	}
	var inv x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case errors.As(err, &inv) && inv.Reason == x509.Expired && now.After(inv.Cert.NotAfter):
		return fmt.Sprintf("verification fails: the certificate expired %s ago (%s); continuing because of --insecure",
			roughDuration(now.Sub(inv.Cert.NotAfter)), inv.Cert.NotAfter.UTC().Format(time.RFC3339))
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return fmt.Sprintf("verification fails: the certificate is not valid until %s; continuing because of --insecure",
			inv.Cert.NotBefore.UTC().Format(time.RFC3339))
	case errors.As(err, &unknown):
		return "verification fails: no CA you trust signed it (give it with --ca, or it is self-signed); continuing because of --insecure"
	case errors.As(err, &host):
		names := certNames(certs[0])
		if names == "" {
			names = "no DNS name or address"
		}
		return fmt.Sprintf("verification fails: the certificate is not for %q (it names %s); continuing because of --insecure",
			cfg.ServerName, names)
	default:
		return "verification fails: " + err.Error() + "; continuing because of --insecure"
	}
}

// roughDuration says how long d is in the largest whole unit.
func roughDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	default:
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	}
}
