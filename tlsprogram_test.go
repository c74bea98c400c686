// This file is a program written against crypto/tls, copied with only
// its import changed: `tls "padlock"` for "crypto/tls".
// TestTLSProgramIsCryptoTLS changes it back and runs it.

package padlock_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	tls "padlock"
)

// tlsProgram serves two names with a certificate each, chosen per client
// by GetConfigForClient, and dials the second name twice with its key
// pinned by VerifyConnection and a session cache, the second time
// resuming; then dials the first name with the second's pin, which must
// fail.
func tlsProgram(caPEM, aCert, aKey, bCert, bKey []byte) error {
	certA, err := tls.X509KeyPair(aCert, aKey)
	if err != nil {
		return err
	}
	certB, err := tls.X509KeyPair(bCert, bKey)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return errors.New("no CA certificate")
	}
	byName := map[string]*tls.Config{
		"a.example": {Certificates: []tls.Certificate{certA}},
		"b.example": {Certificates: []tls.Certificate{certB}},
	}
	server := &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			if c, ok := byName[hello.ServerName]; ok {
				return c, nil
			}
			return nil, fmt.Errorf("unknown name %q", hello.ServerName)
		},
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", server)
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				io.Copy(conn, conn)
			}()
		}
	}()

	leafB, err := x509.ParseCertificate(certB.Certificate[0])
	if err != nil {
		return err
	}
	pin := sha256.Sum256(leafB.RawSubjectPublicKeyInfo)
	client := &tls.Config{
		RootCAs:            roots,
		ServerName:         "b.example",
		ClientSessionCache: tls.NewLRUClientSessionCache(8),
		VerifyConnection: func(cs tls.ConnectionState) error {
			if sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo) != pin {
				return errors.New("the server's key is not the pinned one")
			}
			return nil
		},
	}
	for i := 0; i < 2; i++ {
		conn, err := tls.Dial("tcp", ln.Addr().String(), client)
		if err != nil {
			return fmt.Errorf("dial %d: %w", i, err)
		}
		msg := []byte("hello, b.example")
		if _, err := conn.Write(msg); err != nil {
			return err
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(conn, got); err != nil || !bytes.Equal(got, msg) {
			return fmt.Errorf("echo %d: %q, %v", i, got, err)
		}
		state := conn.ConnectionState()
		if state.DidResume != (i == 1) {
			return fmt.Errorf("dial %d: DidResume %v", i, state.DidResume)
		}
		if err := conn.VerifyHostname("b.example"); err != nil {
			return err
		}
		conn.Close()
	}

	wrong := client.Clone()
	wrong.ServerName = "a.example"
	conn, err := tls.Dial("tcp", ln.Addr().String(), wrong)
	if err == nil {
		conn.Close()
		return errors.New("a.example's key passed b.example's pin")
	}
	return nil
}
