package interop

import (
	"crypto/tls"
	"strings"
	"testing"

	"padlock"
	"padlock/internal/pki"
)

// hostileSNI is a server_name that would paint a terminal red and forge a
// second log line if a server printed it as it came.
const hostileSNI = "evil\x1b[31mRED\nFAKE LOG LINE"

// TestOpenSSLHostileServerName has openssl s_client send a server_name
// that is no DNS host name to a padlock server: padlock must refuse it
// with illegal_parameter (RFC 6066 section 3, RFC 8446 section 6.2), in
// both versions, and s_client must receive that alert.
func TestOpenSSLHostileServerName(t *testing.T) {
	openssl := requirePeer(t, "openssl")
	f := writePEM(t, pki.ECDSAP256)
	pcert, _, _ := chain(pki.ECDSAP256)
	for _, vers := range []string{"1.3", "1.2"} {
		t.Run("TLS"+vers, func(t *testing.T) {
			s := startLineServer(t, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
			p := start(t, strings.NewReader(""), openssl, "s_client", "-connect", s.addr, "-CAfile", f.ca,
				"-servername", hostileSNI, "-tls"+strings.ReplaceAll(vers, ".", "_"))
			wantPadlockAlert(t, "padlock server", s.result(t), padlock.AlertIllegalParameter, false)
			if err := p.wait(t); err == nil {
				t.Error("s_client succeeded")
			}
			if out := p.Output(); !strings.Contains(out, "alert number 47") && !strings.Contains(out, "illegal parameter") {
				t.Errorf("s_client did not report illegal_parameter:\n%s", out)
			}
		})
	}
}

// TestCryptoTLSHostileServerName is the same with a crypto/tls client,
// which sends whatever Config.ServerName holds (leaving out only IP
// literals and a trailing dot).
func TestCryptoTLSHostileServerName(t *testing.T) {
	pcert, _, ca := chain(pki.ECDSAP256)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			tc := &tls.Config{RootCAs: ca.Pool(), ServerName: hostileSNI, MaxVersion: v.max}
			terr, perr := runPadlockServer(t, tc, &padlock.Config{Certificates: []padlock.Certificate{pcert}})
			wantPadlockAlert(t, "padlock server", perr, padlock.AlertIllegalParameter, false)
			wantTLSRemoteAlert(t, "crypto/tls client", terr, padlock.AlertIllegalParameter)
		})
	}
}
