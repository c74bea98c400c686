package padlock_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"padlock/internal/pki"
)

// programFiles are the PEM inputs of tlsProgram: a CA, and a certificate
// and key for a.example and for b.example.
func programFiles(t *testing.T) [5][]byte {
	t.Helper()
	ca, _ := pki.TestChain(pki.ECDSAP256)
	files := [5][]byte{ca.CertPEM}
	for i, host := range []string{"a.example", "b.example"} {
		is, err := ca.Issue(pki.IssueOptions{Hosts: []string{host}})
		if err != nil {
			t.Fatal(err)
		}
		files[1+2*i], files[2+2*i] = is.ChainPEM, is.KeyPEM
	}
	return files
}

// TestTLSProgram runs a crypto/tls program with padlock in its place.
func TestTLSProgram(t *testing.T) {
	f := programFiles(t)
	if err := tlsProgram(f[0], f[1], f[2], f[3], f[4]); err != nil {
		t.Fatal(err)
	}
}

// TestTLSProgramIsCryptoTLS puts crypto/tls back in tlsProgram and runs
// it, to show the program is crypto/tls's API and nothing else.
func TestTLSProgramIsCryptoTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	src, err := os.ReadFile("tlsprogram_test.go")
	if err != nil {
		t.Fatal(err)
	}
	prog := strings.Replace(string(src), "\ttls \"padlock\"\n", "\t\"crypto/tls\"\n", 1)
	prog = strings.Replace(prog, "package padlock_test", "package main", 1)
	if strings.Contains(prog, "\t\"padlock") || strings.Contains(prog, "\ttls \"padlock") {
		t.Fatal("the program imports padlock other than as tls")
	}
	dir := t.TempDir()
	f := programFiles(t)
	var args []string
	for i, data := range f {
		path := filepath.Join(dir, "f"+string(rune('0'+i))+".pem")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	main := `package main

import "os"

func main() {
	var f [5][]byte
	for i := range f {
		var err error
		if f[i], err = os.ReadFile(os.Args[1+i]); err != nil {
			panic(err)
		}
	}
	if err := tlsProgram(f[0], f[1], f[2], f[3], f[4]); err != nil {
		println(err.Error())
		os.Exit(1)
	}
}
`
	for name, data := range map[string]string{"prog.go": prog, "main.go": main, "go.mod": "module prog\n\ngo 1.22\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), append([]string{"run", "."}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the program with crypto/tls: %v\n%s", err, out)
	}
}
