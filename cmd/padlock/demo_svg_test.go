package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoSVG checks that --svg writes a well-formed SVG of the first
// handshake, both sides' messages drawn once, and says where it is.
func TestDemoSVG(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		title string
	}{
		{nil, "a TLS 1.3 handshake"},
		{[]string{"--version", "1.2", "--resume"}, "a TLS 1.2 handshake"},
		{[]string{"--json"}, "a TLS 1.3 handshake"},
		{[]string{"--ech", "--json"}, "a TLS 1.3 handshake"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "hs.svg")
			code, stdout, stderr := runArgs(t, append([]string{"demo", "--svg", path}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d\nstderr: %s", code, stderr)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, data)
			svg := string(data)
			for _, want := range []string{tc.title, "ClientHello", "ServerHello", "Finished", "application data", "certificate chain verified"} {
				if !strings.Contains(svg, want) {
					t.Errorf("SVG lacks %q", want)
				}
			}
			if n := strings.Count(svg, ">ClientHello <"); n != 1 {
				t.Errorf("ClientHello drawn %d times, want once (the first connection only)", n)
			}
			where := stdout
			if strings.Contains(strings.Join(tc.args, " "), "--json") {
				where = stderr
				for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
					if !json.Valid([]byte(line)) {
						t.Errorf("stdout line is not JSON: %s", line)
					}
				}
			}
			if !strings.Contains(where, path) {
				t.Errorf("the output does not say where the diagram is:\n%s", where)
			}
		})
	}
}

func TestDemoSVGUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "hs.svg")
	code, stdout, stderr := runArgs(t, "demo", "--svg", path)
	if code != exitFail || !strings.Contains(stderr, "--svg") || stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q: want exit 1 before any handshake", code, stdout, stderr)
	}
}

// checkSVG requires data to be one well-formed XML document whose root
// is an svg element.
func checkSVG(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(data)))
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
}
