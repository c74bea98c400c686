package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// wireTap keeps a copy of everything padlock writes to the peer.
type wireTap struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (c *wireTap) Write(b []byte) (int, error) {
	c.mu.Lock()
	c.out.Write(b)
	c.mu.Unlock()
	return c.Conn.Write(b)
}

// largestDataRecord is the length of the largest application_data
// record in the bytes padlock wrote: every protected TLS 1.3 record and
// TLS 1.2's application data.
func (c *wireTap) largestDataRecord() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, largest := c.out.Bytes(), 0
	for len(b) >= 5 {
		n := int(b[3])<<8 | int(b[4])
		if b[0] == 23 {
			largest = max(largest, n)
		}
		b = b[min(len(b), 5+n):]
	}
	return largest
}

// rslCeiling is the largest record gnutls's --recordsize allows on the
// wire: gnutls counts it in content bytes and announces one more in TLS
// 1.3, for the content type; the AEAD's tag and TLS 1.2's explicit nonce
// come on top.
func rslCeiling(limit int, vers uint16) int {
	if vers == padlock.VersionTLS12 {
		return limit + 8 + 16
	}
	return limit + 1 + 16
}

// rslVersions are the versions and gnutls priorities of the
// record_size_limit cells.
var rslVersions = []struct {
	vers     uint16
	priority string
}{
	{padlock.VersionTLS13, "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
	{padlock.VersionTLS12, "NORMAL:-VERS-ALL:+VERS-TLS1.2"},
}

// TestGnuTLSCliRecordSizeLimit: gnutls-cli --recordsize announces a small
// record_size_limit (RFC 8449); the padlock server's answer to a long
// line keeps within it (gnutls refuses a larger record with
// record_overflow, and the wire shows none).
func TestGnuTLSCliRecordSizeLimit(t *testing.T) {
	bin := requirePeer(t, "gnutls-cli")
	const limit = 512 // the smallest gnutls-cli takes
	for _, v := range rslVersions {
		t.Run(padlock.VersionName(v.vers), func(t *testing.T) {
			f := writePEM(t, pki.ECDSAP256)
			pcert, _, _ := chain(pki.ECDSAP256)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			served := make(chan error, 1)
			var tap *wireTap
			go func() {
				nc, err := l.Accept()
				if err != nil {
					served <- err
					return
				}
				tap = &wireTap{Conn: nc}
				c := padlock.Server(tap, &padlock.Config{Certificates: []padlock.Certificate{pcert}, RecordSizeLimit: 1000}) // gnutls refuses a limit below 512
				defer c.Close()
				c.SetDeadline(time.Now().Add(commandTimeout))
				served <- answerLines(c)
			}()
			_, port, _ := net.SplitHostPort(l.Addr().String())
			p := start(t, nil, bin, "-p", port, "--x509cafile", f.ca, "--sni-hostname", "localhost",
				"--verify-hostname", "localhost", "--priority", v.priority, "--recordsize", fmt.Sprint(limit), "127.0.0.1")
			p.waitCount(t, "Simple Client Mode", 1)
			// gnutls-cli sends one record of what it reads, cut to its
			// own --recordsize: the line fits, padlock's answer with
			// its "padlock heard: " does not.
			long := strings.Repeat("record_size_limit ", 28)
			io.WriteString(p.stdin, long+"\n")
			p.waitCount(t, "padlock heard: "+long, 1)
			io.WriteString(p.stdin, "bye\n")
			if err := p.wait(t); err != nil {
				t.Errorf("gnutls-cli: %v", err)
			}
			if err := <-served; err != nil {
				t.Errorf("padlock server: %v", err)
			}
			if n := tap.largestDataRecord(); n == 0 || n > rslCeiling(limit, v.vers) {
				t.Errorf("padlock sent a %d-byte record; gnutls-cli's record_size_limit is %d", n, limit)
			}
		})
	}
}

// TestGnuTLSServRecordSizeLimit: a padlock client announcing a small
// record_size_limit talks to gnutls-serv --echo announcing one of its
// own; each keeps to the other's (padlock refuses a larger record with
// record_overflow, gnutls too, and the wire shows none from padlock).
func TestGnuTLSServRecordSizeLimit(t *testing.T) {
	bin := requirePeer(t, "gnutls-serv")
	const servLimit = 600
	for _, v := range rslVersions {
		t.Run(padlock.VersionName(v.vers), func(t *testing.T) {
			f := writePEM(t, pki.ECDSAP256)
			_, _, ca := chain(pki.ECDSAP256)
			_, port := startGnuTLSServ(t, bin, "--echo", "--x509certfile", f.cert, "--x509keyfile", f.key,
				"--disable-client-cert", "--priority", v.priority, "--recordsize", fmt.Sprint(servLimit))
			raw, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", port), ioTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			raw.SetDeadline(time.Now().Add(ioTimeout))
			tap := &wireTap{Conn: raw}
			c := padlock.Client(tap, &padlock.Config{RootCAs: ca.Pool(), ServerName: "localhost", RecordSizeLimit: 512}) // gnutls ignores a limit below 512
			if err := c.Handshake(); err != nil {
				t.Fatalf("padlock client handshake: %v", err)
			}
			if got := c.ConnectionState().Version; got != v.vers {
				t.Fatalf("version %s", padlock.VersionName(got))
			}
			line := strings.Repeat("record_size_limit ", 60) + "\n"
			if _, err := io.WriteString(c, line); err != nil {
				t.Fatal(err)
			}
			if got, err := bufio.NewReader(c).ReadString('\n'); err != nil || got != line {
				t.Fatalf("gnutls-serv echoed %d bytes, %v; want %d", len(got), err, len(line))
			}
			c.Close()
			if n := tap.largestDataRecord(); n == 0 || n > rslCeiling(servLimit, v.vers) {
				t.Errorf("padlock sent a %d-byte record; gnutls-serv's record_size_limit is %d", n, servLimit)
			}
		})
	}
}
