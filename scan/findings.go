package scan

import (
	"encoding/json"
	"fmt"
)

// Severity ranks a finding, from info (worth knowing) to critical (the
// connection's protection is broken or absent).
type Severity int

// The severities, in increasing order.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the severity's name: "info" ... "critical".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalJSON writes the severity as its name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity's name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	for i, n := range severityNames {
		if n == name {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("scan: unknown severity %q", name)
}

// FindingDef is the fixed part of a finding: what its id means.
type FindingDef struct {
	Severity    Severity
	Title       string
	Explanation string
}

// Findings are the findings a scan can report, by their stable id.
var Findings = map[string]FindingDef{
	"ssl2": {Critical, "SSL 2.0 is enabled",
		"SSL 2.0 (1995) is broken beyond repair: an attacker can decrypt its connections and, through DROWN, even TLS connections to servers that share its key. Disable it entirely."},
	"ssl3": {High, "SSL 3.0 is enabled",
		"SSL 3.0 falls to the POODLE attack, which recovers secrets such as cookies from its CBC encryption. No client still needs it: disable it."},
	"tls10": {Medium, "TLS 1.0 is enabled",
		"TLS 1.0 (1999) lacks modern ciphers and relies on SHA-1 and MD5 in its handshake; browsers and RFC 8996 have retired it. Disable it unless a known old client depends on it."},
	"tls11": {Medium, "TLS 1.1 is enabled",
		"TLS 1.1 (2006) has the same weak hashes and no AEAD ciphers, and RFC 8996 deprecates it. Disable it."},
	"no_tls13": {Low, "TLS 1.3 is not supported",
		"TLS 1.3 is faster (one round trip), always forward secret, and encrypts the certificate. Every current client speaks it: enable it in the server's TLS library."},
	"cbc_suites": {Low, "CBC cipher suites are accepted",
		"CBC suites use MAC-then-encrypt, the source of padding-oracle attacks (Lucky13, POODLE-style) that implementations keep reintroducing. Prefer AES-GCM and ChaCha20-Poly1305, and remove CBC where clients allow."},
	"rc4": {High, "RC4 cipher suites are accepted",
		"RC4's keystream is biased: with enough traffic an attacker recovers plaintext such as cookies. RFC 7465 forbids it. Remove every RC4 suite."},
	"3des": {Medium, "3DES cipher suites are accepted",
		"3DES has a 64-bit block, so long connections repeat blocks and leak plaintext (Sweet32). Remove the 3DES suites."},
	"null_or_export": {Critical, "NULL, export, DES or anonymous suites are accepted",
		"These suites encrypt nothing, use keys short enough to break in minutes (export, single DES; FREAK, Logjam), or authenticate no one (anon), so anyone on the path can read or change the traffic. Remove them all."},
	"rsa_key_transport": {Low, "RSA key transport suites are accepted",
		"With RSA key transport the client encrypts the session's secret to the server's certificate key: whoever gets that key later can decrypt every recorded session, and the scheme invites Bleichenbacher-style oracles (ROBOT). Prefer ECDHE suites; TLS 1.3 dropped RSA key transport."},
	"no_forward_secrecy": {Medium, "No forward-secret key exchange",
		"Every suite the server accepts uses RSA key transport, so a stolen certificate key decrypts all past traffic. Enable ECDHE suites (or TLS 1.3)."},
	"no_pq_kex": {Info, "No post-quantum key exchange",
		"The server accepts none of the hybrid ML-KEM groups (X25519MLKEM768 and others), so traffic recorded today could be decrypted by a future quantum computer. Current OpenSSL, BoringSSL, Go and padlock support X25519MLKEM768."},
	"no_ems": {Low, "TLS 1.2 without the extended master secret",
		"Without the extended master secret (RFC 7627) a TLS 1.2 session's keys do not cover its handshake, which allows the triple handshake attack against resumption and renegotiation. Upgrade the TLS library or enable the extension."},
	"no_secure_renegotiation": {Medium, "No secure renegotiation",
		"The server does not answer renegotiation_info (RFC 5746), so if it renegotiates, an attacker can splice their own request in front of a client's. Enable secure renegotiation, or disable renegotiation altogether."},
	"client_renegotiation": {Medium, "Client-initiated renegotiation is allowed",
		"A client can ask for a new handshake on an open connection, which costs the server far more than the client: a cheap denial of service. Disable client-initiated renegotiation."},
	"compression": {High, "TLS compression is enabled",
		"Compressing before encrypting lets an attacker who can add data to requests learn secrets from the size of the result (CRIME). Disable TLS compression."},
	"no_fallback_scsv": {Low, "No downgrade protection (TLS_FALLBACK_SCSV)",
		"The server accepts a hello that signals a fallback (RFC 7507) below its best version, so an attacker who breaks connections can push clients that retry down to an older version. Upgrade the TLS library."},
	"version_intolerance": {Low, "Version or extension intolerance",
		"The server fails hellos that carry a version or GREASE values (RFC 8701) it does not know, instead of ignoring them as the RFCs require. Clients send such values to keep the protocol extensible; intolerant servers break with new clients. Fix or upgrade the TLS stack or the middlebox in front of it."},
	"cert_expired": {Critical, "The certificate has expired",
		"Clients refuse an expired certificate, or teach users to click through warnings. Renew it, and automate renewal (ACME)."},
	"cert_not_yet_valid": {Critical, "The certificate is not valid yet",
		"Its validity starts in the future: clients refuse it. Check the server's clock and the certificate's dates."},
	"cert_name_mismatch": {Critical, "The certificate does not name this server",
		"None of the certificate's names (SANs) matches the host name clients connect to, so they refuse it: anyone could present a certificate for some other name. Issue a certificate that lists this name."},
	"cert_untrusted": {Critical, "The certificate chain is not trusted",
		"The chain does not lead to a certificate authority the client trusts (here: the system roots, or --ca), so clients cannot tell this server from an impostor. Use a certificate from a public CA, or distribute your private CA to the clients."},
	"cert_self_signed": {Critical, "The certificate is self-signed",
		"A self-signed certificate vouches only for itself; clients cannot verify it without pinning it. Use a certificate issued by a CA."},
	"weak_key": {High, "The certificate key is weak",
		"The certificate's key is shorter than current minimums (RSA 2048 bits, elliptic curves 256 bits), within reach of well-funded attackers. Issue a new certificate with a stronger key."},
	"sha1_signature": {Medium, "A certificate is signed with SHA-1",
		"SHA-1 collisions are practical (SHAttered, 2017), so a SHA-1 signature no longer proves who issued the certificate; browsers refuse them. Reissue with SHA-256."},
	"chain_incomplete": {Medium, "The certificate chain is incomplete",
		"The server sends its certificate without the intermediate that links it to a root, so clients that do not fetch or cache it fail. Configure the server with the full chain (leaf, then intermediates)."},
	"chain_order": {Low, "The certificate chain is out of order",
		"Each certificate should be followed by the one that signed it (RFC 5246 section 7.4.2). Some clients fail on another order. Reorder the chain file: leaf first, then each issuer."},
	"long_ticket_lifetime": {Info, "Session tickets live longer than a day",
		"A ticket's keys, and the ticket key that seals every ticket, decrypt the sessions they resume: the longer tickets live, the more traffic a stolen ticket key exposes. Keep the lifetime at a day or less and rotate ticket keys."},
	"early_data": {Info, "0-RTT early data is accepted",
		"Tickets allow 0-RTT data, which an attacker can replay (RFC 8446 section 8); the application must accept only idempotent requests in it."},
}

// finding returns the finding id with its evidence.
func finding(id, evidence string) Finding {
	d, ok := Findings[id]
	if !ok {
		panic("scan: no finding " + id) // a typo in this package
	}
	return Finding{ID: id, Severity: d.Severity, Title: d.Title, Explanation: d.Explanation, Evidence: evidence}
}
