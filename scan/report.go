package scan

// Report is what a scan found out about one target. It marshals to the
// JSON of `padlock scan --json` (docs/cli.md).
type Report struct {
	Target     string `json:"target"`      // as given: HOST:PORT
	ServerName string `json:"server_name"` // the name sent (SNI) and checked; empty for an address

	// Versions lists the protocol versions the server accepts, oldest
	// first: "SSL 2.0", "SSL 3.0", "TLS 1.0" ... "TLS 1.3".
	Versions []string `json:"versions"`
	// CipherSuites maps each accepted version to the IANA names of the
	// suites it accepts, in the server's order of preference (or in the
	// order offered when SuiteOrder says "client").
	CipherSuites map[string][]string `json:"cipher_suites"`
	// SuiteOrder maps each version to "server" when the server picks by
	// its own preference, "client" when it follows the client's, and ""
	// when one suite left nothing to tell.
	SuiteOrder map[string]string `json:"suite_order"`
	// Groups maps "TLS 1.3" and "TLS 1.2" to the key exchange groups the
	// server accepts in that version.
	Groups map[string][]string `json:"groups"`
	// HelloRetryRequest reports that the server answers a hello with an
	// x25519 key share, and other groups listed, with a
	// HelloRetryRequest for another group: a round trip more per
	// connection for clients like padlock's.
	HelloRetryRequest bool `json:"hello_retry_request"`
	// SignatureSchemes lists each certificate the server has and the
	// schemes it signs handshakes with.
	SignatureSchemes []CertSchemes `json:"signature_schemes"`
	// Certificate is the chain the server sends a default client, and
	// what checking it found.
	Certificate *Certificate `json:"certificate"`
	Resumption  Resumption   `json:"resumption"`
	// ALPN lists the application protocols the server accepts of those
	// probed (h2, http/1.1).
	ALPN     []string `json:"alpn"`
	Features Features `json:"features"`

	Findings []Finding `json:"findings"`
	Grade    Grade     `json:"grade"`
	// Errors lists the probes that could not finish, with why; their
	// parts of the report are missing, not negative.
	Errors []string `json:"errors"`
	// Probes counts the connections the scan made: hellos and full
	// handshakes.
	Probes    int   `json:"probes"`
	ElapsedMS int64 `json:"elapsed_ms"`
}

// CertSchemes is one certificate of the server and the signature
// schemes it signs handshakes with.
type CertSchemes struct {
	Subject string   `json:"subject"`
	Key     string   `json:"key"` // e.g. "RSA 2048", "ECDSA P-256"
	SHA256  string   `json:"sha256"`
	Schemes []string `json:"schemes"`
}

// Certificate is a server's chain as sent and what checks found.
type Certificate struct {
	Chain []CertInfo `json:"chain"` // as sent, leaf first
	// Trusted reports that the chain leads to a root of the system pool
	// (or the scan's CAs), validity dates and name aside.
	Trusted     bool   `json:"trusted"`
	TrustError  string `json:"trust_error,omitempty"`
	NameMatch   bool   `json:"name_match"` // the leaf is valid for ServerName (or the address)
	Expired     bool   `json:"expired"`
	NotYetValid bool   `json:"not_yet_valid"`
	SelfSigned  bool   `json:"self_signed"` // the leaf signs itself
	// ChainInOrder reports that each certificate is signed by the next,
	// as RFC 5246 section 7.4.2 requires and TLS 1.3 recommends.
	ChainInOrder bool `json:"chain_in_order"`
	// ChainIncomplete reports that the chain sent does not reach a root
	// (an intermediate is missing) and is not trusted as sent.
	ChainIncomplete bool `json:"chain_incomplete"`
	OCSPStapled     bool `json:"ocsp_stapled"`
}

// CertInfo describes one certificate.
type CertInfo struct {
	Subject            string   `json:"subject"`
	SANs               []string `json:"sans"`
	Issuer             string   `json:"issuer"`
	Key                string   `json:"key"`
	NotBefore          string   `json:"not_before"` // RFC 3339
	NotAfter           string   `json:"not_after"`
	SignatureAlgorithm string   `json:"signature_algorithm"`
	SHA256             string   `json:"sha256"`
}

// Resumption is how the server lets clients resume sessions.
type Resumption struct {
	// TLS12SessionID reports resumption by session ID (RFC 5246), and
	// TLS12Ticket by session ticket (RFC 5077), tried with a second
	// connection.
	TLS12SessionID bool `json:"tls12_session_id"`
	TLS12Ticket    bool `json:"tls12_ticket"`
	// TLS13Tickets is how many NewSessionTickets a TLS 1.3 handshake
	// brought; TLS13Resumed that one of them resumed.
	TLS13Tickets int  `json:"tls13_tickets"`
	TLS13Resumed bool `json:"tls13_resumed"`
	// TicketLifetime is the longest ticket_lifetime announced, seconds.
	TicketLifetime uint32 `json:"ticket_lifetime"`
	// EarlyData reports tickets that allow 0-RTT data (max_early_data_size
	// above zero), which an attacker can replay (RFC 8446 section 8).
	EarlyData    bool   `json:"early_data"`
	MaxEarlyData uint32 `json:"max_early_data"`
}

// Features is the rest of what the server does, as probes saw it.
// Booleans are false both when the server lacks the feature and when it
// was not tested; Untested names the second kind.
type Features struct {
	ExtendedMasterSecret bool `json:"extended_master_secret"` // RFC 7627, in TLS 1.2
	SecureRenegotiation  bool `json:"secure_renegotiation"`   // RFC 5746
	Compression          bool `json:"compression"`            // accepts DEFLATE (CRIME)
	// FallbackSCSV reports that the server refuses TLS_FALLBACK_SCSV
	// below its best version with inappropriate_fallback (RFC 7507).
	FallbackSCSV bool `json:"fallback_scsv"`
	// DowngradeSentinel reports the RFC 8446 section 4.1.3 marker in a
	// TLS 1.2 ServerHello random from a TLS 1.3 server.
	DowngradeSentinel bool `json:"downgrade_sentinel"`
	// VersionTolerant and GreaseTolerant report a normal answer to a
	// hello with legacy_version 0x0304 and to one full of GREASE values
	// (RFC 8701).
	VersionTolerant bool `json:"version_tolerant"`
	GreaseTolerant  bool `json:"grease_tolerant"`
	// RecordSizeLimit is the server's record_size_limit (RFC 8449), 0
	// when it sends none.
	RecordSizeLimit uint16 `json:"record_size_limit"`
	// CertificateCompression names the algorithm the server compressed
	// its TLS 1.3 certificate with (RFC 8879), of those offered.
	CertificateCompression string `json:"certificate_compression"`
	// ECH holds the Encrypted Client Hello configs the server sent for a
	// retry when offered a config it does not hold; nil when it sent
	// none (it has no ECH, or no TLS 1.3).
	ECH *ECH `json:"ech"`
	// ClientRenegotiation reports that the server answered a
	// client's renegotiation ClientHello on an established TLS 1.2
	// connection with a ServerHello (RFC 5746 section 3.5).
	ClientRenegotiation bool `json:"client_renegotiation"`
	// Untested lists the features no probe could decide.
	Untested []string `json:"untested"`
}

// Finding is one problem (or notable fact) a scan found.
type Finding struct {
	ID       string   `json:"id"`       // stable: see Findings in findings.go
	Severity Severity `json:"severity"` // info, low, medium, high, critical
	Title    string   `json:"title"`    // one line
	// Explanation says what it means for a non-expert and what to change.
	Explanation string `json:"explanation"`
	// Evidence is what the scan saw, e.g. the suites concerned.
	Evidence string `json:"evidence,omitempty"`
	// Probe is the exchange that showed it, with Options.KeepBytes.
	Probe *ProbeBytes `json:"probe,omitempty"`
}

// ProbeBytes is one probe's exchange as it went over the wire.
type ProbeBytes struct {
	Sent     []byte `json:"sent"`     // the records of the ClientHello
	Received []byte `json:"received"` // the server's answer, as far as it was read
}

// Grade is the overall rating, A+ to F, and the rule that set it.
type Grade struct {
	Grade string `json:"grade"`
	Rule  string `json:"rule"`
}
