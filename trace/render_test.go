package trace

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seq returns n bytes counting up from start, for deterministic values.
func seq(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	s := make([]byte, 2*len(b))
	for i, c := range b {
		s[2*i], s[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(s)
}

// sampleEvents is a short TLS 1.3 handshake as both sides trace it into
// one stream, with a receipt of each message the renderer should fold.
func sampleEvents() []Event {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	hello := seq(0x01, 96)
	sh := seq(0x40, 90)
	fin := seq(0x80, 36)
	return []Event{
		{Time: 0, Side: Client, Dir: Sent, Step: StepHello, Kind: KindMessage, Name: "ClientHello",
			Explain: "The client opens the handshake: its random, the versions, cipher suites, groups and signature schemes it supports, and its key shares.",
			Fields: []Field{
				{Name: "legacy_version", Value: "TLS 1.2", Start: 4, End: 6},
				{Name: "random", Value: hexs(seq(0xa0, 32)), Start: 6, End: 38},
				{Name: "session_id", Value: ""},
				{Name: "cipher_suites", Value: "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
				{Name: "key_shares", Value: "x25519 (32 bytes)"},
			},
			Raw: hello},
		{Time: ms(0.25), Side: Server, Dir: Received, Step: StepHello, Kind: KindMessage, Name: "ClientHello",
			Explain: "The client opens the handshake: its random, the versions, cipher suites, groups and signature schemes it supports, and its key shares.",
			Fields: []Field{
				{Name: "legacy_version", Value: "TLS 1.2", Start: 4, End: 6},
				{Name: "random", Value: hexs(seq(0xa0, 32)), Start: 6, End: 38},
				{Name: "session_id", Value: ""},
				{Name: "cipher_suites", Value: "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
				{Name: "key_shares", Value: "x25519 (32 bytes)"},
			},
			Raw: hello},
		{Time: ms(0.3), Side: Server, Dir: Local, Step: StepServerHello, Kind: KindNegotiated, Name: "version negotiated",
			Explain: "The server picks the highest version both sides support: TLS 1.3.",
			Fields:  []Field{{Name: "version", Value: "TLS 1.3"}}},
		{Time: ms(0.5), Side: Server, Dir: Sent, Step: StepServerHello, Kind: KindMessage, Name: "ServerHello",
			Explain: "The server picks the version and cipher suite and answers the client's key share with its own.",
			Fields: []Field{
				{Name: "random", Value: hexs(seq(0xc0, 32))},
				{Name: "key_share_public", Value: hexs(seq(0x10, 65))},
			},
			Raw: sh},
		{Time: ms(0.6), Side: Server, Dir: Local, Step: StepKeyDerivation, Kind: KindSecret, Name: "handshake secrets derived",
			Explain: "The key schedule runs HKDF over the shared secret and the transcript hash to get the handshake traffic secrets.",
			Fields:  []Field{{Name: "derived", Value: "client_handshake_traffic_secret"}, {Name: "derived", Value: "server_handshake_traffic_secret"}}},
		{Time: ms(0.9), Side: Client, Dir: Received, Step: StepServerHello, Kind: KindMessage, Name: "ServerHello",
			Explain: "The server picks the version and cipher suite and answers the client's key share with its own.",
			Fields: []Field{
				{Name: "random", Value: hexs(seq(0xc0, 32))},
				{Name: "key_share_public", Value: hexs(seq(0x10, 65))},
			},
			Raw: sh},
		{Time: ms(1.2), Side: Client, Dir: Local, Step: StepCertificate, Kind: KindVerified, Name: "certificate chain verified",
			Explain: "The chain leads to a trusted CA, every certificate is within its validity period, and the leaf names localhost.",
			Fields:  []Field{{Name: "chain", Value: "CN=localhost <- CN=padlock demo CA,O=padlock"}}},
		{Time: ms(1.3), Side: Client, Dir: Local, Step: StepCertificate, Kind: KindInfo, Name: "certificate verification skipped",
			Explain: "InsecureSkipVerify is set: the server's identity is NOT checked."},
		{Time: ms(1.5), Side: Client, Dir: Sent, Step: StepFinished, Kind: KindMessage, Name: "Finished",
			Explain: "A MAC over the whole handshake.",
			Fields:  []Field{{Name: "verify_data", Value: hexs(seq(0x20, 32))}},
			Raw:     fin,
			Layout:  []Field{{Name: "msg_type", Value: "finished", Start: 0, End: 1}, {Name: "verify_data", Start: 4, End: 36}}},
		{Time: ms(2), Side: Client, Dir: Sent, Step: StepApplicationData, Kind: KindData, Name: "application data",
			Explain: "The client's message, encrypted.",
			Fields:  []Field{{Name: "data", Value: `"hello from the padlock client"`}}},
		{Time: ms(2.5), Side: Server, Dir: Received, Step: StepApplicationData, Kind: KindData, Name: "application data",
			Explain: "The client's message, encrypted.",
			Fields:  []Field{{Name: "data", Value: `"hello from the padlock client"`}}},
		{Time: ms(3), Side: Server, Dir: Received, Step: StepAlert, Kind: KindAlert, Name: "Alert",
			Explain: "The connection ends: bad_certificate.",
			Fields:  []Field{{Name: "description", Value: "bad_certificate"}}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; got:\n%s", path, got)
	}
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts TextOptions
	}{
		{"text.golden", TextOptions{}},
		{"text_raw_notime.golden", TextOptions{Raw: true, NoTime: true, MaxHexBytes: 40}},
		{"text_color.golden", TextOptions{Color: true, Width: 100}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, sampleEvents(), tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, b.Bytes())
		})
	}
}

func TestTextFoldsReceipts(t *testing.T) {
	var b bytes.Buffer
	tw := NewTextWriter(&b, TextOptions{NoTime: true})
	for _, e := range sampleEvents() {
		tw.Trace(e)
	}
	// 12 events, of which 3 are receipts of messages shown as sent.
	if got := tw.Steps(); got != 9 {
		t.Errorf("printed %d steps, want 9:\n%s", got, b.String())
	}
	if n := strings.Count(b.String(), "ClientHello"); n != 1 {
		t.Errorf("ClientHello appears %d times, want 1", n)
	}
	// A single side's trace folds nothing.
	b.Reset()
	tw = NewTextWriter(&b, TextOptions{NoTime: true})
	for _, e := range sampleEvents() {
		if e.Side == Client {
			tw.Trace(e)
		}
	}
	if got := tw.Steps(); got != 6 {
		t.Errorf("client only: printed %d steps, want 6", got)
	}
}

func TestTextNoColorWithoutOption(t *testing.T) {
	var b bytes.Buffer
	Text(&b, sampleEvents(), TextOptions{})
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("ANSI escape in output without Color")
	}
	b.Reset()
	Text(&b, sampleEvents(), TextOptions{Color: true})
	if !strings.Contains(b.String(), "\x1b[") {
		t.Error("no ANSI escape in output with Color")
	}
}

func TestTextWidth(t *testing.T) {
	var b bytes.Buffer
	Text(&b, sampleEvents(), TextOptions{Width: 72})
	for _, line := range strings.Split(b.String(), "\n") {
		if n := len([]rune(line)); n > 72 {
			t.Errorf("line of %d runes exceeds the width of 72: %q", n, line)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, os.ErrClosed
}

func TestTextStopsAfterWriteError(t *testing.T) {
	w := &failWriter{}
	if err := Text(w, sampleEvents(), TextOptions{}); err == nil {
		t.Fatal("no error from a failing writer")
	}
	if w.n != 1 {
		t.Errorf("%d writes after an error, want 1", w.n)
	}
}

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	jw := NewJSONWriter(&b)
	for _, e := range sampleEvents() {
		jw.Trace(e)
	}
	if err := jw.Err(); err != nil {
		t.Fatal(err)
	}
	golden(t, "events.jsonl", b.Bytes())
}

func TestJSONKeys(t *testing.T) {
	b, err := json.Marshal(Event{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"conn", "time_ms", "side", "direction", "step", "kind", "name", "explain", "fields", "raw", "layout"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	if fields, ok := m["fields"].([]any); !ok || len(fields) != 0 {
		t.Errorf("fields = %v, want []", m["fields"])
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, e := range sampleEvents() {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var got Event
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		b2, _ := json.Marshal(got)
		if !bytes.Equal(b, b2) {
			t.Errorf("round trip changed the event:\n%s\n%s", b, b2)
		}
	}
}

func TestJSONRejectsUnknownNames(t *testing.T) {
	for _, s := range []string{
		`{"side":"middle","direction":"sent","step":"hello","kind":"message"}`,
		`{"side":"client","direction":"up","step":"hello","kind":"message"}`,
		`{"side":"client","direction":"sent","step":"nap","kind":"message"}`,
		`{"side":"client","direction":"sent","step":"hello","kind":"joke"}`,
		`{"side":"client","direction":"sent","step":"hello","kind":"message","raw":"zz"}`,
	} {
		var e Event
		if err := json.Unmarshal([]byte(s), &e); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}

func FuzzEventJSON(f *testing.F) {
	for _, e := range sampleEvents() {
		b, _ := json.Marshal(e)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Event
		if json.Unmarshal(data, &e) != nil {
			return
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var e2 Event
		if err := json.Unmarshal(b, &e2); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		b2, _ := json.Marshal(e2)
		if !bytes.Equal(b, b2) {
			t.Fatalf("not stable:\n%s\n%s", b, b2)
		}
		// Whatever decodes must also render.
		Text(new(bytes.Buffer), []Event{e}, TextOptions{Raw: true})
	})
}

func TestTextConn(t *testing.T) {
	e := Event{Conn: 42, Dir: Local, Kind: KindInfo, Name: "x"}
	var with, without bytes.Buffer
	Text(&with, []Event{e}, TextOptions{Conn: true, NoTime: true})
	Text(&without, []Event{e}, TextOptions{NoTime: true})
	if !strings.Contains(with.String(), "conn 42") {
		t.Errorf("Conn: true does not show the connection:\n%s", with.String())
	}
	if strings.Contains(without.String(), "conn") {
		t.Errorf("Conn: false shows the connection:\n%s", without.String())
	}
	e.Conn = 7
	b, _ := json.Marshal(e)
	var got Event
	if err := json.Unmarshal(b, &got); err != nil || got.Conn != 7 {
		t.Errorf("JSON round trip of conn 7: %v, %v", got.Conn, err)
	}
}
