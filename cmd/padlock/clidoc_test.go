package main

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"padlock/scan"
	"padlock/trace"
)

// readCLIDoc returns docs/cli.md split into its sections, by the command
// each describes ("demo" for "## padlock demo"); other sections are
// under their heading.
func readCLIDoc(t *testing.T) (doc string, sections map[string]string) {
	t.Helper()
	b, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	doc = string(b)
	sections = map[string]string{}
	for _, s := range strings.Split(doc, "\n## ")[1:] {
		heading, body, _ := strings.Cut(s, "\n")
		name := heading
		if rest, ok := strings.CutPrefix(heading, "padlock "); ok {
			name = strings.Fields(rest)[0]
		}
		sections[name] = body
	}
	return doc, sections
}

// TestCLIDocCoversFlags checks that docs/cli.md names every command and,
// in the command's section, every flag the code defines, hidden ones
// included, so that the reference cannot fall behind the code.
func TestCLIDocCoversFlags(t *testing.T) {
	_, sections := readCLIDoc(t)
	for _, cmd := range commands {
		if cmd.name == "help" {
			continue
		}
		section, ok := sections[cmd.name]
		if !ok {
			t.Errorf("docs/cli.md has no section \"## padlock %s\"", cmd.name)
			continue
		}
		c, _, _ := testCLI()
		var flags []string
		c.flagsDefined = func(fs *flagSet) { flags = append(flags, fs.order...) }
		if code := c.run([]string{cmd.name, "--help"}); code != exitOK {
			t.Errorf("padlock %s --help: exit %d", cmd.name, code)
		}
		if flags == nil && cmd.name != "version" {
			t.Errorf("padlock %s: no flags seen; does it parse with flagSet.parse?", cmd.name)
		}
		for _, f := range flags {
			if !strings.Contains(section, "`--"+f+"`") && !strings.Contains(section, "`--"+f+" ") {
				t.Errorf("docs/cli.md, padlock %s: flag --%s is not described", cmd.name, f)
			}
		}
	}
}

// jsonKeys returns the JSON keys of v's type and of the types it holds,
// following embedded structs, pointers, slices and maps.
func jsonKeys(typ reflect.Type, keys map[string]bool) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || typ == reflect.TypeFor[trace.Event]() {
		return
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name != "" {
			keys[name] = true
		}
		jsonKeys(f.Type, keys)
	}
}

// TestCLIDocCoversJSONKeys checks that docs/cli.md names every key of
// connect --json, of a trace event, of serve's /api/handshake and of
// bench --json.
func TestCLIDocCoversJSONKeys(t *testing.T) {
	doc, _ := readCLIDoc(t)
	keys := map[string]bool{"received": true} // printJSON's own
	jsonKeys(reflect.TypeFor[visitorReport](), keys)
	jsonKeys(reflect.TypeFor[benchReport](), keys)
	jsonKeys(reflect.TypeFor[scan.Report](), keys)
	jsonKeys(reflect.TypeFor[fleetStatusReport](), keys)
	b, err := json.Marshal(trace.Event{})
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	for k := range ev {
		keys[k] = true
	}
	var missing []string
	for k := range keys {
		if !strings.Contains(doc, "`"+k+"`") {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/cli.md does not name these JSON keys: %s", strings.Join(missing, ", "))
	}
}
