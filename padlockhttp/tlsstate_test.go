package padlockhttp

import (
	"crypto/tls"
	"crypto/x509"
	"reflect"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// TestTLSState: every field that maps is carried over, and converting
// back gives the same values.
func TestTLSState(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	in := padlock.ConnectionState{
		Version:            padlock.VersionTLS13,
		HandshakeComplete:  true,
		DidResume:          true,
		CipherSuite:        padlock.TLS_AES_128_GCM_SHA256,
		CurveID:            padlock.X25519,
		NegotiatedProtocol: "h2",
		ServerName:         "example.com",
		PeerCertificates:   []*x509.Certificate{is.Cert},
		VerifiedChains:     [][]*x509.Certificate{{is.Cert, ca.Cert}},
		OCSPResponse:       []byte{1, 2, 3},
	}
	out := TLSState(in)
	back := padlock.ConnectionState{
		Version:            out.Version,
		HandshakeComplete:  out.HandshakeComplete,
		DidResume:          out.DidResume,
		CipherSuite:        out.CipherSuite,
		CurveID:            padlock.CurveID(out.CurveID),
		NegotiatedProtocol: out.NegotiatedProtocol,
		ServerName:         out.ServerName,
		PeerCertificates:   out.PeerCertificates,
		VerifiedChains:     out.VerifiedChains,
		OCSPResponse:       out.OCSPResponse,
	}
	if !reflect.DeepEqual(back, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, in)
	}
	if out.CurveID != tls.X25519 || out.CipherSuite != tls.TLS_AES_128_GCM_SHA256 || !out.NegotiatedProtocolIsMutual {
		t.Errorf("TLSState = %+v", out)
	}
}
