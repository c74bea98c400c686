package padlock

import (
	"testing"

	"padlock/internal/pki"
	"padlock/internal/wire"
)

// padHello has a client's ClientHello grow to size bytes, header
// included, with a padding extension (RFC 7685).
func padHello(size int) func(*wire.ClientHello) {
	return func(h *wire.ClientHello) {
		n := len(h.Marshal())
		h.ExtraExtensions = append(h.ExtraExtensions, wire.Extension{Type: wire.ExtPadding, Data: make([]byte, size-n-4)})
	}
}

// TestLargeClientHello checks that a server answers a ClientHello larger
// than the general handshake message limit: post-quantum key shares and
// padding make hellos large, and OpenSSL accepts one up to the largest its
// structure allows (131,396 bytes). The alert table has the hello over
// that limit.
func TestLargeClientHello(t *testing.T) {
	cert, pool := testCert(t, pki.Ed25519)
	for _, vers := range []uint16{VersionTLS13, VersionTLS12} {
		t.Run(VersionName(vers), func(t *testing.T) {
			// The client offers both versions, as a browser does; its
			// TLS 1.3 fields leave room for the padding under the 2^16-1
			// bytes of extensions a hello may have.
			cc := &Config{RootCAs: pool, ServerName: "localhost", MinVersion: VersionTLS12, MaxVersion: VersionTLS13}
			sc := &Config{Certificates: []Certificate{cert}, MaxVersion: vers}
			a, b := tcpPair(t)
			client, server := Client(a, cc), Server(b, sc)
			var sent int
			client.testHooks.editHello = func(h *wire.ClientHello) {
				padHello(65609)(h)
				sent = len(h.Marshal())
			}
			errc := make(chan error, 1)
			go func() { errc <- server.Handshake() }()
			cerr := client.Handshake()
			if cerr != nil {
				a.Close()
			}
			serr := <-errc
			if sent != 65609 {
				t.Fatalf("ClientHello of %d bytes, want 65609", sent)
			}
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			if v := server.ConnectionState().Version; v != vers {
				t.Errorf("negotiated %s", VersionName(v))
			}
		})
	}
}
