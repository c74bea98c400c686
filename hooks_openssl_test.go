package padlock

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
)

// TestVerifyConnectionOpenSSLServer pins the key of `openssl s_server`
// with VerifyConnection: the pinned key is accepted, another refused with
// the bad_certificate alert that s_server reports.
func TestVerifyConnectionOpenSSLServer(t *testing.T) {
	openssl := requireOpenSSL(t)
	files := writeOpenSSLFiles(t)
	ca, is := pki.TestChain(pki.ECDSAP256)
	other := pki.TestClient(pki.Ed25519)
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			pinOpenSSLServer(t, openssl, files, vers, ca, is, other)
		})
	}
}

// pinOpenSSLServer connects twice to s_server of version vers: pinning
// its key, then another.
func pinOpenSSLServer(t *testing.T, openssl string, files openSSLFiles, vers uint16, ca *pki.CA, is, other *pki.Issued) {
	t.Helper()
	flag := map[uint16]string{VersionTLS12: "-tls1_2", VersionTLS13: "-tls1_3"}[vers]
	addr, done := startSServer(t, openssl, files, flag)
	var calls, resumed int
	for i, pin := range []*pki.Issued{is, other} {
		cc := &Config{RootCAs: ca.Pool(), ServerName: "localhost", VerifyConnection: pinKey(pin.Cert, &calls, &resumed)}
		raw, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		raw.SetDeadline(time.Now().Add(10 * time.Second))
		c := Client(raw, cc)
		err = c.Handshake()
		if i == 0 {
			if err != nil {
				t.Fatalf("pinned key refused: %v", err)
			}
			if v := c.ConnectionState().Version; v != vers {
				t.Fatalf("s_server spoke %s", VersionName(v))
			}
			if _, err := c.Write([]byte("padlock\n")); err != nil {
				t.Fatal(err)
			}
			line := make([]byte, 8)
			if _, err := io.ReadFull(c, line); err != nil || string(line) != "kcoldap\n" {
				t.Fatalf("s_server answered %q, %v", line, err)
			}
		} else {
			wantAlert(t, err, alert.BadCertificate)
		}
		c.Close()
	}
	if out := done(); !strings.Contains(out, "bad certificate") && !strings.Contains(out, "alert number 42") {
		t.Errorf("s_server did not see bad_certificate:\n%s", out)
	}
}

// TestVerifyConnectionOpenSSLClient pins the key of the client
// certificate `openssl s_client` presents: the pinned key is accepted,
// another refused with bad_certificate, which s_client reports.
func TestVerifyConnectionOpenSSLClient(t *testing.T) {
	openssl := requireOpenSSL(t)
	files := writeOpenSSLFiles(t)
	cert, _ := testCert(t, pki.ECDSAP256)
	client := pki.TestClient(pki.ECDSAP256)
	other := pki.TestClient(pki.Ed25519)
	dir := t.TempDir()
	clientCert, clientKey := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(clientCert, client.ChainPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clientKey, client.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, vers := range resumeVersions {
		for i, pin := range []*pki.Issued{client, other} {
			t.Run(fmt.Sprintf("%s/%d", VersionName(vers), i), func(t *testing.T) {
				pinOpenSSLClient(t, openssl, files, vers, cert, clientCert, clientKey, pin, i == 0)
			})
		}
	}
}

// pinOpenSSLClient runs s_client against a padlock server of version
// vers that pins pin's key, and checks the outcome: accepted when right.
func pinOpenSSLClient(t *testing.T, openssl string, files openSSLFiles, vers uint16, cert Certificate, clientCert, clientKey string, pin *pki.Issued, right bool) {
	t.Helper()
	var calls, resumed int
	sc := &Config{Certificates: []Certificate{cert}, ClientAuth: RequireAnyClientCert,
		VerifyConnection: pinKey(pin.Cert, &calls, &resumed)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serr := make(chan error, 1)
	go func() {
		raw, err := l.Accept()
		if err != nil {
			serr <- err
			return
		}
		raw.SetDeadline(time.Now().Add(10 * time.Second))
		c := Server(raw, sc)
		err = c.Handshake()
		c.Close()
		serr <- err
	}()
	// -ign_eof: s_client reads until the server closes, so that it
	// reports the TLS 1.3 alert that comes after its Finished.
	flag := map[uint16]string{VersionTLS12: "-tls1_2", VersionTLS13: "-tls1_3"}[vers]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	out, cerr := exec.CommandContext(ctx, openssl, "s_client", flag, "-ign_eof", "-connect", l.Addr().String(),
		"-CAfile", files.ca, "-servername", "localhost", "-verify_return_error",
		"-cert", clientCert, "-key", clientKey).CombinedOutput()
	cancel()
	l.Close()
	err = <-serr
	if right {
		if err != nil || cerr != nil || calls != 1 {
			t.Fatalf("pinned key: server %v; s_client %v; %d calls\n%s", err, cerr, calls, out)
		}
		return
	}
	wantAlert(t, err, alert.BadCertificate)
	if !strings.Contains(string(out), "bad certificate") && !strings.Contains(string(out), "alert number 42") {
		t.Errorf("s_client did not see bad_certificate (%v):\n%s", cerr, out)
	}
}
