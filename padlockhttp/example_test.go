package padlockhttp_test

import (
	"fmt"
	"log"
	"net"
	"net/http"

	"padlock"
	"padlock/padlockhttp"
)

// A server whose handlers see the padlock connection of each request,
// over HTTP/1.1 and HTTP/2, with the trace of its handshake.
func ExampleConfigureServer() {
	cert, err := padlock.LoadX509KeyPair("server.pem", "server-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	inner, err := net.Listen("tcp", ":8443")
	if err != nil {
		log.Fatal(err)
	}
	ln := padlockhttp.NewListener(inner, &padlock.Config{
		Certificates: []padlock.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
	}, padlockhttp.ListenerOptions{Trace: true})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs, _ := padlockhttp.ConnectionState(r)
		fmt.Fprintf(w, "%s over %s, %d trace events\n", r.Proto,
			padlock.VersionName(cs.Version), len(padlockhttp.Events(r)))
	})}
	padlockhttp.ConfigureServer(srv)
	log.Fatal(srv.Serve(ln))
}

// A client that fetches over padlock and reads the response's state.
func ExampleTransport() {
	client := &http.Client{Transport: &padlockhttp.Transport{Config: &padlock.Config{}}}
	resp, err := client.Get("https://example.com/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	cs, _ := padlockhttp.ResponseState(resp)
	fmt.Println(resp.Proto, padlock.VersionName(cs.Version), padlock.CipherSuiteName(cs.CipherSuite))
}
