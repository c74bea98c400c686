package capture

import (
	"fmt"

	"padlock"
)

// finish adds the notes on a handshake the capture does not hold whole,
// and the observer's view.
func (e *explainer) finish() {
	x := e.x
	switch {
	case !e.sawHello:
		e.note("the capture holds no ClientHello for this connection: without the client random the key log cannot be matched to it, and the handshake cannot be explained")
	case e.serverRandom == nil:
		e.note("the capture holds no ServerHello for this connection: the version and cipher suite are unknown")
	case e.kl != nil && !x.KeyLogged:
		e.note("the key log has no secrets for this connection (client random %x)", e.clientRandom)
	}
	for from := range 2 {
		if len(e.hs[from]) > 0 {
			e.note("the %s's last handshake message is incomplete: %d bytes of it are in the capture", sideName(from), len(e.hs[from]))
		}
	}
	x.Observer, x.Hidden = e.observer()
}

// observer lists what anyone on the path sees of the connection, and
// what the encryption keeps from them.
func (e *explainer) observer() (seen, hidden []string) {
	x := e.x
	seen = append(seen, fmt.Sprintf("the two endpoints, %s and %s, and when they talked", x.Conn.Client, x.Conn.Server))
	if x.ServerName != "" {
		seen = append(seen, fmt.Sprintf("the server name the client asked for, %q (in the ClientHello's server_name)", x.ServerName))
	}
	if e.sawHello {
		seen = append(seen, "everything the client offered: versions, cipher suites, groups, signature schemes, ALPN protocols, and its key share")
	}
	if x.Version != 0 {
		seen = append(seen, fmt.Sprintf("what the server chose: %s with %s, and its key share", padlock.VersionName(x.Version), padlock.CipherSuiteName(x.CipherSuite)))
	}
	if e.certSubject != "" {
		seen = append(seen, fmt.Sprintf("the server's certificate, %s: TLS 1.2 sends it in the clear", e.certSubject))
	}
	seen = append(seen, fmt.Sprintf("the size and timing of every record: %d bytes from the client, %d from the server", e.sent[0], e.sent[1]))
	hidden = append(hidden, "the shared secret and every key: only the public key shares crossed the wire")
	if e.tls13 {
		hidden = append(hidden, "the rest of the handshake after the ServerHello: the server's EncryptedExtensions (ALPN), certificate, signature and Finished, and the client's Finished")
	}
	hidden = append(hidden, "the application data: what was asked and answered, only its size shows")
	return seen, hidden
}
