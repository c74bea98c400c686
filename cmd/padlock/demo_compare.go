package main

import (
	"fmt"

	"padlock"
)

// writeComparison sets the version the demo ran against the other one:
// what TLS 1.3 moved, or, after a TLS 1.2 handshake, what it changes
// (RFC 8446 section 1.2, "Major Differences from TLS 1.2").
func (d *demoRun) writeComparison(st padlock.ConnectionState) {
	w := d.c.stdout
	var title string
	var points []string
	if st.Version == padlock.VersionTLS13 {
		title = "What moved compared with TLS 1.2"
		points = []string{
			"The key exchange moved into the hellos: the client sent its key share in ClientHello and the server answered in ServerHello. TLS 1.2 first agrees on a suite, then exchanges keys in ServerKeyExchange and ClientKeyExchange.",
			"Everything after ServerHello is encrypted, the server's certificate included. TLS 1.2 sends the certificate in the clear and encrypts only from the Finished messages on.",
			"The server's Finished comes before the client's: the server completes its side in its first flight. In TLS 1.2 the client finishes first (or, on resumption, second).",
			"One round trip instead of two: the client could send its message right after its Finished, one exchange after it said hello.",
			"ChangeCipherSpec is only a dummy for middleboxes that expect TLS 1.2 (RFC 8446 appendix D.4): it changes nothing, and the keys change by themselves at fixed points.",
			"RSA key transport is gone: every TLS 1.3 key exchange is an ephemeral (EC)DHE or ML-KEM one, so every connection has forward secrecy.",
		}
	} else {
		title = "What TLS 1.3 changes"
		kx := "ServerKeyExchange and ClientKeyExchange above disappear"
		rsa := "It removes RSA key transport, which has no forward secrecy: every TLS 1.3 key exchange is ephemeral."
		if st.CurveID == 0 {
			kx = "ClientKeyExchange above disappears"
			rsa = "It removes the RSA key transport used here: a TLS 1.3 key exchange is always ephemeral, so a stolen server key cannot decrypt recorded connections."
		}
		points = []string{
			"TLS 1.3 moves the key exchange into the hellos: the client sends a key share in ClientHello, the server answers in ServerHello, and " + kx + ".",
			"It encrypts everything after ServerHello, the server's certificate included; here the certificate crossed the wire in the clear.",
			"The server sends its Finished first, and the handshake takes one round trip instead of the two it took here.",
			"ChangeCipherSpec, which here switched each side to its new keys, survives only as a dummy for middleboxes.",
			rsa,
		}
	}
	fmt.Fprintf(w, "%s\n%s\n", rule, title)
	for _, p := range points {
		d.bullet(p)
	}
	if st.Version != padlock.VersionTLS13 {
		fmt.Fprintln(w, `  Run "padlock demo" to see a TLS 1.3 handshake.`)
	}
}
