package scan

import (
	"context"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"padlock/internal/wire"
)

// fakeLegacyServer answers each probe's first flight as a server of the
// 1990s would: an SSL 2.0 SERVER-HELLO to an SSL 2.0 hello, and to an
// SSL 3.0 hello a ServerHello choosing RC4 and DEFLATE when offered. Any
// other hello gets a protocol_version alert. No real peer still speaks
// these, so the findings they raise are checked against this fake.
func fakeLegacyServer(c net.Conn) {
	c.SetDeadline(time.Now().Add(2 * time.Second))
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	if hdr[0]&0x80 != 0 { // SSL 2.0: SERVER-HELLO, session ID hit 0, certificate type 1, version 2
		c.Write([]byte{0x80, 0x0b, 4, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0})
		return
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(c, body); err != nil {
		return
	}
	var ch wire.ClientHello
	if ch.Unmarshal(body) != nil || ch.Vers != versionSSL30 || len(ch.SupportedVersions) > 0 {
		c.Write([]byte{21, 3, 0, 0, 2, 2, 70})
		return
	}
	sh := &wire.ServerHello{Vers: versionSSL30, Random: make([]byte, 32), CipherSuite: ch.CipherSuites[0]}
	if slices.Contains(ch.CipherSuites, 0x0005) {
		sh.CipherSuite = 0x0005
	}
	if slices.Contains(ch.CompressionMethods, 1) {
		sh.CompressionMethod = 1
	}
	c.Write(records(sh.Marshal(), versionSSL30))
}

// TestScanLegacyFake scans fakeLegacyServer: SSL 2.0 and SSL 3.0 with
// RC4 and compression must be found from the first flight alone, graded
// F by ssl2.
func TestScanLegacyFake(t *testing.T) {
	addr := hostileServer(t, fakeLegacyServer)
	r := New(Options{Timeout: time.Second}).Scan(context.Background(), addr)
	wantVersions(t, r, "SSL 2.0", "SSL 3.0")
	wantFindings(t, r, "ssl2", "ssl3", "rc4", "compression", "no_tls13")
	if !slices.Contains(r.CipherSuites["SSL 3.0"], "TLS_RSA_WITH_RC4_128_SHA") || !r.Features.Compression {
		t.Errorf("SSL 3.0 suites %v, compression %v", r.CipherSuites["SSL 3.0"], r.Features.Compression)
	}
	wantGrade(t, r, "F")
	if r.Grade.Rule == "" || r.Findings[0].Severity != Critical {
		t.Errorf("grade %+v, first finding %+v", r.Grade, r.Findings[0])
	}
}
