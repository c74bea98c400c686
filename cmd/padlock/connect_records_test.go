package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"padlock/internal/pki"
)

// TestConnectRecords checks connect --records against crypto/tls: each
// record padlock sent and received is shown with its nonce and its
// decrypted content, and no secret of the key log appears.
func TestConnectRecords(t *testing.T) {
	ca, is := pki.TestChain(pki.ECDSAP256)
	addr := echoServer(t, ca, is)
	keylog := filepath.Join(t.TempDir(), "keys.log")
	code, stdout, stderr := runArgs(t, "connect", "--ca", writeCA(t, ca), "--servername", "localhost", "--send", "ping",
		"--records", "--keylog", keylog, addr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"client ──▶ server  record: handshake  (", // the ClientHello, in the clear
		"client ◀── server  record: handshake, protected, seq 0",
		"client ──▶ server  record: application_data, protected, seq 0",
		"inner_content_type", "padding_length", "nonce",
		"70696e67", // "ping", as sent
		"50494e47", // "PING", as received
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	data, err := os.ReadFile(keylog)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		// The text lays hex out in groups of 8 digits; look for the first.
		if strings.Contains(stdout, f[2][:8]+" "+f[2][8:16]) {
			t.Errorf("the output shows %s", f[0])
		}
	}
}

func TestConnectRecordsUsage(t *testing.T) {
	code, _, stderr := runArgs(t, "connect", "--records", "--brief", "127.0.0.1:1")
	if code != exitUsage || !strings.Contains(stderr, "--records") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
