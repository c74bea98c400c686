package pki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
)

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", filepath.Base(path), got, want)
	}
}

func TestLoadOrCreateCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	ca, created, err := LoadOrCreateCA(dir, Ed25519)
	if err != nil || !created {
		t.Fatalf("create: created %v, %v", created, err)
	}
	checkMode(t, dir, dirMode)
	checkMode(t, filepath.Join(dir, CAKeyFile), keyMode)
	checkMode(t, filepath.Join(dir, CACertFile), certMode)

	again, created, err := LoadOrCreateCA(dir, ECDSAP256)
	if err != nil || created {
		t.Fatalf("reload: created %v, %v", created, err)
	}
	if !again.Cert.Equal(ca.Cert) || !again.Key.Public().(publicKey).Equal(ca.Key.Public()) {
		t.Error("reloaded CA differs")
	}
	is, err := again.Issue(IssueOptions{Hosts: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(ca, is.Cert, "localhost", x509.ExtKeyUsageServerAuth); err != nil {
		t.Errorf("certificate from the reloaded CA: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d files in the CA directory, want 2", len(entries))
	}
}

func TestLoadOrCreateCAHalf(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := LoadOrCreateCA(dir, ECDSAP256); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, CAKeyFile)
	key, _ := os.ReadFile(keyPath)
	os.Remove(keyPath)
	if _, _, err := LoadOrCreateCA(dir, ECDSAP256); err == nil {
		t.Error("a certificate without its key was accepted or replaced")
	}
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("a new key was written next to the old certificate")
	}

	// A key that is not the certificate's.
	other, _ := GenerateKey(ECDSAP256, nil)
	kp, _ := keyPEM(other)
	os.WriteFile(keyPath, kp, keyMode)
	if _, _, err := LoadOrCreateCA(dir, ECDSAP256); err == nil {
		t.Error("mismatched key accepted")
	}
	os.WriteFile(keyPath, key, keyMode)
	if _, _, err := LoadOrCreateCA(dir, ECDSAP256); err != nil {
		t.Errorf("restored CA: %v", err)
	}
}

func TestWriteIssued(t *testing.T) {
	_, server := TestChain(ECDSAP256)
	dir := filepath.Join(t.TempDir(), "certs")
	certPath, keyPath, err := WriteIssued(dir, "server", server)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(certPath) != "server.pem" || filepath.Base(keyPath) != "server-key.pem" {
		t.Errorf("paths %s %s", certPath, keyPath)
	}
	checkMode(t, keyPath, keyMode)
	checkMode(t, certPath, certMode)
	data, _ := os.ReadFile(certPath)
	c, err := ParseCertificatePEM(data)
	if err != nil || !c.Equal(server.Cert) {
		t.Errorf("certificate file: %v", err)
	}
	data, _ = os.ReadFile(keyPath)
	k, err := ParsePrivateKeyPEM(data)
	if err != nil || !k.Public().(publicKey).Equal(server.Cert.PublicKey) {
		t.Errorf("key file: %v", err)
	}

	// Overwriting keeps the key private even if the old file was not.
	os.Chmod(keyPath, 0o644)
	if _, _, err := WriteIssued(dir, "server", server); err != nil {
		t.Fatal(err)
	}
	checkMode(t, keyPath, keyMode)

	for _, name := range []string{"", ".", "..", "a/b", `a\b`} {
		if _, _, err := WriteIssued(dir, name, server); err == nil {
			t.Errorf("WriteIssued accepted name %q", name)
		}
	}
}
