package padlock_test

import (
	"fmt"
	"io"
	"log"
	"net/http"

	"padlock"
	"padlock/internal/pki"
	"padlock/trace"
)

// Dial a server and read its answer, as with crypto/tls.
func ExampleDial() {
	conn, err := padlock.Dial("tcp", "example.com:443", &padlock.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	st := conn.ConnectionState()
	fmt.Println(padlock.VersionName(st.Version), padlock.CipherSuiteName(st.CipherSuite))
}

// Serve HTTPS with net/http over a padlock listener.
func ExampleListen() {
	cert, err := padlock.LoadX509KeyPair("server.pem", "server-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	ln, err := padlock.Listen("tcp", ":8443", &padlock.Config{Certificates: []padlock.Certificate{cert}})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello over padlock\n")
	})))
}

// Trace a handshake: every message and every step, as the client saw it.
func Example_trace() {
	ca, issued := pki.TestChain(pki.ECDSAP256) // a throwaway CA and server certificate
	ln, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{
		Certificates: []padlock.Certificate{{Certificate: issued.DER, PrivateKey: issued.Key}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.WriteString(c, "hi")
	}()

	var rec trace.Recorder
	conn, err := padlock.Dial("tcp", ln.Addr().String(), &padlock.Config{
		RootCAs:          ca.Pool(),
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
			fmt.Println(e.Dir, e.Name)
		}
	}
	// Output:
	// sent ClientHello
	// received ServerHello
	// sent ChangeCipherSpec
	// received EncryptedExtensions
	// received Certificate
	// received CertificateVerify
	// received Finished
	// sent Finished
}
