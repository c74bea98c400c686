package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"

	"padlock"
)

// serverHandshake is the server's CPU per new connection under openssl
// s_time, padlock's library beside crypto/tls, for one protocol version
// with an ECDSA P-256 certificate.
type serverHandshake struct {
	Version         string  `json:"version"` // "TLS 1.3" or "TLS 1.2"
	PadlockMicros   float64 `json:"padlock_cpu_us_per_conn"`
	CryptoTLSMicros float64 `json:"crypto_tls_cpu_us_per_conn"`
	Ratio           float64 `json:"ratio"`
	Met             bool    `json:"met"` // Ratio <= maxServerHandshakeCPU
}

// maxServerHandshakeCPU is issue 17's goal for the server's CPU per new
// connection against crypto/tls's.
const maxServerHandshakeCPU = 0.85

// sTimeVersions are the s_time arguments of each version measured.
var sTimeVersions = []struct {
	name string
	args []string
}{
	{"TLS 1.3", []string{"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"}},
	{"TLS 1.2", []string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"}},
}

// compareServerHandshakes serves, in this process, with padlock's and
// crypto/tls's library servers in turn (default Configs, the same
// certificate), each loaded by openssl s_time -new for its share of d in
// acceptRounds rounds, for each version. s_time is another process, so
// this process's CPU time (getrusage) is the server's alone.
func compareServerHandshakes(progress io.Writer, d time.Duration) ([]serverHandshake, error) {
	openssl, certFile, keyFile, cleanup, err := sTimeSetup()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	listens, err := benchServers(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	var rows []serverHandshake
	for _, v := range sTimeVersions {
		var cpu [2]time.Duration
		var conns [2]int
		for round := 0; round < acceptRounds; round++ {
			for i, listen := range listens {
				fmt.Fprintf(progress, "padlock bench: s_time %s against the %s library server (%v)\n", v.name, listen.name, d/acceptRounds)
				n, c, err := loadLibraryServer(openssl, listen.wrap, v.args, d/acceptRounds)
				if err != nil {
					return nil, err
				}
				cpu[i] += c
				conns[i] += n
			}
		}
		if conns[0] == 0 || conns[1] == 0 {
			return nil, fmt.Errorf("s_time completed no %s connection", v.name)
		}
		r := serverHandshake{
			Version:         v.name,
			PadlockMicros:   float64(cpu[0].Microseconds()) / float64(conns[0]),
			CryptoTLSMicros: float64(cpu[1].Microseconds()) / float64(conns[1]),
		}
		r.Ratio = r.PadlockMicros / r.CryptoTLSMicros
		r.Met = r.Ratio <= maxServerHandshakeCPU
		rows = append(rows, r)
	}
	return rows, nil
}

// benchServer wraps a TCP listener in one stack's TLS server.
type benchServer struct {
	name string
	wrap func(net.Listener) net.Listener
}

// benchServers returns padlock's server and crypto/tls's, in that order,
// both with the certificate in certFile and keyFile.
func benchServers(certFile, keyFile string) ([]benchServer, error) {
	pc, err := padlock.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	tc, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	pcfg := &padlock.Config{Certificates: []padlock.Certificate{pc}}
	tcfg := &tls.Config{Certificates: []tls.Certificate{tc}}
	return []benchServer{
		{"padlock", func(l net.Listener) net.Listener { return padlock.NewListener(l, pcfg) }},
		{"crypto/tls", func(l net.Listener) net.Listener { return tls.NewListener(l, tcfg) }},
	}, nil
}

// loadLibraryServer serves with wrap's server here, each connection
// handshaken and closed in its own goroutine, while openssl s_time -new
// with args loads it for d; it returns the connections s_time made and
// the CPU time this process spent meanwhile.
func loadLibraryServer(openssl string, wrap func(net.Listener) net.Listener, args []string, d time.Duration) (int, time.Duration, error) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	ln := wrap(inner)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				c.(interface{ Handshake() error }).Handshake()
				c.Close()
			}()
		}
	}()
	return sTimeCPU(openssl, inner.Addr().String(), d, args...)
}
