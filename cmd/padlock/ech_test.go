package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock"
)

// keygen runs padlock ech keygen into a new directory and returns the
// paths of the PEM and base64 files.
func keygen(t *testing.T, publicName string) (pemPath, b64Path string) {
	t.Helper()
	dir := t.TempDir()
	code, stdout, stderr := runArgs(t, "ech", "keygen", "--public-name", publicName, "--out", dir)
	if code != exitOK {
		t.Fatalf("ech keygen: exit %d\n%s", code, stderr)
	}
	pemPath, b64Path = filepath.Join(dir, publicName+".ech.pem"), filepath.Join(dir, publicName+".ech.b64")
	b64, err := os.ReadFile(b64Path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, strings.TrimSpace(string(b64))) || !strings.Contains(stdout, pemPath) {
		t.Errorf("keygen output lacks the base64 list or the key file:\n%s", stdout)
	}
	return pemPath, b64Path
}

func TestECHKeygen(t *testing.T) {
	pemPath, b64Path := keygen(t, "public.example")
	data, err := os.ReadFile(pemPath)
	if err != nil {
		t.Fatal(err)
	}
	key, err := padlock.ParseECHKeyPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	list, err := loadECHConfigList(b64Path)
	if err != nil || !bytes.Equal(list, padlock.ECHConfigList(key)) {
		t.Fatalf("the base64 file's list %x (%v) is not the key's", list, err)
	}
	// connect --ech-config takes the PEM file and the base64 itself too.
	for _, arg := range []string{pemPath, base64.StdEncoding.EncodeToString(list)} {
		if got, err := loadECHConfigList(arg); err != nil || !bytes.Equal(got, list) {
			t.Errorf("loadECHConfigList(%s) = %x, %v", arg, got, err)
		}
	}
	if st, err := os.Stat(pemPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode: %v %v", st.Mode(), err)
	}
	if _, err := loadECHConfigList("no-such-file"); err == nil {
		t.Error("a missing file was taken for a config list")
	}
}

// TestECHKeygenOpenSSL checks that OpenSSL reads the private key block.
func TestECHKeygenOpenSSL(t *testing.T) {
	openssl := requirePeer(t, "openssl", "openssl")
	pemPath, _ := keygen(t, "public.example")
	if _, stderr, err := runPeer(t, 10*time.Second, openssl, "pkey", "-in", pemPath, "-noout"); err != nil {
		t.Fatalf("openssl pkey: %v\n%s", err, stderr)
	}
}

func TestECHUsage(t *testing.T) {
	for _, args := range [][]string{{"ech"}, {"ech", "frob"}, {"ech", "keygen"}, {"ech", "keygen", "--public-name", "1.2.3.4"}} {
		if code, _, _ := runArgs(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, stdout, _ := runArgs(t, "help", "ech"); code != exitOK || !strings.Contains(stdout, "--public-name") {
		t.Errorf("help ech: exit %d\n%s", code, stdout)
	}
}

// apiGET is the request connect sends for /api/handshake.
const apiGET = `GET /api/handshake HTTP/1.0\r\nHost: localhost\r\n\r\n`

// connectLine is what the ECH tests read of a connect --json line.
type connectLine struct {
	Error       string `json:"error"`
	ServerName  string `json:"server_name"`
	ECHAccepted bool   `json:"ech_accepted"`
	Received    string `json:"received"`
	ECH         *struct {
		Offered, Accepted, GREASE bool
		PublicName                string `json:"public_name"`
		RetryConfigs              string `json:"retry_configs"`
	} `json:"ech"`
}

func connectLines(t *testing.T, stdout string) []connectLine {
	t.Helper()
	var out []connectLine
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var c connectLine
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		out = append(out, c)
	}
	return out
}

// TestServeConnectECH runs padlock connect --ech-config against padlock
// serve --ech-key: the server sees the inner name and says so.
func TestServeConnectECH(t *testing.T) {
	pemPath, b64Path := keygen(t, "public.example")
	dir := t.TempDir()
	addr, _, _ := startServe(t, "--state-dir", dir, "--ech-key", pemPath)
	code, stdout, stderr := runArgs(t, "connect", "--ca", filepath.Join(dir, "ca.pem"), "--servername", "localhost",
		"--ech-config", b64Path, "--json", "--send", apiGET, addr)
	if code != exitOK {
		t.Fatalf("connect: exit %d\n%s", code, stderr)
	}
	lines := connectLines(t, stdout)
	if len(lines) != 1 {
		t.Fatalf("%d JSON lines, want 1", len(lines))
	}
	c := lines[0]
	if !c.ECHAccepted || c.ECH == nil || !c.ECH.Accepted || c.ECH.PublicName != "public.example" {
		t.Errorf("connect JSON: ech_accepted %v, ech %+v", c.ECHAccepted, c.ECH)
	}
	for _, want := range []string{`"status": "accepted"`, `"outer_server_name": "public.example"`, `"inner_server_name": "localhost"`} {
		if !strings.Contains(c.Received, want) {
			t.Errorf("/api/handshake lacks %s:\n%s", want, c.Received)
		}
	}
	// The text output says what ECH hid.
	code, stdout, stderr = runArgs(t, "connect", "--ca", filepath.Join(dir, "ca.pem"), "--servername", "localhost",
		"--ech-config", b64Path, "--send", apiGET, addr)
	if code != exitOK || !strings.Contains(stdout, `accepted: the network saw only "public.example"`) {
		t.Errorf("connect: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestConnectECHRetry serves one key and offers another for the same
// public name, as after a key rotation: the server rejects ECH and sends
// its config, and connect retries with it.
func TestConnectECHRetry(t *testing.T) {
	served, _ := keygen(t, "public.example")
	_, stale := keygen(t, "public.example")
	dir := t.TempDir()
	addr, _, _ := startServe(t, "--state-dir", dir, "--ech-key", served)
	args := []string{"connect", "--ca", filepath.Join(dir, "ca.pem"), "--servername", "localhost", "--ech-config", stale, "--json", "--send", apiGET, addr}
	code, stdout, stderr := runArgs(t, args...)
	if code != exitOK {
		t.Fatalf("connect: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"the server rejected Encrypted Client Hello", "Retrying once"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	lines := connectLines(t, stdout)
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2:\n%s", len(lines), stdout)
	}
	if first := lines[0]; first.Error == "" || first.ECH == nil || first.ECH.Accepted || first.ECH.RetryConfigs == "" {
		t.Errorf("the rejected connection: %+v", first)
	}
	if second := lines[1]; second.Error != "" || !second.ECHAccepted || !strings.Contains(second.Received, `"status": "accepted"`) {
		t.Errorf("the retry: %+v", second)
	}
	// Without --ech-retry the rejection is the end.
	args = append([]string{args[0], "--ech-retry=false"}, args[1:]...)
	if code, _, stderr := runArgs(t, args...); code != exitFail || strings.Contains(stderr, "Retrying") {
		t.Errorf("--ech-retry=false: exit %d\n%s", code, stderr)
	}
}

// TestServeECHPage checks what the page and the API say for each kind of
// visitor: ECH (crypto/tls's client), GREASE ECH, and none.
func TestServeECHPage(t *testing.T) {
	pemPath, b64Path := keygen(t, "public.example")
	base, caPath := serveBase(t, "--ech-key", pemPath)
	pool := x509.NewCertPool()
	caPEM, err := os.ReadFile(caPath)
	if err != nil || !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA", err)
	}
	list, err := loadECHConfigList(b64Path)
	if err != nil {
		t.Fatal(err)
	}
	goTLS := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: pool, EncryptedClientHelloConfigList: list}}}
	if _, body := get(t, goTLS, base+"/api/handshake"); !strings.Contains(body, `"status": "accepted"`) ||
		!strings.Contains(body, `"outer_server_name": "public.example"`) || !strings.Contains(body, `"ech_accepted": true`) {
		t.Errorf("crypto/tls with ECH: %s", body)
	}
	if _, page := get(t, goTLS, base+"/"); !strings.Contains(page, "the network saw <code>public.example</code>") {
		t.Errorf("the page does not say what ECH hid")
	}
	grease := padlockHTTP(&padlock.Config{RootCAs: pool})
	if _, body := get(t, grease, base+"/api/handshake"); !strings.Contains(body, `"status": "not_decrypted"`) {
		t.Errorf("padlock with GREASE ECH: %s", body)
	}
	if _, page := get(t, grease, base+"/"); !strings.Contains(page, "GREASE ECH") {
		t.Errorf("the page does not say GREASE ECH")
	}
	none := padlockHTTP(&padlock.Config{RootCAs: pool, DisableECHGREASE: true})
	if _, body := get(t, none, base+"/api/handshake"); !strings.Contains(body, `"status": "none"`) {
		t.Errorf("padlock without ECH: %s", body)
	}
}

// TestServeECHCertWarning checks that serve warns when --cert does not
// cover the public name of an ECH key.
func TestServeECHCertWarning(t *testing.T) {
	pemPath, _ := keygen(t, "public.example")
	dir := t.TempDir()
	if code, _, stderr := runArgs(t, "cert", "--out", dir, "--hosts", "localhost"); code != exitOK {
		t.Fatalf("cert: %s", stderr)
	}
	_, stdout, _ := startServe(t, "--cert", filepath.Join(dir, "server.pem"), "--key", filepath.Join(dir, "server-key.pem"), "--ech-key", pemPath)
	if !strings.Contains(stdout.String(), `not valid for the ECH public name "public.example"`) {
		t.Errorf("no warning:\n%s", stdout)
	}
}
