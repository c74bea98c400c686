package interop

import (
	"net"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// TestOpenSSLRequireEMS has padlock, with RequireExtendedMasterSecret,
// meet openssl without the extended master secret (RFC 7627), in both
// roles: padlock must end the handshake with handshake_failure, the
// alert of section 5.2, and openssl must see it. The matrix cells
// "peer without EMS" cover the default, where padlock goes on.
func TestOpenSSLRequireEMS(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	legacy := opensslEnv(t, cell{legacyEMS: true})
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, ca := chain(pki.ECDSAP256)

	t.Run("padlock-client", func(t *testing.T) {
		p := startEnv(t, legacy, nil, openssl, "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev",
			"-cert", f.cert, "-key", f.key, "-tls1_2")
		addr := net.JoinHostPort("127.0.0.1", p.waitFor(t, acceptRE)[1])
		_, err := dialPadlock(t, addr, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", RequireExtendedMasterSecret: true})
		wantPadlockAlert(t, "padlock client", err, padlock.AlertHandshakeFailure, false)
		p.wait(t) // -naccept 1: it exits after the failed connection
		if out := p.Output(); !strings.Contains(out, "alert handshake failure") || !strings.Contains(out, "SSL alert number 40") {
			t.Error("s_server does not report the handshake_failure alert")
		}
	})

	t.Run("padlock-server", func(t *testing.T) {
		s := startLineServer(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}, RequireExtendedMasterSecret: true})
		p := startEnv(t, legacy, strings.NewReader("hello from openssl\nbye\n"), openssl,
			append(sClientArgs(s.addr, f, "-tls1_2"), "-ign_eof")...)
		wantPadlockAlert(t, "padlock server", s.result(t), padlock.AlertHandshakeFailure, false)
		if err := p.wait(t); err == nil {
			t.Error("s_client succeeded")
		}
		if !strings.Contains(p.Output(), "alert handshake failure") {
			t.Error("s_client does not report the handshake_failure alert")
		}
	})
}
