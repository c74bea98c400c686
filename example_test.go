package padlock_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"

	"padlock"
	"padlock/internal/pki"
	"padlock/trace"
)

// The examples run offline: each talks to a server on loopback that holds
// a certificate for "localhost" from a throwaway CA (internal/pki). In a
// program, the server is a real one and the system's CAs are trusted.
var exampleCA, exampleLeaf = pki.TestChain(pki.ECDSAP256)

// exampleCert is the server's certificate chain and key.
func exampleCert() padlock.Certificate {
	return padlock.Certificate{Certificate: exampleLeaf.DER, PrivateKey: exampleLeaf.Key}
}

// greeter starts a padlock server on loopback that writes a greeting to
// each connection, and returns its address and a function that stops it.
func greeter() (addr string, stop func()) {
	ln, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{Certificates: []padlock.Certificate{exampleCert()}})
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, "hello from padlock\n")
			}()
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }
}

// Dial a server, see what the handshake chose, and read its answer, as
// with crypto/tls.
func ExampleDial() {
	addr, stop := greeter()
	defer stop()
	conn, err := padlock.Dial("tcp", addr, &padlock.Config{
		RootCAs:    exampleCA.Pool(), // nil: the system's CAs
		ServerName: "localhost",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	st := conn.ConnectionState()
	fmt.Println(padlock.VersionName(st.Version), padlock.CipherSuiteName(st.CipherSuite))
	msg, err := io.ReadAll(conn)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(msg))
	// Output:
	// TLS 1.3 TLS_AES_128_GCM_SHA256
	// hello from padlock
}

// Serve HTTPS, HTTP/2 and HTTP/1.1, with net/http over a padlock listener.
// net/http speaks HTTP/2 on a connection that is not a *tls.Conn only
// through its unencrypted-HTTP/2 path: padlock has already decrypted the
// stream, and ALPN ("h2") told the client to start with the HTTP/2
// preface.
func ExampleListen() {
	ln, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{
		Certificates: []padlock.Certificate{exampleCert()}, // or padlock.LoadX509KeyPair
		NextProtos:   []string{"h2", "http/1.1"},
	})
	if err != nil {
		log.Fatal(err)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "hello over %s\n", r.Proto)
		}),
		Protocols: &protocols,
	}
	go srv.Serve(ln)
	defer srv.Close()

	// Any HTTPS client will do; this one is crypto/tls's, asking for h2.
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: exampleCA.Pool()},
		ForceAttemptHTTP2: true,
	}}
	resp, err := client.Get("https://localhost:" + portOf(ln.Addr()) + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.Proto, ": ", string(body))
	// Output:
	// HTTP/2.0: hello over HTTP/2.0
}

// An HTTP client whose TLS is padlock's: the Transport dials TCP and
// hands the connection to padlock.Client. net/http then speaks HTTP/1.1
// on it (its HTTP/2 client needs a *tls.Conn).
func ExampleClient_http() {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello over %s\n", r.Proto)
	})}
	ln, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{Certificates: []padlock.Certificate{exampleCert()}})
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &http.Transport{
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			host, _, _ := net.SplitHostPort(addr)
			conn := padlock.Client(raw, &padlock.Config{
				RootCAs:    exampleCA.Pool(),
				ServerName: host,
				NextProtos: []string{"http/1.1"},
			})
			if err := conn.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return conn, nil
		},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://localhost:" + portOf(ln.Addr()) + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output:
	// hello over HTTP/1.1
}

// Trace a handshake: every message and every step, as the client saw it.
func Example_trace() {
	addr, stop := greeter()
	defer stop()
	var rec trace.Recorder
	conn, err := padlock.Dial("tcp", addr, &padlock.Config{
		RootCAs:          exampleCA.Pool(),
		ServerName:       "localhost",
		CurvePreferences: []padlock.CurveID{padlock.X25519},
		Trace:            rec.Trace,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	for _, e := range rec.Events() {
		if e.Kind == trace.KindMessage {
			fmt.Println(e.Side, e.Dir, e.Name)
		}
	}
	// Output:
	// client sent ClientHello
	// client received ServerHello
	// client sent ChangeCipherSpec
	// client received EncryptedExtensions
	// client received Certificate
	// client received CertificateVerify
	// client received Finished
	// client sent Finished
	// client received NewSessionTicket
}

// Pin the server's certificate: after padlock has verified the chain,
// VerifyPeerCertificate compares the leaf's SHA-256 with the one the
// program expects. An error ends the handshake with bad_certificate.
func ExampleConfig_VerifyPeerCertificate() {
	addr, stop := greeter()
	defer stop()
	pinned := sha256.Sum256(exampleLeaf.DER[0]) // in a program, a constant

	dial := func(pin [32]byte) error {
		conn, err := padlock.Dial("tcp", addr, &padlock.Config{
			RootCAs:    exampleCA.Pool(),
			ServerName: "localhost",
			VerifyPeerCertificate: func(rawCerts [][]byte, _ [][]*x509.Certificate) error {
				if sha256.Sum256(rawCerts[0]) != pin {
					return errors.New("the server's certificate is not the pinned one")
				}
				return nil
			},
		})
		if err != nil {
			return err
		}
		return conn.Close()
	}

	fmt.Println("right pin:", dial(pinned))
	var ae *padlock.AlertError
	if err := dial([32]byte{}); errors.As(err, &ae) {
		fmt.Println("wrong pin:", ae.Description)
	}
	// Output:
	// right pin: <nil>
	// wrong pin: bad_certificate
}

func portOf(a net.Addr) string {
	_, port, _ := net.SplitHostPort(a.String())
	return port
}
