package interop

import (
	"path/filepath"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// TestOpenSSLResumptionPSKKE resumes TLS 1.3 sessions of openssl s_client
// (which offers psk_ke beside psk_dhe_ke with -allow_no_dhe_kex) on a
// padlock server: psk_ke when the server allows it, psk_dhe_ke otherwise.
func TestOpenSSLResumptionPSKKE(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, _ := chain(pki.ECDSAP256)
	for _, tc := range []struct {
		name      string
		allow     bool
		wantGroup bool // the resumed connection has a key exchange group
	}{{"psk_ke", true, false}, {"psk_dhe_ke", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			addr, stop := serveHandshakes(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}, PSKWithoutKeyExchange: tc.allow}, []byte("hi\n"))
			session := filepath.Join(t.TempDir(), "session.pem")
			for _, sess := range []string{"-sess_out", "-sess_in"} {
				p := start(t, strings.NewReader("x\n"), openssl, append(sClientArgs(addr, f,
					"-tls1_3", "-allow_no_dhe_kex", sess, session), "-ign_eof")...)
				if err := p.wait(t); err != nil {
					t.Fatalf("s_client %s: %v\n%s", sess, err, p.Output())
				}
			}
			states := completed(stop())
			if len(states) < 2 {
				t.Fatalf("%d connections completed", len(states))
			}
			if st := states[1]; !st.DidResume || (st.CurveID != 0) != tc.wantGroup {
				t.Errorf("second connection: resumed=%v group=%v; want resumed, with a group: %v", st.DidResume, st.CurveID, tc.wantGroup)
			}
		})
	}
}
