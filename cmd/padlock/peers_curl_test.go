package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// curlTimeout bounds one run of curl.
const curlTimeout = 30 * time.Second

// TestCurlAPI fetches /api/handshake with curl and checks that the JSON
// describes curl's own ClientHello: first with curl's defaults, then
// with cipher suites the test chose, which the JSON must list exactly,
// in curl's order, while the server still picks by its own preference.
func TestCurlAPI(t *testing.T) {
	curl := requirePeer(t, "curl", "curl")
	base, caPath := serveBase(t)
	fetch := func(args ...string) apiReport {
		t.Helper()
		args = append([]string{"--silent", "--show-error", "--max-time", "20", "--cacert", caPath}, args...)
		out, errOut, err := runPeer(t, curlTimeout, curl, append(args, base+"/api/handshake")...)
		if err != nil {
			t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, tail(errOut))
		}
		var rep apiReport
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("curl got no JSON: %v\n%.2000s", err, out)
		}
		return rep
	}

	rep := fetch()
	if rep.Version != "TLS 1.3" || !strings.HasPrefix(rep.JA4, "t13d") || len(rep.JA3Hash) != 32 || rep.Rating.Grade == "" {
		t.Errorf("curl's defaults: version %q, JA4 %q, JA3 %q, rating %q", rep.Version, rep.JA4, rep.JA3Hash, rep.Rating.Grade)
	}
	// OpenSSL, under curl, puts the TLS 1.3 suites first.
	if len(rep.ClientOffered.CipherSuites) < 4 || !strings.HasPrefix(rep.ClientOffered.CipherSuites[0], "TLS_AES_") &&
		!strings.HasPrefix(rep.ClientOffered.CipherSuites[0], "TLS_CHACHA20_") {
		t.Errorf("curl's offered suites: %q", rep.ClientOffered.CipherSuites)
	}
	t.Logf("curl (defaults): JA4 %s\n  JA4_r %s\n  JA3 %s\n  JA3 string %s\n  rating %s", rep.JA4, rep.JA4Raw, rep.JA3Hash, rep.JA3, rep.Rating.Grade)

	rep = fetch("--tls13-ciphers", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
		"--ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305")
	want := []string{
		"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
		"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
		"TLS_EMPTY_RENEGOTIATION_INFO_SCSV", // OpenSSL's signal of secure renegotiation (RFC 5746)
	}
	if !slices.Equal(rep.ClientOffered.CipherSuites, want) {
		t.Errorf("offered suites\n got %q\nwant %q", rep.ClientOffered.CipherSuites, want)
	}
	// The server's order, not curl's, decides.
	if rep.CipherSuite != "TLS_AES_128_GCM_SHA256" {
		t.Errorf("chosen suite %q, want the server's preference TLS_AES_128_GCM_SHA256", rep.CipherSuite)
	}
	if !strings.HasPrefix(rep.JA4, "t13d05") {
		t.Errorf("JA4 %q: want 5 cipher suites counted", rep.JA4)
	}
}

// TestCurlHTTPLayer fetches /api/handshake with curl over HTTP/1.1 and
// over HTTP/2 and checks the HTTP layer the report shows: curl's
// headers in the order it sends them, and for HTTP/2 its SETTINGS and
// pseudo-header order in an Akamai fingerprint of the right shape,
// which is not Chromium's.
func TestCurlHTTPLayer(t *testing.T) {
	curl := requirePeer(t, "curl", "curl")
	base, caPath := serveBase(t)
	fetch := func(proto string) apiHTTP {
		t.Helper()
		args := []string{"--silent", "--show-error", "--max-time", "20", "--cacert", caPath, proto, base + "/api/handshake"}
		out, errOut, err := runPeer(t, curlTimeout, curl, args...)
		if err != nil {
			t.Fatalf("curl %s: %v\n%s", proto, err, tail(errOut))
		}
		var rep apiHTTP
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("curl %s got no JSON: %v\n%.2000s", proto, err, out)
		}
		return rep
	}

	h1 := fetch("--http1.1")
	if h1.HTTP.Protocol != "HTTP/1.1" || !h1.HTTP.Complete || !strings.HasPrefix(h1.HTTP.UserAgent, "curl/") ||
		headerNames(h1.HTTP.Headers) != "Host User-Agent Accept" {
		t.Errorf("curl --http1.1: %+v", h1.HTTP)
	}
	if !strings.HasPrefix(h1.Verdict.Text, "Your client's TLS is ") {
		t.Errorf("verdict %q", h1.Verdict.Text)
	}

	h2 := fetch("--http2")
	if h2.HTTP.Protocol != "HTTP/2" || h2.HTTP.HTTP2 == nil || !strings.HasPrefix(h2.HTTP.UserAgent, "curl/") {
		t.Fatalf("curl --http2: %+v", h2.HTTP)
	}
	fp := h2.HTTP.HTTP2
	if !akamaiShape.MatchString(fp.Akamai) || len(fp.Settings) == 0 || fp.WindowUpdate == 0 ||
		len(fp.PseudoHeaderOrder) != 4 || fp.PseudoHeaderOrder[0] != ":method" {
		t.Errorf("curl's HTTP/2: %+v", fp)
	}
	if strings.HasSuffix(fp.Akamai, "|m,a,s,p") || strings.HasPrefix(fp.Akamai, "1:65536;2:0;4:6291456") {
		t.Errorf("curl's Akamai fingerprint %q looks like Chromium's", fp.Akamai)
	}
	t.Logf("curl: HTTP/2 (Akamai) %s; HTTP/1.1 headers %s", fp.Akamai, headerNames(h1.HTTP.Headers))
}
