// Command padlockload measures padlock under many connections: how much
// memory an idle TLS connection costs a server, and whether a burst of
// concurrent handshakes all succeed.
//
//	padlockload server -addr 127.0.0.1:0 -print-addr [-stack padlock|cryptotls]
//	padlockload client -addr HOST:PORT -control URL -idle 10000 -concurrent 1000 [-duration 5s]
//
// The server completes handshakes and echoes what each connection sends.
// Beside its TLS listener it serves its memory figures and its CA over
// plain HTTP on a loopback control port. The client opens -idle
// connections and keeps them open, then runs -concurrent handshakes at
// once, and prints what it measured as key=value lines.
//
// Server and client are separate processes so that each has its own file
// descriptor limit and the server's memory is its own. The -stack flag
// runs either with crypto/tls instead, for comparison.
//
// Exit statuses: 0 success, 1 when a connection failed, 2 on a usage
// error.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs one subcommand and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "server":
			return runServer(args[1:], stdout, stderr)
		case "client":
			return runClient(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: padlockload server [flags] | padlockload client [flags]  (-h for the flags)")
	return exitUsage
}
