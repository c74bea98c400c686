// Package keysched derives the secrets and keys of TLS 1.3 (RFC 8446
// section 7) and TLS 1.2 (RFC 5246 sections 5, 6.3 and 8.1, RFC 7627,
// RFC 5705).
//
// It only computes: it never installs keys, reads messages or keeps a
// transcript. Callers pass transcript hashes in and take secrets out.
//
// The functions panic on arguments that no correct caller can produce (an
// unavailable hash, a label or context too long to encode, schedule stages
// called out of order). None of them is reachable from network input, so
// a panic here is a bug in padlock, not a peer misbehaving.
package keysched
