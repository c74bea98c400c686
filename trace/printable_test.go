package trace

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// hostile is a value a peer could put in a name: an escape sequence that
// paints the terminal red, and a newline that forges a second line.
const hostile = "evil\x1b[31mRED\nFAKE LOG LINE"

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"localhost", "localhost"},
		{`CN=a\, b "q"`, `CN=a\, b "q"`}, // quotes and backslashes stay
		{"Zürich, 東京", "Zürich, 東京"},     // letters of any script stay
		{hostile, `evil\x1b[31mRED\nFAKE LOG LINE`},
		{"a\x00b\tc\r\x7f", `a\x00b\tc\r\x7f`},
		{"\u009b31m", `\u009b31m`},               // C1 CSI
		{"abc\u202egpj.exe", `abc\u202egpj.exe`}, // right-to-left override
		{"a\xffb\xc3", `a\xffb\xc3`},             // not UTF-8
		{"\ufffd", "\ufffd"},                     // a real replacement character is text
	} {
		got := Printable(tc.in)
		if got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if Printable(got) != got {
			t.Errorf("Printable is not idempotent on %q", tc.in)
		}
	}
}

// FuzzPrintable checks that no control character, format character or
// invalid UTF-8 survives Printable.
func FuzzPrintable(f *testing.F) {
	f.Add(hostile)
	f.Add("a\xff\u202e\u0085")
	f.Fuzz(func(t *testing.T, s string) {
		p := Printable(s)
		for i, r := range p {
			if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u2028' {
				t.Fatalf("Printable(%q) = %q: %U at %d", s, p, r, i)
			}
		}
		if !strings.Contains(s, "\ufffd") && strings.Contains(p, "\ufffd") {
			t.Fatalf("Printable(%q) = %q: a replacement character appeared", s, p)
		}
	})
}

// peerEvents are events whose text came from a hostile peer, in every
// place the text renderer prints.
func peerEvents() []Event {
	return []Event{
		{Side: Server, Dir: Received, Kind: KindMessage, Name: "ClientHello",
			Explain: "The client asks for " + hostile + ".",
			Fields:  []Field{{Name: "server_name", Value: hostile}, {Name: "alpn", Value: "h2, " + hostile}},
			Raw:     []byte{1, 0, 0, 1, 0},
			Layout:  []Field{{Name: "server_name", Value: hostile, Start: 4, End: 5}}},
		{Side: Client, Dir: Local, Kind: KindVerified, Name: "chain of " + hostile,
			Fields: []Field{{Name: "chain", Value: "CN=" + hostile + " <- CN=CA"}}},
	}
}

// TestTextEscapesPeerText checks that what a peer sent reaches the text
// output escaped: no escape sequence from it, no line it forged.
func TestTextEscapesPeerText(t *testing.T) {
	for _, opts := range []TextOptions{{NoTime: true}, {NoTime: true, Color: true, Raw: true}} {
		var b bytes.Buffer
		if err := Text(&b, peerEvents(), opts); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "\x1b[31mRED") || strings.Contains(out, "\nFAKE") {
			t.Errorf("color %v: the peer's text reached the output raw:\n%q", opts.Color, out)
		}
		if !strings.Contains(out, `evil\x1b[31mRED\nFAKE LOG LINE`) {
			t.Errorf("color %v: the peer's text is not shown escaped:\n%s", opts.Color, out)
		}
		if !opts.Color && strings.Contains(out, "\x1b") {
			t.Errorf("an escape character in output without colour:\n%q", out)
		}
	}
}

// TestHexDumpEscapesPeerText is TestTextEscapesPeerText for HexDump.
func TestHexDumpEscapesPeerText(t *testing.T) {
	var b bytes.Buffer
	e := peerEvents()[0]
	e.Name = hostile
	if err := HexDump(&b, e, HexOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\nFAKE") || !strings.Contains(out, `evil\x1b[31mRED\nFAKE LOG LINE`) {
		t.Errorf("hex dump:\n%q", out)
	}
}

// TestJSONEscapesPeerText checks that encoding/json, which the JSON
// output rests on, leaves no raw control character either.
func TestJSONEscapesPeerText(t *testing.T) {
	var b bytes.Buffer
	jw := NewJSONWriter(&b)
	for _, e := range peerEvents() {
		jw.Trace(e)
	}
	if err := jw.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") || strings.Count(strings.TrimSpace(b.String()), "\n") != len(peerEvents())-1 {
		t.Errorf("JSON:\n%q", b.String())
	}
	var e Event
	if err := json.Unmarshal(bytes.SplitN(b.Bytes(), []byte("\n"), 2)[0], &e); err != nil || e.Field("server_name") != hostile {
		t.Errorf("JSON does not carry the value as it came: %q, %v", e.Field("server_name"), err)
	}
}
