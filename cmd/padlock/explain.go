package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"padlock"
	"padlock/starttls"
	"padlock/trace"
)

// failureContext is what an explanation of a failed client connection
// may refer to.
type failureContext struct {
	addr       string // HOST:PORT dialed
	serverName string // the name verified
	sentCert   bool   // the client had a certificate to offer
	requireEMS bool   // --require-ems
	minVersion uint16
	maxVersion uint16
	now        time.Time
	noSuites   bool // the command has no --suites flag (demo)
}

// explainFailure says in plain words why a client's connection failed
// and, where there is one, what fixes it. st is the client's state after
// the failure: it holds the server's certificates if they arrived.
func explainFailure(err error, st padlock.ConnectionState, x failureContext) string {
	var leaf *x509.Certificate
	if len(st.PeerCertificates) > 0 {
		leaf = st.PeerCertificates[0]
	}
	var se *starttls.Error
	if errors.As(err, &se) {
		return "The server did not agree to switch to TLS in its " + strings.ToUpper(string(se.Protocol)) +
			" opening, so no TLS handshake took place. Check that " + x.addr + " speaks " + strings.ToUpper(string(se.Protocol)) +
			" and offers STARTTLS there (some servers offer it only on another port, or only TLS from the first byte: then drop --starttls)."
	}
	var ae *padlock.AlertError
	if errors.As(err, &ae) {
		if ae.Remote {
			return explainRemoteAlert(ae.Description, x)
		}
		return explainLocalAlert(ae, leaf, x)
	}
	return explainNetError(err, x)
}

// explainLocalAlert explains a problem the client found in what the
// server sent.
func explainLocalAlert(ae *padlock.AlertError, leaf *x509.Certificate, x failureContext) string {
	switch ae.Description {
	case padlock.AlertUnknownCA:
		issuer := "an unknown issuer"
		if leaf != nil {
			issuer = fmt.Sprintf("%q", leaf.Issuer.String())
		}
		return fmt.Sprintf("The server's certificate was issued by %s, a CA this client does not trust. "+
			"If you trust that CA, pass its certificate with --ca FILE (for a padlock serve server, the ca.pem it printed when it started). "+
			"To look at the server anyway, without checking who it is, pass --insecure.", issuer)
	case padlock.AlertCertificateExpired:
		if leaf != nil && x.now.Before(leaf.NotBefore) {
			return fmt.Sprintf("The server's certificate is not valid until %s, and this computer's clock says %s. "+
				"Check the clock, or ask the server's owner to fix the certificate.",
				leaf.NotBefore.UTC().Format(time.RFC1123), x.now.UTC().Format(time.RFC1123))
		}
		if leaf != nil {
			return fmt.Sprintf("The server's certificate expired on %s (%s ago). "+
				"The server's owner must renew it; if this computer's clock is wrong, fix the clock.",
				leaf.NotAfter.UTC().Format(time.RFC1123), x.now.Sub(leaf.NotAfter).Round(time.Minute))
		}
		return "The server's certificate is outside its validity period."
	case padlock.AlertBadCertificate:
		if leaf != nil && x.serverName != "" && leaf.VerifyHostname(x.serverName) != nil {
			return fmt.Sprintf("The server's certificate is for %s, not %q. "+
				"If you meant one of those names, connect with --servername NAME; otherwise this is not the server you asked for.",
				certNames(leaf), x.serverName)
		}
		return "The server's certificate could not be verified: " + causeOf(ae) + "."
	case padlock.AlertUnsupportedCert:
		return "The server's certificate is not meant for TLS servers (its extended key usage does not include serverAuth)."
	case padlock.AlertDecryptError:
		return "A signature or a Finished message from the server did not verify: the server does not hold the key of its certificate, " +
			"or something changed the messages on the way."
	case padlock.AlertIllegalParameter, padlock.AlertDecodeError, padlock.AlertUnexpectedMessage:
		return "The server broke the protocol (" + causeOf(ae) + "). It may not speak TLS on this port, or it has a bug."
	case padlock.AlertProtocolVersion:
		return "The server chose a TLS version this client does not accept (" + causeOf(ae) + "). " + versionHint(x)
	case padlock.AlertHandshakeFailure:
		if x.requireEMS && strings.Contains(causeOf(ae), "extended master secret") {
			return "The server speaks TLS 1.2 without the extended master secret (RFC 7627), which leaves its sessions open to the triple handshake attack, " +
				"and --require-ems refuses such servers. Leave out --require-ems to connect anyway: the session will not be resumed and no keying material exported from it."
		}
	}
	return "The client ended the handshake: " + causeOf(ae) + "."
}

// explainRemoteAlert explains an alert the server sent.
func explainRemoteAlert(d padlock.Alert, x failureContext) string {
	switch d {
	case padlock.AlertProtocolVersion:
		return "The server does not speak any TLS version this client offered. " + versionHint(x)
	case padlock.AlertHandshakeFailure:
		try := "Try other --suites or --groups, or leave them out to offer padlock's defaults."
		if x.noSuites {
			try = "Try other --groups, or leave them out to offer padlock's defaults."
		}
		return "The server found nothing it accepts in the client's offer: no shared cipher suite, " +
			"or no shared key exchange group or signature scheme (in TLS 1.2 an ECDSA certificate's curve must be among the client's groups, RFC 8422). " + try
	case padlock.AlertCertificateRequired:
		return "The server wants a client certificate: pass --cert FILE --key FILE " +
			"(padlock cert --client makes one from a local CA)."
	case padlock.AlertBadCertificate, padlock.AlertUnknownCA, padlock.AlertCertificateUnknown,
		padlock.AlertUnsupportedCert, padlock.AlertCertificateExpired:
		if x.sentCert {
			return "The server rejected the client certificate (" + d.String() + "): it must be valid, meant for client authentication, " +
				"and issued by a CA the server trusts (padlock serve --client-ca)."
		}
		return "The server rejected the handshake with " + d.String() + "."
	case padlock.AlertNoApplicationProtocol:
		return "The server accepts none of the application protocols offered with --alpn. Offer another, or leave --alpn out."
	case padlock.AlertUnrecognizedName:
		return fmt.Sprintf("The server has no certificate for the name %q. Check --servername.", x.serverName)
	case padlock.AlertDecryptError:
		return "The server could not verify the client's signature or Finished message."
	case padlock.AlertInsufficientSecurity:
		return "The server wants stronger parameters than the client offered."
	case padlock.AlertCloseNotify:
		return "The server closed the connection in the middle of the handshake, without saying what it objected to. " +
			"It may have refused the client's offer or certificate silently; its logs may say why."
	}
	return "The server ended the handshake with the alert " + d.String() + "."
}

// explainNetError explains a failure that is not an alert.
func explainNetError(err error, x failureContext) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("Nothing is listening on %s.", x.addr)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("The name %q does not resolve.", dnsErr.Name)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return "No answer in time (--timeout). The server may be slow, or a firewall may drop the packets."
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return "The server closed the connection without a word. It may not speak TLS on this port, or it refused the client's offer silently."
	}
	return ""
}

// versionHint says what the client offered and how to change it.
func versionHint(x failureContext) string {
	if x.minVersion == 0 {
		return ""
	}
	if x.minVersion == x.maxVersion {
		return "The client offered only " + padlock.VersionName(x.minVersion) + "; --min-version and --max-version widen that."
	}
	return "The client offered " + padlock.VersionName(x.minVersion) + " to " + padlock.VersionName(x.maxVersion) + "."
}

// causeOf returns the cause of a local alert, without the "padlock: "
// prefix, or the alert's name.
func causeOf(ae *padlock.AlertError) string {
	if ae.Err != nil {
		return ae.Err.Error()
	}
	return ae.Description.String()
}

// alertSummary names the alert in err, and who sent it, for an error line.
func alertSummary(err error) string {
	var ae *padlock.AlertError
	if !errors.As(err, &ae) {
		return ""
	}
	if ae.Remote {
		return "the peer sent this alert"
	}
	return "padlock sent the alert " + ae.Description.String() + " to the peer"
}

// writeFailure writes an error line, with its alert, and the explanation
// wrapped, to w. Both may quote the peer (a certificate's names, what it
// sent), so both are made trace.Printable.
func writeFailure(w io.Writer, prefix string, err error, explanation string) {
	line := prefix + err.Error()
	if a := alertSummary(err); a != "" {
		line += " (" + a + ")"
	}
	fmt.Fprintln(w, trace.Printable(line))
	writeExplanation(w, explanation)
}

// writeExplanation writes an explanation wrapped and indented.
func writeExplanation(w io.Writer, explanation string) {
	if explanation == "" {
		return
	}
	for _, l := range wrapText(trace.Printable(explanation), 76) {
		fmt.Fprintln(w, "  "+l)
	}
}
