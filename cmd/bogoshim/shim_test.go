package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestConfigFile checks bogo_config.json parses as the runner reads it,
// every disabled pattern is a valid glob and has a reason.
func TestConfigFile(t *testing.T) {
	data, err := os.ReadFile("bogo_config.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		DisabledTests map[string]string
		ErrorMap      map[string][]string
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	for pattern, reason := range cfg.DisabledTests {
		if _, err := filepath.Match(pattern, ""); err != nil {
			t.Errorf("pattern %q: %v", pattern, err)
		}
		if len(strings.TrimSpace(reason)) < 10 {
			t.Errorf("pattern %q has no reason", pattern)
		}
	}
	for code, texts := range cfg.ErrorMap {
		if len(texts) == 0 || slices.Contains(texts, "") {
			t.Errorf("ErrorMap %s maps to %q, which would match any error", code, texts)
		}
	}
}

func TestParseFlags(t *testing.T) {
	cc, err := parseFlags([]string{"-port", "4433", "-shim-id", "7", "-server", "-on-resume-expect-session-miss",
		"-on-initial-max-version", "772", "-curves", "29", "-curves", "23", "-ocsp-response", "AQI="})
	if err != nil {
		t.Fatal(err)
	}
	if cc.initial.port != 4433 || cc.resume.shimID != 7 || !cc.resume.server {
		t.Errorf("unprefixed flags: %+v", cc.initial)
	}
	if cc.initial.expectSessionMiss || !cc.resume.expectSessionMiss {
		t.Error("-on-resume- flag applied to the first connection")
	}
	if cc.initial.maxVersion != 772 || cc.resume.maxVersion != 0 {
		t.Error("-on-initial- flag applied to the resumption")
	}
	if len(cc.initial.curves) != 2 || string(cc.initial.ocspResponse) != "\x01\x02" {
		t.Errorf("repeated or base64 flags: %+v", cc.initial)
	}
	if _, err := parseFlags([]string{"-dtls"}); !errors.Is(err, errUnimplemented) {
		t.Errorf("unknown flag: %v, want unimplemented", err)
	}
	if _, err := parseFlags([]string{"-port"}); err == nil || errors.Is(err, errUnimplemented) {
		t.Errorf("missing value: %v", err)
	}
}

func TestParseCipherString(t *testing.T) {
	ids, err := parseCipherString("ECDHE-RSA-AES128-GCM-SHA256:TLS_RSA_WITH_AES_256_GCM_SHA384")
	if err != nil || len(ids) != 2 {
		t.Fatalf("%v %v", ids, err)
	}
	if _, err := parseCipherString("DEFAULT:!AES"); !errors.Is(err, errUnimplemented) {
		t.Errorf("operator: %v, want unimplemented", err)
	}
}

// FuzzParseFlags: no flag combination panics the shim's parser or the
// building of its Config.
func FuzzParseFlags(f *testing.F) {
	f.Add("-server\x00-curves\x0029\x00-on-resume-cipher\x00ALL")
	f.Add("-advertise-alpn\x00\x03foo\x02h2\x00-min-version\x00771")
	f.Add("-ticket-key\x00AAAA\x00-max-version\x00769\x00-no-tls12")
	f.Fuzz(func(t *testing.T, s string) {
		cc, err := parseFlags(strings.Split(s, "\x00"))
		if err != nil {
			return
		}
		shared, err := newSharedState(&cc.initial)
		if err != nil {
			return
		}
		for _, tc := range []*testConfig{&cc.initial, &cc.resume} {
			newConfig(tc, shared)
		}
	})
}
