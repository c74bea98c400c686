package keysched

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestExporterOpenSSL checks the TLS 1.3 Exporter against two independent
// implementations at once: openssl s_client connects to a crypto/tls
// server and logs its EXPORTER_SECRET; the exporter values computed from
// it must match both the keying material s_client prints (no context) and
// the server's ExportKeyingMaterial (with and without context). crypto/tls
// does not log EXPORTER_SECRET, hence the second peer.
func TestExporterOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed: CI must install it")
		}
		t.Skip("openssl not installed")
	}
	const label, n = "EXPORTER-padlock", 50
	contexts := [][]byte{nil, {}, []byte("some context")}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback:", err)
	}
	defer ln.Close()
	type serverSide struct {
		suite    uint16
		exported [][]byte
		err      error
	}
	result := make(chan serverSide, 1)
	go func() {
		var r serverSide
		defer func() { result <- r }()
		c, err := ln.Accept()
		if err != nil {
			r.err = err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		conn := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS13})
		if r.err = conn.Handshake(); r.err != nil {
			return
		}
		cs := conn.ConnectionState()
		r.suite = cs.CipherSuite
		for _, ctx := range contexts {
			out, err := cs.ExportKeyingMaterial(label, ctx, n)
			if err != nil {
				r.err = err
				return
			}
			r.exported = append(r.exported, out)
		}
	}()

	keyLog := filepath.Join(t.TempDir(), "keylog")
	cmd := exec.Command(openssl, "s_client", "-connect", ln.Addr().String(), "-tls1_3",
		"-keylogfile", keyLog, "-keymatexport", label, "-keymatexportlen", "50")
	cmd.Stdin = strings.NewReader("") // EOF on stdin: close after the handshake
	// s_client exits 1 when the server hangs up without close_notify,
	// after printing all it has: judge it by its output.
	out, runErr := cmd.CombinedOutput()
	srv := <-result
	if srv.err != nil {
		t.Fatal("server:", srv.err)
	}
	m := regexp.MustCompile(`Keying material: ([0-9A-Fa-f]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("openssl s_client (%v) printed no keying material:\n%s", runErr, out)
	}
	fromOpenSSL, _ := hex.DecodeString(string(m[1]))
	secret := exporterSecretFromKeyLog(t, keyLog)

	h := suiteHash(srv.suite)
	if got := Exporter(h, secret, label, nil, n); !bytes.Equal(got, fromOpenSSL) {
		t.Errorf("vs openssl:\n got %x\nwant %x", got, fromOpenSSL)
	}
	for i, ctx := range contexts {
		if got := Exporter(h, secret, label, ctx, n); !bytes.Equal(got, srv.exported[i]) {
			t.Errorf("vs crypto/tls, context %q:\n got %x\nwant %x", ctx, got, srv.exported[i])
		}
	}
}

// exporterSecretFromKeyLog returns the EXPORTER_SECRET of an NSS key log.
func exporterSecretFromKeyLog(t *testing.T, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 3 && fields[0] == "EXPORTER_SECRET" {
			secret, err := hex.DecodeString(fields[2])
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
	}
	t.Fatal("no EXPORTER_SECRET in the key log")
	return nil
}
