package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"padlock"
	"padlock/capture"
	"padlock/trace"
)

const explainCapAbout = `
Reads a packet capture (pcap or pcapng, as tcpdump, dumpcap, tshark and
Wireshark write it), puts each TCP stream back together, finds the TLS
connections and explains each handshake step by step, as "padlock demo"
explains its own: both sides' messages with their values and what they are
for. With --keylog (an NSS key log: SSLKEYLOGFILE from curl, Chromium,
Firefox, openssl -keylogfile or padlock) it decrypts the encrypted part of a
TLS 1.3 handshake and the application data of TLS 1.3 and TLS 1.2; without
one it shows what an observer on the path sees and says what stays hidden.
Lost, repeated or reordered packets, a capture that starts in the middle of
a connection and a file cut short each get a note.
`

// explainCapOptions are explain's settings, from its flags.
type explainCapOptions struct {
	file, keylog, svg string
	json, raw         bool
	conn              int // 0: every connection
}

// explainCapture is `padlock explain FILE`.
func (c *cli) explainCapture(args []string) int {
	fs := c.newFlags("explain", "padlock explain FILE.pcap [flags]", explainCapAbout)
	keylog := fs.String("keylog", "", "decrypt with the secrets in `FILE`, an NSS key log (default $SSLKEYLOGFILE)")
	json := fs.Bool("json", false, "print only the steps, as JSON, one event per line; notes go to standard error")
	raw := fs.Bool("raw", false, "also show the bytes of each message, annotated field by field")
	svg := fs.String("svg", "", "write the sequence diagram of the first (or --conn) TLS connection to `FILE`, as SVG")
	conn := fs.Int("conn", 0, "explain only connection `N`, as numbered in the output")
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	switch {
	case len(pos) == 0:
		return fs.usageError("the capture file is missing")
	case len(pos) > 1:
		return fs.usageError("unexpected argument %q", pos[1])
	case *conn < 0:
		return fs.usageError("--conn: want a connection number from 1")
	}
	o := explainCapOptions{file: pos[0], keylog: *keylog, svg: *svg, json: *json, raw: *raw, conn: *conn}
	if o.keylog == "" {
		o.keylog = c.getenv("SSLKEYLOGFILE")
	}
	return (&captureRun{c: c, o: o}).run()
}

// captureRun is one run of padlock explain.
type captureRun struct {
	c   *cli
	o   explainCapOptions
	cap *capture.Capture
	kl  *capture.KeyLog
}

func (r *captureRun) run() int {
	c := r.c
	if err := r.load(); err != nil {
		return c.failf("explain", "%v", err)
	}
	var xs []*capture.Explanation
	for _, conn := range r.cap.Conns {
		if r.o.conn != 0 && conn.ID != r.o.conn {
			continue
		}
		if x, ok := conn.Explain(r.kl); ok {
			xs = append(xs, x)
		}
	}
	if !r.o.json {
		r.writeHeader(len(xs))
	} else {
		r.writeNotes(c.stderr, "", r.cap.Notes)
	}
	if len(xs) == 0 {
		return c.failf("explain", "%s holds no TLS connection%s", r.o.file, r.which())
	}
	for _, x := range xs {
		if err := r.explain(x); err != nil {
			return c.failf("explain", "%v", err)
		}
	}
	if err := r.writeSVG(xs[0]); err != nil {
		return c.failf("explain", "--svg: %v", err)
	}
	return exitOK
}

// which says which connections were looked for, for the failure.
func (r *captureRun) which() string {
	if r.o.conn != 0 {
		return fmt.Sprintf(" numbered %d", r.o.conn)
	}
	return ""
}

// load reads the capture and the key log.
func (r *captureRun) load() error {
	f, err := os.Open(r.o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	if r.cap, err = capture.Read(bufio.NewReader(f)); err != nil {
		return fmt.Errorf("%s: %v", r.o.file, err)
	}
	if r.o.keylog == "" {
		return nil
	}
	kf, err := os.Open(r.o.keylog)
	if err != nil {
		return fmt.Errorf("key log: %v", err)
	}
	defer kf.Close()
	r.kl, err = capture.ParseKeyLog(kf)
	return err
}

// explain prints one connection: as JSON lines, or as text with its
// summary, its steps and the observer's view.
func (r *captureRun) explain(x *capture.Explanation) error {
	if r.o.json {
		r.writeNotes(r.c.stderr, fmt.Sprintf("connection %d: ", x.Conn.ID), x.Notes)
		j := trace.NewJSONWriter(r.c.stdout)
		for _, e := range x.Events {
			j.Trace(e)
		}
		return j.Err()
	}
	r.writeConnHeader(x)
	tw := trace.NewTextWriter(r.c.stdout, trace.TextOptions{Color: r.c.useColor(r.c.stdout), Raw: r.o.raw})
	for _, e := range x.Events {
		tw.Trace(e)
	}
	if err := tw.Err(); err != nil {
		return err
	}
	r.writeObserver(x)
	return nil
}

// writeSVG draws x's sequence diagram into the --svg file.
func (r *captureRun) writeSVG(x *capture.Explanation) error {
	if r.o.svg == "" {
		return nil
	}
	f, err := os.Create(r.o.svg)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	title := fmt.Sprintf("padlock explain: connection %d, %s", x.Conn.ID, x.Conn)
	if x.Version != 0 {
		title += ", " + padlock.VersionName(x.Version)
	}
	err = trace.SequenceDiagram(w, x.Events, trace.DiagramOptions{Title: title})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		out := r.c.stdout
		if r.o.json {
			out = r.c.stderr
		}
		fmt.Fprintf(out, "The sequence diagram of connection %d is in %s.\n", x.Conn.ID, r.o.svg)
	}
	return err
}

// writeNotes writes notes as a bulleted list, each line led by prefix.
func (r *captureRun) writeNotes(w io.Writer, prefix string, notes []string) {
	for _, n := range notes {
		for i, l := range wrapText(prefix+n, 74) {
			lead := "  "
			if i == 0 {
				lead = "• "
			}
			fmt.Fprintf(w, "%s%s\n", lead, l)
		}
	}
}
