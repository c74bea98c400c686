package padlockhttp

import (
	"crypto/tls"

	"padlock"
)

// TLSState converts cs to crypto/tls's ConnectionState, for libraries
// that insist on that type. It is a snapshot: the fields that map are
// copied (Version, HandshakeComplete, DidResume, CipherSuite, CurveID,
// NegotiatedProtocol, ServerName, PeerCertificates, VerifiedChains,
// OCSPResponse; the certificates are shared, not copied), the rest are
// zero, and its ExportKeyingMaterial must not be called (crypto/tls's
// panics on a state it did not make): call cs's instead. Fields
// crypto/tls does not have (SignatureScheme, PeerSignatureScheme,
// ExtendedMasterSecret) are lost.
func TLSState(cs padlock.ConnectionState) *tls.ConnectionState {
	return &tls.ConnectionState{
		Version:           cs.Version,
		HandshakeComplete: cs.HandshakeComplete,
		DidResume:         cs.DidResume,
		CipherSuite:       cs.CipherSuite,
		CurveID:           tls.CurveID(cs.CurveID),
		// ALPN (RFC 7301) has the client offer and the server choose, so
		// a negotiated protocol is always mutual.
		NegotiatedProtocol:         cs.NegotiatedProtocol,
		NegotiatedProtocolIsMutual: true,
		ServerName:                 cs.ServerName,
		PeerCertificates:           cs.PeerCertificates,
		VerifiedChains:             cs.VerifiedChains,
		OCSPResponse:               cs.OCSPResponse,
	}
}
