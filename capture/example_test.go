package capture_test

import (
	"fmt"
	"log"
	"os"

	"padlock"
	"padlock/capture"
	"padlock/trace"
)

// Explain the TLS connections of a capture, decrypted with the key log
// the clients wrote.
func Example() {
	f, err := os.Open("capture.pcapng")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	c, err := capture.Read(f)
	if err != nil {
		log.Fatal(err)
	}
	kf, err := os.Open("keys.log")
	if err != nil {
		log.Fatal(err)
	}
	defer kf.Close()
	keys, err := capture.ParseKeyLog(kf)
	if err != nil {
		log.Fatal(err)
	}
	for _, x := range c.Explain(keys) {
		fmt.Printf("connection %d, %s, %s\n", x.Conn.ID, x.Conn, padlock.VersionName(x.Version))
		trace.Text(os.Stdout, x.Events, trace.TextOptions{})
		fmt.Printf("the client sent %q\n", x.Data[0])
	}
}
