package main

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"padlock/trace"
)

// Captures of real peers on loopback, taken with tshark while the clients
// write their key logs, then explained by padlock explain: the handshake
// steps must appear, and with the key log the request must come out
// decrypted ("GET /"), without it never.

// captureCurlAgainstOpenSSL captures curl fetching openssl s_server -www
// with each of curlArgs' argument lists, one connection each, and
// returns the capture and curl's key log.
func captureCurlAgainstOpenSSL(t *testing.T, curlArgs ...[]string) (pcap, keylog string) {
	t.Helper()
	openssl := requirePeer(t, "openssl", "openssl")
	curl := requirePeer(t, "curl", "curl")
	tshark := requirePeer(t, "tshark", "tshark")
	requireLoopbackCapture(t, tshark)
	ca, cert, key := opensslCerts(t)
	addr := startOpenSSLServer(t, openssl, "-cert", cert, "-key", key, "-www")
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	dir := t.TempDir()
	pcap, keylog = filepath.Join(dir, "capture.pcapng"), filepath.Join(dir, "keys.log")
	stop := startCapture(t, tshark, port, pcap)
	for _, args := range curlArgs {
		cmd := peerCommandT(t, curl, append([]string{"-sS", "-o", "/dev/null", "--cacert", ca, "https://localhost:" + port + "/"}, args...)...)
		cmd.Env = append(os.Environ(), "SSLKEYLOGFILE="+keylog)
		if out, err := cmd.CombinedOutput(); err != nil {
			stop()
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
	}
	stop()
	return pcap, keylog
}

// peerCommandT is peerCommand bounded by a minute and the test.
func peerCommandT(t *testing.T, path string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return peerCommand(ctx, path, args...)
}

// explainJSON runs padlock explain --json on pcap and returns its events
// by connection.
func explainJSON(t *testing.T, args ...string) map[uint64][]trace.Event {
	t.Helper()
	code, out, errOut := runArgs(t, append([]string{"explain", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("explain --json %v: exit %d\n%s", args, code, errOut)
	}
	conns := map[uint64][]trace.Event{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e trace.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		conns[e.Conn] = append(conns[e.Conn], e)
	}
	return conns
}

// stepNames lists the names of events, in order, joined by ", ".
func stepNames(events []trace.Event) string {
	var n []string
	for _, e := range events {
		n = append(n, e.Name)
	}
	return strings.Join(n, ", ")
}

// requireInOrder fails unless names holds each of want, in order.
func requireInOrder(t *testing.T, what, names string, want ...string) {
	t.Helper()
	rest := names
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s: no %q in order among: %s", what, w, names)
			return
		}
		rest = rest[i+len(w):]
	}
}

// decryptedRequest returns the data of the client's first application
// data event.
func decryptedRequest(events []trace.Event) string {
	for _, e := range events {
		if e.Kind == trace.KindData && e.Side == trace.Client && e.Name == "application data" {
			return e.Field("data")
		}
	}
	return ""
}

// TestExplainCurlOpenSSL: curl against openssl s_server in TLS 1.3, in
// TLS 1.2 with AES-GCM and in TLS 1.2 with ChaCha20-Poly1305.
func TestExplainCurlOpenSSL(t *testing.T) {
	pcap, keylog := captureCurlAgainstOpenSSL(t,
		[]string{"--tlsv1.3"},
		[]string{"--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"},
		[]string{"--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305"},
	)
	conns := explainJSON(t, pcap, "--keylog", keylog)
	if len(conns) != 3 {
		t.Fatalf("%d TLS connections explained, want 3", len(conns))
	}
	// Connections are numbered among all TCP ones (tshark's probes too),
	// in the order they began.
	ids := slices.Sorted(maps.Keys(conns))
	requireInOrder(t, "TLS 1.3", stepNames(conns[ids[0]]), "ClientHello", "ServerHello", "EncryptedExtensions", "Certificate",
		"CertificateVerify", "Finished", "Finished", "application data", "application data")
	for _, id := range ids[1:] {
		requireInOrder(t, "TLS 1.2", stepNames(conns[id]), "ClientHello", "ServerHello", "Certificate", "ServerKeyExchange",
			"ServerHelloDone", "ClientKeyExchange", "ChangeCipherSpec", "Finished", "ChangeCipherSpec", "Finished", "application data")
	}
	for i, want := range []string{"TLS_AES_", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"} {
		if got := chosenSuite(conns[ids[i]]); !strings.HasPrefix(got, want) {
			t.Errorf("connection %d: cipher suite %q, want %s", ids[i], got, want)
		}
	}
	for id, events := range conns {
		if req := decryptedRequest(events); !strings.Contains(req, "GET / HTTP/1.1") {
			t.Errorf("connection %d: decrypted request %q", id, req)
		}
	}

	// The text, and what an observer sees without the key log.
	code, out, errOut := runArgs(t, "explain", pcap)
	if code != exitOK {
		t.Fatalf("explain: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"ClientHello", "encrypted handshake", "encrypted application data", "What anyone on the path sees", `"localhost"`} {
		if !strings.Contains(out, want) {
			t.Errorf("explain without a key log: no %q in:\n%.3000s", want, out)
		}
	}
	if strings.Contains(out, "GET /") {
		t.Errorf("explain without a key log shows the request:\n%s", out)
	}
}

// chosenSuite is the cipher suite the server chose, as explained.
func chosenSuite(events []trace.Event) string {
	for _, e := range events {
		if e.Kind == trace.KindNegotiated {
			return e.Field("cipher suite")
		}
	}
	return ""
}

// TestExplainChromiumServe: headless Chromium loads padlock serve's page
// over HTTP/1.1 (so that the request is text, not HPACK) with its key
// log; explained, one connection shows Chromium's handshake (its
// certificate arrives compressed) and its decrypted "GET /".
func TestExplainChromiumServe(t *testing.T) {
	if testing.Short() {
		t.Skip("Chromium takes seconds to start: skipped with -short")
	}
	chromium := requirePeer(t, "chromium", "chromium")
	tshark := requirePeer(t, "tshark", "tshark")
	requireLoopbackCapture(t, tshark)
	base, _ := serveBase(t, "--alpn", "http/1.1")
	u, _ := url.Parse(base)
	dir := t.TempDir()
	pcap, keylog := filepath.Join(dir, "capture.pcapng"), filepath.Join(dir, "keys.log")

	stop := startCapture(t, tshark, u.Port(), pcap)
	cmd := peerCommandT(t, chromium, append(chromiumArgs(t.TempDir()), "--ssl-key-log-file="+keylog, "--dump-dom", base+"/")...)
	cmd.Env = append(os.Environ(), "SSLKEYLOGFILE="+keylog)
	out, err := cmd.CombinedOutput()
	stop()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, tail(out))
	}
	conns := explainJSON(t, pcap, "--keylog", keylog)
	for _, events := range conns {
		if strings.Contains(decryptedRequest(events), "GET / HTTP/1.1") {
			requireInOrder(t, "Chromium", stepNames(events), "ClientHello", "ServerHello", "EncryptedExtensions",
				"Certificate", "CertificateVerify", "Finished", "Finished", "application data")
			return
		}
	}
	for id, events := range conns {
		t.Logf("connection %d: %s", id, stepNames(events))
	}
	t.Errorf("no connection of %d shows Chromium's GET / decrypted", len(conns))
}
