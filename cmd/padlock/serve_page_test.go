package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"padlock"
)

// ja4Shape is what any JA4 of a TLS-over-TCP client looks like.
var ja4Shape = regexp.MustCompile(`t1[0-3][di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}`)

// apiReport is what the tests read of /api/handshake.
type apiReport struct {
	Version       string `json:"version"`
	CipherSuite   string `json:"cipher_suite"`
	Group         string `json:"group"`
	ClientOffered struct {
		CipherSuites      []string `json:"cipher_suites"`
		Groups            []string `json:"supported_groups"`
		Extensions        []string `json:"extensions"`
		ExtensionsDecoded []struct {
			ID     uint16 `json:"id"`
			Name   string `json:"name"`
			Value  string `json:"value"`
			GREASE bool   `json:"grease"`
		} `json:"extensions_decoded"`
	} `json:"client_offered"`
	JA3     string `json:"ja3"`
	JA3Hash string `json:"ja3_hash"`
	JA4     string `json:"ja4"`
	JA4Raw  string `json:"ja4_r"`
	Rating  struct {
		Grade   string `json:"grade"`
		Reasons []struct {
			Cap  string `json:"cap"`
			Text string `json:"text"`
		} `json:"reasons"`
	} `json:"rating"`
	Choices []struct {
		Parameter, Value, Why string
		Weak                  bool
	} `json:"choices"`
}

// serveBase starts padlock serve and returns its https://localhost:PORT
// URL and a pool with its CA.
func serveBase(t *testing.T, args ...string) (base, caPath string) {
	t.Helper()
	dir := t.TempDir()
	addr, _, _ := startServe(t, append([]string{"--state-dir", dir}, args...)...)
	_, port, _ := net.SplitHostPort(addr)
	return "https://localhost:" + port, filepath.Join(dir, "ca.pem")
}

func TestServeAPIFingerprints(t *testing.T) {
	base, caPath := serveBase(t)
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}
	// padlock's own client: its hello is known, so is its JA4's start.
	client := padlockHTTP(&padlock.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}})
	_, body := get(t, client, base+"/api/handshake")
	var rep apiReport
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if !strings.HasPrefix(rep.JA4, "t13d") || !ja4Shape.MatchString(rep.JA4) || !strings.HasPrefix(rep.JA4Raw, rep.JA4[:10]+"_") {
		t.Errorf("ja4 %q, ja4_r %q", rep.JA4, rep.JA4Raw)
	}
	if !strings.HasPrefix(rep.JA3, "771,4865-") || len(rep.JA3Hash) != 32 {
		t.Errorf("ja3 %q, ja3_hash %q", rep.JA3, rep.JA3Hash)
	}
	if rep.Rating.Grade == "" || len(rep.Rating.Reasons) == 0 {
		t.Errorf("rating %+v", rep.Rating)
	}
	if len(rep.ClientOffered.ExtensionsDecoded) != len(rep.ClientOffered.Extensions) || len(rep.ClientOffered.Extensions) == 0 {
		t.Errorf("%d extensions decoded, %d named", len(rep.ClientOffered.ExtensionsDecoded), len(rep.ClientOffered.Extensions))
	}
	for _, e := range rep.ClientOffered.ExtensionsDecoded {
		if e.Name == "server_name" && e.Value != "localhost" {
			t.Errorf("server_name decoded as %q", e.Value)
		}
	}
	params := map[string]string{}
	for _, c := range rep.Choices {
		params[c.Parameter] = c.Value
		if c.Why == "" {
			t.Errorf("choice %s without a reason", c.Parameter)
		}
	}
	for p, want := range map[string]string{"version": "TLS 1.3", "cipher suite": rep.CipherSuite, "key exchange group": rep.Group,
		"application protocol (ALPN)": "http/1.1"} {
		if params[p] != want {
			t.Errorf("choice %q = %q, want %q (all: %v)", p, params[p], want, params)
		}
	}

	// crypto/tls offers GREASE-free TLS 1.2 and 1.3 with its own suites.
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12}}}
	_, body = get(t, hc, base+"/api/handshake")
	rep = apiReport{}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rep.JA4, "t12d") || rep.Version != "TLS 1.2" {
		t.Errorf("TLS 1.2 client: ja4 %q, version %q", rep.JA4, rep.Version)
	}
}

func TestServePage(t *testing.T) {
	base, caPath := serveBase(t)
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	page := string(data)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	for _, want := range []string{
		"What the server chose, and why", "server goes down its own list",
		"What your client offered", "Extensions", "supported_versions",
		"Fingerprints", "JA4_r", "JA3",
		`id="rating"`, `class="grade grade-`,
		"<svg", "</svg>",
		"Step by step",
		"Every message, byte by byte", "<pre>ClientHello", "legacy_session_id", "verify_data",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !ja4Shape.MatchString(page) {
		t.Error("page shows no JA4")
	}
	// Self-contained: nothing to fetch, no script.
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "@import", " src="} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, m := range regexp.MustCompile(`url\([^)]*\)`).FindAllString(page, -1) {
		if !strings.HasPrefix(m, "url(#") {
			t.Errorf("page refers to %s", m)
		}
	}
	for _, m := range regexp.MustCompile(`https?://[^"'\s<]+`).FindAllString(page, -1) {
		if m != "http://www.w3.org/2000/svg" && !strings.HasPrefix(m, base+"/r/") { // the page's own permalink
			t.Errorf("page names the address %s", m)
		}
	}
}

// TestServeWithoutEMS has a TLS 1.2 client without the extended master
// secret (RFC 7627) visit padlock serve: served by default, with the
// weakness on the page and in the API, and refused under --require-ems.
func TestServeWithoutEMS(t *testing.T) {
	base, caPath := serveBase(t)
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}
	legacy := &padlock.Config{RootCAs: pool, MaxVersion: padlock.VersionTLS12, DisableExtendedMasterSecret: true}
	_, body := get(t, padlockHTTP(legacy), base+"/api/handshake")
	var rep struct {
		apiReport
		Steps []struct{ Name, Kind string } `json:"steps"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	var ems []string
	for _, c := range rep.Choices {
		if c.Parameter == "extended master secret" {
			ems = append(ems, c.Value, c.Why)
			if !c.Weak {
				t.Error("the extended master secret choice is not marked weak")
			}
		}
	}
	if len(ems) != 2 || ems[0] != "no" || !strings.Contains(ems[1], "triple handshake") {
		t.Errorf("extended master secret choice %q, want no, with the triple handshake", ems)
	}
	if !slices.ContainsFunc(rep.Steps, func(s struct{ Name, Kind string }) bool {
		return s.Kind == "warning" && s.Name == "no extended master secret"
	}) {
		t.Error("the steps have no warning of the missing extended master secret")
	}
	_, page := get(t, padlockHTTP(legacy), base+"/")
	for _, want := range []string{`class="weak"`, `class="warning local"`, "no extended master secret", "triple handshake"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	strict, caPath := serveBase(t, "--require-ems")
	if pool, err = loadPool(caPath); err != nil {
		t.Fatal(err)
	}
	legacy.RootCAs = pool
	_, err = padlockHTTP(legacy).Get(strict + "/api/handshake")
	var ae *padlock.AlertError
	if !errors.As(err, &ae) || !ae.Remote || ae.Description != padlock.AlertHandshakeFailure {
		t.Errorf("--require-ems: a client without the extended master secret got %v, want handshake_failure from the server", err)
	}
	// crypto/tls always offers it.
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12}}}
	if code, _ := get(t, hc, strict+"/api/handshake"); code != http.StatusOK {
		t.Errorf("--require-ems: crypto/tls got status %d", code)
	}
}
