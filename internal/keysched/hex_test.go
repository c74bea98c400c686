package keysched

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// octets matches the "name (N octets):" that starts an RFC 8448 hex block.
var octets = regexp.MustCompile(`^\s*[^:]*\((\d+) octets\):`)

// rfcHex decodes a hex block laid out as in RFC 8448: an optional
// "name (N octets):" on the first line, then bytes as whitespace-separated
// hex pairs over indented lines. Lines starting with '#' are comments. If
// the block gives its length, the decoded length must match.
func rfcHex(t testing.TB, block string) []byte {
	t.Helper()
	var text strings.Builder
	for line := range strings.Lines(block) {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			text.WriteString(line)
		}
	}
	s := strings.TrimSpace(text.String())
	want := -1
	if m := octets.FindStringSubmatch(s); m != nil {
		want, _ = strconv.Atoi(m[1])
		s = s[len(m[0]):]
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex block %.40q: %v", block, err)
	}
	if want >= 0 && len(b) != want {
		t.Fatalf("hex block %.40q: %d bytes, says %d", block, len(b), want)
	}
	return b
}

// readHex reads a testdata file holding one rfcHex block.
func readHex(t testing.TB, path ...string) []byte {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	return rfcHex(t, string(text))
}

// expect fails the test unless got equals the bytes of the RFC block want.
func expect(t *testing.T, name string, got []byte, want string) {
	t.Helper()
	if w := rfcHex(t, want); !bytes.Equal(got, w) {
		t.Errorf("%s:\n got %x\nwant %x", name, got, w)
	}
}

func TestRFCHex(t *testing.T) {
	got := rfcHex(t, `# comment
      secret (3 octets):  0a 0b
         0c`)
	if !bytes.Equal(got, []byte{10, 11, 12}) {
		t.Errorf("got %x", got)
	}
	if got := rfcHex(t, "01 02\n 03"); !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Errorf("unlabelled block: got %x", got)
	}
}
