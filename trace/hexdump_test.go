package trace

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The -update flag that rewrites golden files is declared in
// render_test.go; goldenFile shares it.

// goldenFile compares got with testdata/name, or rewrites it with -update.
func goldenFile(t *testing.T, name string, got []byte) {
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

// serverHelloRaw is the ServerHello of RFC 8448 section 3.
const serverHelloRaw = "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e" +
	"00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304"

// serverHelloEvent is the server's sending of that ServerHello with the
// byte map that wire.Annotate gives it, written out by hand.
func serverHelloEvent(t *testing.T) Event {
	raw, err := hex.DecodeString(serverHelloRaw)
	if err != nil {
		t.Fatal(err)
	}
	return Event{Side: Server, Dir: Sent, Step: StepServerHello, Kind: KindMessage, Name: "ServerHello", Raw: raw,
		Layout: []Field{
			{"msg_type", "ServerHello", 0, 1},
			{"length", "86", 1, 4},
			{"legacy_version", "TLS 1.2", 4, 6},
			{"random", "32 bytes", 6, 38},
			{"legacy_session_id_echo length", "0", 38, 39},
			{"cipher_suite", "TLS_AES_128_GCM_SHA256", 39, 41},
			{"legacy_compression_method", "null", 41, 42},
			{"extensions length", "46", 42, 44},
			{"extension: key_share", "", 44, 84},
			{"extension_type", "key_share", 44, 46},
			{"extension_data length", "36", 46, 48},
			{"group", "x25519", 48, 50},
			{"key_exchange length", "32", 50, 52},
			{"key_exchange", "32 bytes", 52, 84},
			{"extension: supported_versions", "", 84, 90},
			{"extension_type", "supported_versions", 84, 86},
			{"extension_data length", "2", 86, 88},
			{"selected_version", "TLS 1.3", 88, 90},
		}}
}

func TestHexDumpGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts HexOptions
	}{
		{"hexdump.golden", HexOptions{}},
		{"hexdump_color.golden", HexOptions{Color: true}},
		{"hexdump_cut.golden", HexOptions{MaxFieldBytes: 20}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := HexDump(&b, serverHelloEvent(t), tc.opts); err != nil {
				t.Fatal(err)
			}
			goldenFile(t, tc.file, b.Bytes())
		})
	}
}

// TestHexDumpEveryByte checks that each byte of the message is printed
// once, whatever the layout: complete, absent, or with holes.
func TestHexDumpEveryByte(t *testing.T) {
	full := serverHelloEvent(t)
	holes := full
	holes.Layout = []Field{full.Layout[3], full.Layout[13]} // random and key_exchange only
	bare := full
	bare.Layout = nil
	for name, e := range map[string]Event{"full": full, "holes": holes, "bare": bare} {
		var b bytes.Buffer
		if err := HexDump(&b, e, HexOptions{MaxFieldBytes: -1}); err != nil {
			t.Fatal(err)
		}
		if got := dumpedBytes(t, b.String()); got != hex.EncodeToString(e.Raw) {
			t.Errorf("%s: dumped\n%s\nwant\n%x\n%s", name, got, e.Raw, b.String())
		}
		if name != "full" && !strings.Contains(b.String(), "(not annotated)") {
			t.Errorf("%s: holes not marked:\n%s", name, b.String())
		}
	}
}

// dumpedBytes collects the hex bytes of a dump without colours.
func dumpedBytes(t *testing.T, dump string) string {
	var all strings.Builder
	lines := strings.Split(strings.TrimSuffix(dump, "\n"), "\n")
	for _, line := range lines[1:] { // after the heading
		offset, rest, ok := strings.Cut(line, "  ")
		if !ok || len(offset) < 4 {
			t.Fatalf("line %q", line)
		}
		for _, w := range strings.Fields(rest) {
			if len(w) != 2 || strings.Trim(w, "0123456789abcdef") != "" {
				break // the name column
			}
			all.WriteString(w)
		}
	}
	return all.String()
}

func TestHexDumpMalformedLayout(t *testing.T) {
	e := serverHelloEvent(t)
	e.Layout = []Field{
		{Name: "no range"},
		{Name: "past the end", Start: 80, End: 500},
		{Name: "negative", Start: -3, End: 2},
		{Name: "backwards", Start: 10, End: 5},
		{Name: "overlap", Start: 0, End: 50},
		{Name: "overlapping", Start: 40, End: 60},
		{Name: "evil\x1b[2J", Value: "\x1b]0;pwned\x07", Start: 60, End: 61},
	}
	var b bytes.Buffer
	if err := HexDump(&b, e, HexOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b[2J") || strings.Contains(b.String(), "\x1b]0") || strings.Contains(b.String(), "\x07") {
		t.Errorf("control characters from the event reached the output:\n%q", b.String())
	}
	if err := HexDump(&b, Event{Name: "Alert"}, HexOptions{}); err == nil {
		t.Error("HexDump of an event without bytes: no error")
	}
}

func TestLayoutTree(t *testing.T) {
	items := layoutTree(serverHelloEvent(t).Layout, 90)
	var depths, leaves []int
	for _, it := range items {
		depths = append(depths, it.depth)
		if it.leaf {
			leaves = append(leaves, it.Start)
		}
	}
	wantDepths := []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1}
	if !slices.Equal(depths, wantDepths) {
		t.Errorf("depths %v, want %v", depths, wantDepths)
	}
	wantLeaves := []int{0, 1, 4, 6, 38, 39, 41, 42, 44, 46, 48, 50, 52, 84, 86, 88}
	if !slices.Equal(leaves, wantLeaves) {
		t.Errorf("leaves start at %v, want %v", leaves, wantLeaves)
	}
}

// brokenWriter fails every write.
type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("broken") }

func TestHexDumpWriteError(t *testing.T) {
	if err := HexDump(brokenWriter{}, serverHelloEvent(t), HexOptions{}); err == nil {
		t.Error("no error from a failing writer")
	}
}
