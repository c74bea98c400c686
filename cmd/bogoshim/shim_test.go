package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"padlock"
)

// TestConfigFile checks bogo_config.json parses as the runner reads it,
// every disabled pattern is a valid glob and has a reason.
func TestConfigFile(t *testing.T) {
	data, err := os.ReadFile("bogo_config.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		HalfRTTTickets int
		DisabledTests  map[string]string
		ErrorMap       map[string][]string
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
	cc, err = parseFlags([]string{"-enable-early-data", "-on-resume-expect-reject-early-data",
		"-on-retry-expect-early-data-reason", "peer_declined"})
	if err != nil {
		t.Fatal(err)
	}
	if !cc.retry.enableEarlyData || cc.retry.expectRejectEarly || !cc.resume.expectRejectEarly {
		t.Error("unprefixed or -on-resume- flags misapplied to the 0-RTT retry")
	}
	if cc.retry.expectEarlyReason != "peer_declined" || cc.resume.expectEarlyReason != "" {
		t.Error("-on-retry- flag misapplied")
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
		for _, tc := range []*testConfig{&cc.initial, &cc.resume, &cc.retry} {
			newConfig(tc, shared)
		}
	})
}

// TestTestCompressors checks the runner's three compression algorithms
// round-trip a Certificate body and refuse a wrong declared length, as
// BoringSSL's shim does.
func TestTestCompressors(t *testing.T) {
	body := []byte{0, 0, 0, 0, 5, 0, 0, 1, 0xaa, 0}
	for _, c := range testCompressors {
		out, err := c.Compress(body)
		if err != nil {
			t.Fatalf("%#x: %v", c.alg, err)
		}
		got := make([]byte, len(body))
		if err := c.Decompress(got, out); err != nil || string(got) != string(body) {
			t.Errorf("%#x: round trip %x, %v", c.alg, got, err)
		}
		if err := c.Decompress(make([]byte, len(body)+1), out); err == nil {
			t.Errorf("%#x: a wrong declared length decompressed", c.alg)
		}
	}
	var cfg padlock.Config
	setCertCompression(&cfg, &testConfig{installOneCompression: shrinkingAlg})
	if len(cfg.CertificateCompression) != 1 || cfg.CertificateCompression[0].Algorithm() != shrinkingAlg {
		t.Errorf("-install-one-cert-compression-alg: %v", cfg.CertificateCompression)
	}
}

// TestEarlyDataReason checks the mapping of what became of 0-RTT onto
// BoringSSL's reason names.
func TestEarlyDataReason(t *testing.T) {
	tls13 := padlock.ConnectionState{Version: padlock.VersionTLS13, DidResume: true}
	on := &testConfig{enableEarlyData: true}
	server := &testConfig{enableEarlyData: true, server: true}
	for _, tc := range []struct {
		tc   *testConfig
		st   padlock.ConnectionState
		ev   connEvents
		want string
	}{
		{on, padlock.ConnectionState{EarlyDataAccepted: true}, connEvents{}, "accept"},
		{&testConfig{}, tls13, connEvents{}, "disabled"},
		{on, padlock.ConnectionState{Version: padlock.VersionTLS12}, connEvents{}, "protocol_version"},
		{server, tls13, connEvents{}, "no_session_offered"},
		{server, tls13, connEvents{offeredPSK: true}, "peer_declined"},
		{server, padlock.ConnectionState{Version: padlock.VersionTLS13}, connEvents{offeredPSK: true, offeredEarly: true, hrr: true}, "session_not_resumed"},
		{server, tls13, connEvents{offeredPSK: true, offeredEarly: true, hrr: true}, "hello_retry_request"},
		{server, tls13, connEvents{offeredPSK: true, offeredEarly: true, earlyRefusal: "the ALPN protocol differs from the session's"}, "alpn_mismatch"},
		{on, tls13, connEvents{offeredPSK: true}, "unsupported_for_session"},
	} {
		if got := earlyDataReason(tc.tc, tc.st, &tc.ev); got != tc.want {
			t.Errorf("%+v %+v: %q, want %q", tc.tc, tc.ev, got, tc.want)
		}
	}
}
