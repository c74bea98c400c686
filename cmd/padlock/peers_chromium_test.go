package main

import (
	"encoding/binary"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumTimeout bounds one run of headless Chromium.
const chromiumTimeout = 90 * time.Second

// chromiumArgs are the flags of a headless Chromium that trusts any
// certificate (the test's CA is not in its store), talks to nobody but
// the test's server, and keeps its profile in dir.
func chromiumArgs(dir string) []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--mute-audio",
		"--user-data-dir=" + dir, "--ignore-certificate-errors",
	}
}

// TestChromium loads the page of padlock serve in headless Chromium
// and checks that the rendered page shows Chromium's own handshake:
// TLS 1.3, the post-quantum hybrid group Chromium offers first, the
// cipher suite, a JA4 fingerprint, its certificate compressed with
// brotli, and its GREASE ECH. Then it takes a screenshot.
func TestChromium(t *testing.T) {
	chromium := requirePeer(t, "chromium", "chromium")
	base, _ := serveBase(t)
	profile := t.TempDir()
	// A long server name, which the page must wrap: Chromium resolves
	// it to the server, and ignores that the certificate does not match.
	_, port, _ := strings.Cut(strings.TrimPrefix(base, "https://"), ":")
	longName := strings.Repeat("a-rather-long-label-for-the-layout-test-", 1) + "0123456789abcdefghijklm." +
		strings.Repeat("x", 60) + ".padlock.test"
	args := append(chromiumArgs(profile), "--host-resolver-rules=MAP *.padlock.test 127.0.0.1")
	page := "https://" + longName + ":" + port + "/"

	out, errOut, err := runPeer(t, chromiumTimeout, chromium, append(args, "--dump-dom", page)...)
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, tail(errOut))
	}
	dom := string(out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Version</dt>\s*<dd class="ok">TLS 1\.3</dd>`),
		regexp.MustCompile(`Key exchange</dt>\s*<dd><code>X25519MLKEM768</code>`),
		// The server's first choice, which Chromium offers.
		regexp.MustCompile(`Cipher suite</dt>\s*<dd><code>TLS_AES_128_GCM_SHA256</code>`),
		regexp.MustCompile(`JA4</dt>\s*<dd><code>t13d\d{4}h2_[0-9a-f]{12}_[0-9a-f]{12}</code>`),
		regexp.MustCompile(`GREASE\(0x[0-9A-F]{4}\)`),
		// Chromium offers brotli certificate compression (RFC 8879), and
		// padlock serve compresses with it.
		regexp.MustCompile(`Certificate compression</dt>\s*<dd><code>brotli: \d+ bytes instead of \d+, \d+ saved`),
		regexp.MustCompile(`<svg[^>]*>`),
		// Chromium sends GREASE ECH when it has no ECH config for a site.
		regexp.MustCompile(`Encrypted Client Hello</dt>\s*<dd>GREASE ECH`),
		regexp.MustCompile(`<code>` + regexp.QuoteMeta(longName) + `</code>`),
		// The verdict in words, beside the grade: Chromium still offers
		// some old suites for old servers, so it may be only fine.
		regexp.MustCompile(`class="verdict verdict-(excellent|fine)">.*Your browser's TLS is (excellent|fine), because this connection uses TLS 1\.3 with X25519MLKEM768`),
		// The HTTP layer: HTTP/2, Chromium's SETTINGS and pseudo-header
		// order in the Akamai fingerprint, the headers in order.
		regexp.MustCompile(`User agent</dt>\s*<dd><code>Mozilla/5\.0 [^<]*Chrom`),
		regexp.MustCompile(`HTTP/2 fingerprint</dt>\s*<dd><a href="#http"><code>1:65536;[0-9:;]+\|\d+\|0\|m,a,s,p</code>`),
		regexp.MustCompile(`<li><span class="hn">:method</span>: GET</li><li><span class="hn">:authority</span>: ` +
			regexp.QuoteMeta(longName) + `:\d+</li><li><span class="hn">:scheme</span>: https</li><li><span class="hn">:path</span>: /</li>`),
		regexp.MustCompile(`Share</dt>\s*<dd><a href="/r/[A-Za-z0-9_-]{22}">`),
	} {
		if !want.MatchString(dom) {
			t.Errorf("the page Chromium rendered does not match %s", want)
		}
	}
	if t.Failed() {
		t.Logf("DOM:\n%.4000s", dom)
	}
	logFingerprints(t, "Chromium", dom)
	if m := regexp.MustCompile(`Certificate compression</dt>\s*<dd><code>([^<]*)</code>`).FindStringSubmatch(dom); m != nil {
		t.Logf("Chromium's certificate: %s", m[1])
	}

	if m := regexp.MustCompile(`HTTP/2 fingerprint</dt>\s*<dd><a href="#http"><code>([^<]*)</code>`).FindStringSubmatch(dom); m != nil {
		t.Logf("Chromium's HTTP/2 (Akamai): %s", m[1])
	}
	if m := regexp.MustCompile(`class="verdict[^"]*">.*?<span>([^<]*)</span>`).FindStringSubmatch(dom); m != nil {
		t.Logf("verdict: %s", html.UnescapeString(m[1]))
	}

	// PADLOCK_SCREENSHOT_DIR keeps the screenshot, to look at.
	dir := os.Getenv("PADLOCK_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "page.png")
	_, errOut, err = runPeer(t, chromiumTimeout, chromium, append(args,
		"--screenshot="+shot, "--window-size=1200,3000", page)...)
	if err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, tail(errOut))
	}
	checkPNG(t, shot, 1200, 3000, 50<<10)
}

// logFingerprints logs the JA3 and JA4 that the page shows.
func logFingerprints(t *testing.T, who, page string) {
	t.Helper()
	field := func(name string) string {
		m := regexp.MustCompile(`<dt>` + name + `</dt>\s*<dd><code[^>]*>([^<]*)</code>`).FindStringSubmatch(page)
		if m == nil {
			return "(none)"
		}
		return html.UnescapeString(m[1])
	}
	t.Logf("%s: JA4 %s\n  JA4_r %s\n  JA3 %s\n  JA3 string %s", who, field("JA4"), field("JA4_r"), field("JA3"), field("JA3 string"))
}

// checkPNG requires path to be a PNG of the given size in pixels and of
// at least minBytes.
func checkPNG(t *testing.T, path string, width, height uint32, minBytes int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The signature, then the IHDR chunk: length, type, width, height
	// (PNG specification, sections 5.2 and 11.2.2).
	if len(data) < 24 || string(data[:8]) != "\x89PNG\r\n\x1a\n" || string(data[12:16]) != "IHDR" {
		t.Fatalf("%s is not a PNG (%d bytes)", path, len(data))
	}
	w, h := binary.BigEndian.Uint32(data[16:20]), binary.BigEndian.Uint32(data[20:24])
	if w != width || h != height {
		t.Errorf("screenshot is %dx%d, want %dx%d", w, h, width, height)
	}
	if len(data) < minBytes {
		t.Errorf("screenshot is %d bytes, want at least %d: an empty page?", len(data), minBytes)
	}
}

// tail returns the end of a program's error output, for a message.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}
