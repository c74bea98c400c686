// Command padlock shows TLS at work: it runs handshakes with the padlock
// library and prints every step with its real values and what it is for.
//
//	padlock demo                 a client and a server in this process
//	padlock serve                an HTTPS server that shows visitors their handshake
//	padlock connect HOST:PORT    a client, like openssl s_client
//	padlock explain FILE.pcap    the TLS connections of a packet capture, explained
//	padlock scan HOST:PORT       what a server accepts, and whether it is safe
//	padlock cert                 a local CA and certificates
//	padlock ech keygen           a key for Encrypted Client Hello
//	padlock fleet status URL     the ticket key ring a fleet of servers shares in Redis
//	padlock bench                padlock against crypto/tls and the primitives' floor
//	padlock version              the build's version (also padlock --version)
//
// The names, flags and exit statuses are a contract (docs/cli.md): 0 on
// success, 1 when the TLS work failed, 2 on a usage error.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// Exit statuses of every command.
const (
	exitOK    = 0 // success
	exitFail  = 1 // the TLS work failed; the reason is on stderr
	exitUsage = 2 // a usage error; the usage is on stderr
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{
		ctx:    context.Background(),
		stdin:  os.Stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: os.Getenv,
	}
	return c.run(args)
}

// cli is one invocation of padlock: its streams and environment, which
// tests replace.
type cli struct {
	ctx    context.Context // serve stops when it is done, as on SIGINT
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	// listening, when set, is told the address serve listens on.
	listening func(net.Addr)
	// flagsDefined, when set, is told of each command's flags once they
	// are defined (tests: docs/cli.md must name every one).
	flagsDefined func(*flagSet)
	// timeNow, when set, replaces time.Now for the parts of the output
	// that depend on the clock (tests).
	timeNow func() time.Time
}

// command is a subcommand: its name, its one-line summary and its body.
type command struct {
	name    string
	summary string
	run     func(c *cli, args []string) int
}

var commands []command

func init() {
	// Set here, not in the declaration: help refers to commands.
	commands = []command{
		{"demo", "run a client and a server here and show their handshake, step by step", (*cli).demo},
		{"serve", "an HTTPS server that shows each visitor its own handshake", (*cli).serve},
		{"connect", "connect to a TLS server and show the handshake (like openssl s_client)", (*cli).connect},
		{"ech", "make a key for Encrypted Client Hello: padlock ech keygen", (*cli).ech},
		{"explain", "explain the TLS connections of a packet capture, decrypted with a key log", (*cli).explainCapture},
		{"scan", "find out what TLS servers accept and whether it is safe, with a grade", (*cli).scan},
		{"cert", "create a local CA and issue a certificate from it", (*cli).cert},
		{"fleet", "show the state a fleet of servers shares in Redis: padlock fleet status URL", (*cli).fleetCmd},
		{"bench", "compare padlock with crypto/tls and with the primitives' floor", (*cli).bench},
		{"version", "print padlock's version, Go's version and the build information", (*cli).version},
		{"help", "show this help, or a command's flags: padlock help COMMAND", (*cli).help},
	}
}

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd.run(c, args[1:])
		}
	}
	fmt.Fprintf(c.stderr, "padlock: unknown command %q\n\n", args[0])
	c.usage(c.stderr)
	return exitUsage
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, `padlock shows TLS at work: every step of a handshake, with its real values
and what each one is for.

usage: padlock COMMAND [flags]

commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-8s  %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, `
Start with "padlock demo". Run "padlock help COMMAND" for a command's flags,
"padlock --version" for the version of this build.
Exit status: 0 success, 1 the TLS work failed, 2 a usage error.
`)
}

// help prints the general usage, or a command's, on stdout.
func (c *cli) help(args []string) int {
	if len(args) == 0 {
		c.usage(c.stdout)
		return exitOK
	}
	for _, cmd := range commands {
		if cmd.name == args[0] && cmd.name != "help" {
			return cmd.run(c, []string{"-help"})
		}
	}
	fmt.Fprintf(c.stderr, "padlock help: unknown command %q\n\n", args[0])
	c.usage(c.stderr)
	return exitUsage
}

// now returns the current time, or the test's.
func (c *cli) now() time.Time {
	if c.timeNow != nil {
		return c.timeNow()
	}
	return time.Now()
}

// failf reports that the TLS work failed and returns exitFail.
func (c *cli) failf(cmd, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "padlock %s: "+format+"\n", append([]any{cmd}, args...)...)
	return exitFail
}
