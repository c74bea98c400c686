// Package suites holds the algorithms a TLS handshake negotiates: cipher
// suites and their AEADs (RFC 8446 appendix B.4, RFC 5288, RFC 7905),
// key-exchange groups including the post-quantum hybrids
// (RFC 8446 section 4.2.7, draft-ietf-tls-ecdhe-mlkem), and signature
// schemes (RFC 8446 section 4.2.3).
//
// It is tables plus thin adapters over the standard library's primitives.
// It keeps no protocol state: the handshake decides what to offer and
// accept; this package says what each code point means and does the
// arithmetic.
//
// Failures caused by a peer's bytes are *alert.Error values carrying the
// alert the RFCs prescribe, so callers can return them unchanged.
package suites
