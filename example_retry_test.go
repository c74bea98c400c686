package padlock_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"sync/atomic"

	"padlock"
	"padlock/trace"
)

// Answer HelloRetryRequests statelessly, as servers of a fleet sharing
// ticket keys: the cookie carries what the server needs to go on from the
// second ClientHello. This server wants secp256r1, for which crypto/tls
// sends no key share at first, so every handshake takes a retry.
func ExampleConfig_StatelessRetry() {
	keys := padlock.StaticTicketKeys{{1}} // the fleet's keys, newest first, from its secret store
	var checked atomic.Int32              // the server's goroutine counts
	ln, err := padlock.Listen("tcp", "127.0.0.1:0", &padlock.Config{
		Certificates:     []padlock.Certificate{exampleCert()},
		CurvePreferences: []padlock.CurveID{padlock.CurveP256},
		TicketKeys:       keys, // seal the cookies too
		StatelessRetry:   true,
		Trace: func(e trace.Event) {
			if e.Name == "cookie checked" {
				checked.Add(1)
			}
		},
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
		io.WriteString(c, "hello after a retry\n")
	}()
	conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: exampleCA.Pool(), ServerName: "localhost"})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	msg, err := io.ReadAll(conn)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(msg))
	fmt.Println("retried:", conn.ConnectionState().HelloRetryRequest, "cookies checked:", checked.Load())
	// Output:
	// hello after a retry
	// retried: true cookies checked: 1
}
