package main

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"padlock"
)

// tsharkTimeout bounds a capture, and each reading of it.
const tsharkTimeout = 60 * time.Second

// TestTsharkKeyLog captures padlock serve's connections on loopback with
// tshark, one TLS 1.3 and one TLS 1.2, and has tshark decrypt them with
// the key log that --keylog wrote: the HTTP requests and responses must
// come out in clear, and must not without the key log. Capturing needs
// root (or the capture capabilities).
func TestTsharkKeyLog(t *testing.T) {
	tshark := requirePeer(t, "tshark", "tshark")
	requireLoopbackCapture(t, tshark)
	dir := t.TempDir()
	keylog, pcap := filepath.Join(dir, "keys.log"), filepath.Join(dir, "capture.pcapng")
	base, caPath := serveBase(t, "--keylog", keylog, "--alpn", "http/1.1")
	u, _ := url.Parse(base)

	stop := startCapture(t, tshark, u.Port(), pcap)
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		max    uint16
		marker string
	}{{padlock.VersionTLS13, "tls13"}, {padlock.VersionTLS12, "tls12"}} {
		client := padlockHTTP(&padlock.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}, MaxVersion: v.max})
		if code, _ := get(t, client, base+"/api/handshake?marker="+v.marker); code != 200 {
			t.Fatalf("GET over %s: %d", v.marker, code)
		}
		client.CloseIdleConnections()
	}
	stop()

	fields := []string{"-d", "tcp.port==" + u.Port() + ",tls", "-Y", "http", "-T", "fields",
		"-e", "tcp.stream", "-e", "http.request.uri", "-e", "http.file_data"}
	clear := readCapture(t, tshark, pcap, append([]string{"-o", "tls.keylog_file:" + keylog}, fields...)...)
	for _, v := range []struct{ marker, body string }{
		{"tls13", `"version": "TLS 1.3"`},
		{"tls12", `"version": "TLS 1.2"`},
	} {
		stream := streamOf(clear, "/api/handshake?marker="+v.marker)
		if stream == "" {
			t.Errorf("tshark found no decrypted request for %s:\n%s", v.marker, clear)
			continue
		}
		if !strings.Contains(linesOf(clear, stream), v.body) {
			t.Errorf("tshark found no decrypted response with %s in stream %s:\n%.3000s", v.body, stream, clear)
		}
	}
	// tshark's own reading of the ServerHellos: one TLS 1.3, one 1.2.
	hellos := readCapture(t, tshark, pcap, "-Y", "tls.handshake.type == 2", "-T", "fields",
		"-e", "tcp.stream", "-e", "tls.handshake.version", "-e", "tls.handshake.extensions.supported_version")
	if !strings.Contains(hellos, "0x0304") || strings.Count(strings.TrimSpace(hellos), "\n") != 1 {
		t.Errorf("want two ServerHellos, one selecting TLS 1.3:\n%s", hellos)
	}
	if opaque := readCapture(t, tshark, pcap, fields...); strings.Contains(opaque, "marker=") {
		t.Errorf("tshark read the requests without the key log:\n%s", opaque)
	}
}

// requireLoopbackCapture ends the test unless tshark can capture on lo.
func requireLoopbackCapture(t *testing.T, tshark string) {
	t.Helper()
	out, errOut, err := runPeer(t, 30*time.Second, tshark, "-D")
	if err == nil && regexp.MustCompile(`(?m)^\d+\. lo\b`).Match(out) {
		return
	}
	msg := "tshark -D does not list the loopback interface lo (capturing needs root or CAP_NET_RAW): " + tail(errOut)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// startCapture runs tshark capturing TCP port on lo into pcap, waits
// until it captures, and returns the function that stops it.
//
// tshark says "Capturing on 'lo'" before its capture really runs, so
// the wait is for a packet: tshark also captures a probe port of the
// test's, prints what it captures (-P, flushed with -l), and the test
// connects to the probe port until tshark shows it saw that.
func startCapture(t *testing.T, tshark, port, pcap string) (stop func()) {
	t.Helper()
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	go func() {
		for {
			c, err := probe.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, probePort, _ := net.SplitHostPort(probe.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), tsharkTimeout)
	cmd := peerCommand(ctx, tshark, "-i", "lo", "-f", "tcp port "+port+" or tcp port "+probePort, "-w", pcap, "-P", "-l")
	var out, errOut syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	for out.String() == "" {
		if ctx.Err() != nil {
			cmd.Wait()
			t.Fatalf("tshark captured nothing:\n%s", errOut.String())
		}
		if c, err := net.Dial("tcp", probe.Addr().String()); err == nil {
			c.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return func() {
		t.Helper()
		defer cancel()
		// Give the last packets time to reach the capture, then stop as
		// Ctrl-C would, so that tshark completes the file.
		time.Sleep(500 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil && ctx.Err() != nil {
			t.Fatalf("tshark did not stop: %v\n%s", err, errOut.String())
		}
	}
}

// readCapture runs tshark over pcap with args and returns what it
// printed.
func readCapture(t *testing.T, tshark, pcap string, args ...string) string {
	t.Helper()
	out, errOut, err := runPeer(t, tsharkTimeout, tshark, append([]string{"-r", pcap}, args...)...)
	if err != nil {
		t.Fatalf("tshark -r: %v\n%s", err, tail(errOut))
	}
	return string(out)
}

// streamOf returns the TCP stream (the first field) of the first line
// that holds s, or "".
func streamOf(fields, s string) string {
	for _, line := range strings.Split(fields, "\n") {
		if strings.Contains(line, s) {
			stream, _, _ := strings.Cut(line, "\t")
			return stream
		}
	}
	return ""
}

// linesOf returns the lines of TCP stream stream.
func linesOf(fields, stream string) string {
	var out []string
	for _, line := range strings.Split(fields, "\n") {
		if strings.HasPrefix(line, stream+"\t") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
