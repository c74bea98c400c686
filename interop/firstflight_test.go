package interop

import (
	"path/filepath"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// TestOpenSSLTicketBeforeClose: a padlock server sends its TLS 1.3
// ticket with its Finished (RFC 8446 section 4.6.1), so s_client with
// nothing to send, closing right after its handshake, still saves a
// session (-sess_out) that the next connection resumes (-sess_in).
func TestOpenSSLTicketBeforeClose(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, _ := chain(pki.ECDSAP256)
	// The server writes nothing after the handshake: the ticket must
	// already be on its way.
	addr, stop := serveHandshakes(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}}, nil)
	session := filepath.Join(t.TempDir(), "session.pem")
	for _, sess := range []string{"-sess_out", "-sess_in"} {
		p := start(t, strings.NewReader(""), openssl, sClientArgs(addr, f, "-tls1_3", sess, session)...)
		if err := p.wait(t); err != nil {
			t.Fatalf("s_client %s: %v\n%s", sess, err, p.Output())
		}
		if sess == "-sess_in" && !strings.Contains(p.Output(), "Reused, TLSv1.3") {
			t.Errorf("s_client -sess_in did not resume:\n%s", p.Output())
		}
	}
	states := completed(stop())
	if len(states) != 2 || states[0].DidResume || !states[1].DidResume {
		t.Fatalf("server saw %d connections; want a full one, then a resumed one", len(states))
	}
}
