package main

import (
	"fmt"

	"padlock"
	"padlock/capture"
)

// writeHeader says what the file holds.
func (r *captureRun) writeHeader(tlsConns int) {
	w := r.c.stdout
	cp := r.cap
	fmt.Fprintf(w, "padlock explain: %s\n\n", r.o.file)
	fmt.Fprintf(w, "A %s capture (%s) of %s: %s, %s with TLS.\n", cp.Format, cp.LinkType, plural(cp.Packets, "packet"),
		plural(len(cp.Conns), "TCP connection"), plural(tlsConns, "connection"))
	switch {
	case r.kl != nil:
		fmt.Fprintf(w, "Key log %s: secrets for %s; what they open is shown decrypted.\n", r.o.keylog, plural(r.kl.Len(), "connection"))
	default:
		fmt.Fprintln(w, "No key log (--keylog): you see what anyone on the path sees; encrypted records stay sealed.")
	}
	r.writeNotes(w, "", cp.Notes)
}

// writeConnHeader introduces one connection: its endpoints, what it
// negotiated, whether it was decrypted, and what could not be read.
func (r *captureRun) writeConnHeader(x *capture.Explanation) {
	t := &table{w: r.c.stdout, title: fmt.Sprintf("%s\nConnection %d: %s", rule, x.Conn.ID, x.Conn)}
	if x.Version != 0 {
		t.add("version", "%s", padlock.VersionName(x.Version))
		t.add("cipher suite", "%s", padlock.CipherSuiteName(x.CipherSuite))
	}
	if x.ServerName != "" {
		t.add("server name", "%s", x.ServerName)
	}
	if x.ALPN != "" {
		t.add("application protocol", "%s", x.ALPN)
	}
	switch {
	case x.Decrypted:
		t.add("decrypted", "yes, with the key log's secrets")
	case x.KeyLogged:
		t.add("decrypted", "no: the key log has its secrets, but no record opened with them")
	default:
		t.add("decrypted", "no")
	}
	t.flush()
	r.writeNotes(r.c.stdout, "", x.Notes)
	fmt.Fprintln(r.c.stdout, rule)
}

// writeObserver says what an observer on the path sees and what stays
// hidden.
func (r *captureRun) writeObserver(x *capture.Explanation) {
	w := r.c.stdout
	fmt.Fprintf(w, "%s\nWhat anyone on the path sees of connection %d\n", rule, x.Conn.ID)
	r.writeNotes(w, "", x.Observer)
	hidden := "What stays hidden from them"
	if x.Decrypted {
		hidden += " (shown above only because the key log opened it)"
	}
	fmt.Fprintln(w, hidden)
	r.writeNotes(w, "", x.Hidden)
}
