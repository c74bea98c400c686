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
