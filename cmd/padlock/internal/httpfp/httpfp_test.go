package httpfp

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"

	"golang.org/x/net/http2/hpack"
)

// h2Frame writes one HTTP/2 frame (RFC 9113 section 4.1).
func h2Frame(typ, flags byte, stream uint32, payload []byte) []byte {
	b := []byte{byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typ, flags, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[5:], stream)
	return append(b, payload...)
}

// chromeLike is a preface as Chrome sends it: SETTINGS 1, 2, 4, 6, a
// connection WINDOW_UPDATE, then HEADERS in the order m, a, s, p,
// split over a CONTINUATION.
func chromeLike(t *testing.T) []byte {
	t.Helper()
	var settings []byte
	for _, s := range [][2]uint32{{1, 65536}, {2, 0}, {4, 6291456}, {6, 262144}} {
		settings = binary.BigEndian.AppendUint16(settings, uint16(s[0]))
		settings = binary.BigEndian.AppendUint32(settings, s[1])
	}
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for _, f := range [][2]string{{":method", "GET"}, {":authority", "localhost:8443"}, {":scheme", "https"}, {":path", "/"},
		{"user-agent", "Mozilla/5.0 test"}, {"cookie", "secret=1"}, {"accept", "*/*"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	hb := block.Bytes()
	b := []byte(h2Preface)
	b = append(b, h2Frame(frameSettings, 0, 0, settings)...)
	b = append(b, h2Frame(frameWindowUpdate, 0, 0, binary.BigEndian.AppendUint32(nil, 15663105))...)
	b = append(b, h2Frame(frameHeaders, flagPriority, 1, append([]byte{0x80, 0, 0, 0, 255}, hb[:5]...))...)
	b = append(b, h2Frame(frameContinuation, flagEndHeaders, 1, hb[5:])...)
	return b
}

func TestParseHTTP2(t *testing.T) {
	b := chromeLike(t)
	l := Parse(b)
	if l.Protocol != "HTTP/2" || !l.Complete || l.HTTP2 == nil {
		t.Fatalf("got %+v", l)
	}
	if want := "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p"; l.HTTP2.Akamai != want {
		t.Errorf("akamai %q, want %q", l.HTTP2.Akamai, want)
	}
	if l.UserAgent != "Mozilla/5.0 test" {
		t.Errorf("user agent %q", l.UserAgent)
	}
	var names []string
	for _, h := range l.Headers {
		names = append(names, h.Name)
		if h.Name == "cookie" && h.Value != "(8 bytes, not shown)" {
			t.Errorf("cookie shown: %q", h.Value)
		}
	}
	if want := []string{":method", ":authority", ":scheme", ":path", "user-agent", "cookie", "accept"}; !slices.Equal(names, want) {
		t.Errorf("headers %q, want %q", names, want)
	}
	if l.HTTP2.Settings[2].Name != "INITIAL_WINDOW_SIZE" {
		t.Errorf("settings %+v", l.HTTP2.Settings)
	}

	// Cut anywhere, it says what it has and is not complete.
	for n := range len(b) - 1 {
		if c := Parse(b[:n]); c.Complete {
			t.Fatalf("complete from %d of %d bytes", n, len(b))
		}
	}
}

func TestParseHTTP2Priority(t *testing.T) {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for _, f := range [][2]string{{":method", "GET"}, {":path", "/"}, {":authority", "x"}, {":scheme", "https"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	b := []byte(h2Preface)
	b = append(b, h2Frame(frameSettings, 0, 0, []byte{0, 4, 0, 0, 0x80, 0})...)
	b = append(b, h2Frame(framePriority, 0, 3, []byte{0, 0, 0, 0, 200})...)
	b = append(b, h2Frame(framePriority, 0, 5, []byte{0x80, 0, 0, 3, 0})...)
	b = append(b, h2Frame(frameHeaders, flagEndHeaders, 1, block.Bytes())...)
	if got, want := Parse(b).HTTP2.Akamai, "4:32768|00|3:0:0:201,5:1:3:1|m,p,a,s"; got != want {
		t.Errorf("akamai %q, want %q", got, want)
	}
}

func TestParseHTTP1(t *testing.T) {
	b := []byte("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nAuthorization: Basic eA==\r\n\r\n")
	l := Parse(b)
	want := []Header{{"Host", "localhost"}, {"User-Agent", "curl/7.88.1"}, {"Accept", "*/*"}, {"Authorization", "(10 bytes, not shown)"}}
	if l.Protocol != "HTTP/1.1" || !l.Complete || l.UserAgent != "curl/7.88.1" || !slices.Equal(l.Headers, want) || l.HTTP2 != nil {
		t.Errorf("got %+v", l)
	}
	cut := Parse(b[:40])
	if cut.Complete || len(cut.Headers) != 1 || cut.Headers[0].Name != "Host" {
		t.Errorf("cut short: %+v", cut)
	}
	if l := Parse([]byte("\x16\x03\x01 not http\r\n\r\n")); l.Protocol != "" || l.Headers == nil || len(l.Headers) != 0 {
		t.Errorf("not HTTP: %+v", l)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
	f.Add([]byte(h2Preface))
	f.Add(append([]byte(h2Preface), h2Frame(frameHeaders, flagPadded|flagEndHeaders, 1, []byte{9, 0x82})...))
	f.Fuzz(func(t *testing.T, b []byte) {
		l := Parse(b)
		if len(l.Headers) > len(b) {
			t.Errorf("%d headers from %d bytes", len(l.Headers), len(b))
		}
		Parse(append([]byte(h2Preface), b...))
	})
}
