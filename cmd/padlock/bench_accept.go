package main

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"padlock/internal/pki"
)

// acceptResult compares how many new TLS 1.3 connections per second
// padlock serve and openssl s_server complete under openssl s_time.
type acceptResult struct {
	Padlock float64 `json:"padlock_conns_per_s"`
	OpenSSL float64 `json:"openssl_conns_per_s"`
	Met     bool    `json:"met"` // padlock at least as fast
}

// acceptRounds is how many times each server is loaded, alternately, so
// that a change in the machine's other load hits both alike.
const acceptRounds = 3

// compareAccept starts padlock serve (this executable) and openssl
// s_server in turn, with the same ECDSA P-256 certificate and one session
// ticket per connection each, and loads each with openssl s_time -new
// over TLS 1.3 with TLS_AES_128_GCM_SHA256 for d in all.
func compareAccept(progress io.Writer, d time.Duration) (*acceptResult, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	openssl, certFile, keyFile, cleanup, err := sTimeSetup()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	servers := []struct {
		name string
		args func(addr string) []string
		bin  string
	}{
		{"padlock serve", func(addr string) []string {
			return []string{"serve", "--addr", addr, "--cert", certFile, "--key", keyFile}
		}, self},
		{"openssl s_server", func(addr string) []string {
			return []string{"s_server", "-accept", addr, "-cert", certFile, "-key", keyFile,
				"-tls1_3", "-quiet", "-num_tickets", "1"}
		}, openssl},
	}
	var conns [2]int
	var elapsed [2]time.Duration
	for round := 0; round < acceptRounds; round++ {
		for i, s := range servers {
			fmt.Fprintf(progress, "padlock bench: s_time against %s (%v)\n", s.name, d/acceptRounds)
			n, t, err := loadServer(openssl, s.bin, s.args, d/acceptRounds)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.name, err)
			}
			conns[i] += n
			elapsed[i] += t
		}
	}
	r := &acceptResult{
		Padlock: float64(conns[0]) / elapsed[0].Seconds(),
		OpenSSL: float64(conns[1]) / elapsed[1].Seconds(),
	}
	r.Met = r.Padlock >= r.OpenSSL
	return r, nil
}

// sTimeSetup finds openssl, for s_time, and writes acceptCertificate's
// files into a new temporary directory, which cleanup removes: what each
// comparison under s_time starts with.
func sTimeSetup() (openssl, certFile, keyFile string, cleanup func(), err error) {
	if openssl, err = exec.LookPath("openssl"); err != nil {
		return "", "", "", nil, errors.New("openssl is not on PATH")
	}
	dir, err := os.MkdirTemp("", "padlock-bench-")
	if err != nil {
		return "", "", "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if certFile, keyFile, err = acceptCertificate(dir); err != nil {
		cleanup()
		return "", "", "", nil, err
	}
	return openssl, certFile, keyFile, cleanup, nil
}

// acceptCertificate writes a CA-issued ECDSA P-256 certificate for
// 127.0.0.1 and its key into dir. The certificate file holds the leaf
// alone: padlock serve sends every certificate of its file and openssl
// s_server only the first, and the chain decides much of the client's
// work, so both must send the same one.
func acceptCertificate(dir string) (certFile, keyFile string, err error) {
	ca, err := pki.NewCA("padlock bench CA", pki.ECDSAP256, time.Time{}, time.Time{})
	if err != nil {
		return "", "", err
	}
	is, err := ca.Issue(pki.IssueOptions{Hosts: []string{"127.0.0.1", "localhost"}, KeyType: pki.ECDSAP256})
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "leaf.pem"), filepath.Join(dir, "leaf-key.pem")
	leaf := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: is.DER[0]})
	if err := os.WriteFile(certFile, leaf, 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, os.WriteFile(keyFile, is.KeyPEM, 0o600)
}

// loadServer starts a server on a free loopback port, waits until it
// accepts, runs openssl s_time against it for d and stops it. It
// returns the connections s_time completed and the time they took.
func loadServer(openssl, bin string, args func(string) []string, d time.Duration) (int, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return 0, 0, err
	}
	srv := exec.Command(bin, args(addr)...)
	if err := srv.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		srv.Process.Kill()
		srv.Wait()
	}()
	if err := waitListening(addr, 10*time.Second); err != nil {
		return 0, 0, err
	}
	secs := max(1, int(d/time.Second))
	var out bytes.Buffer
	client := exec.Command(openssl, "s_time", "-connect", addr, "-new", "-time", strconv.Itoa(secs),
		"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256")
	client.Stdout, client.Stderr = &out, &out
	start := time.Now()
	if err := client.Run(); err != nil {
		return 0, 0, fmt.Errorf("openssl s_time: %v: %s", err, out.Bytes())
	}
	took := time.Since(start)
	m := sTimeConns.FindSubmatch(out.Bytes())
	if m == nil {
		return 0, 0, fmt.Errorf("openssl s_time printed no count: %s", out.Bytes())
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n, took, nil
}

// sTimeConns finds the count in s_time's "N connections in Xs; ..." line.
var sTimeConns = regexp.MustCompile(`(\d+) connections in [\d.]+s;`)

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitListening waits until something accepts connections on addr.
func waitListening(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
