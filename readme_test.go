package padlock_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestREADMESnippets type-checks every Go snippet of README.md as the
// body of a function, so that the README cannot show code that does not
// compile. What the snippets do is run by the Examples of
// example_test.go.
func TestREADMESnippets(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("type-checking needs the packages' export data, from go list; no go command on PATH")
	}
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go snippets")
	}
	var src strings.Builder
	src.WriteString("package snippets\n\nimport (\n")
	imports := []string{"context", "crypto/sha256", "crypto/x509", "errors", "fmt", "log", "net", "net/http", "os", "padlock", "padlock/capture", "padlock/padlockhttp", "padlock/trace"}
	for _, p := range imports {
		src.WriteString("\t\"" + p + "\"\n")
	}
	src.WriteString(")\n")
	for i, m := range blocks {
		src.WriteString("\nfunc snippet" + string(rune('A'+i)) + "() {\n" + m[1] + "}\n")
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "README.md snippets", src.String(), 0)
	if err != nil {
		t.Fatalf("README snippets do not parse: %v\n%s", err, src.String())
	}
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", exportData),
		Error: func(err error) {
			// An import no snippet happens to use is this test's doing.
			if te, ok := err.(types.Error); ok && strings.Contains(te.Msg, "imported and not used") {
				return
			}
			t.Errorf("%v\n(line numbers count from the top of:)\n%s", err, src.String())
		},
	}
	conf.Check("snippets", fset, []*ast.File{f}, nil)
}

// exportData opens the compiler's export data for the package at path,
// building it if need be, as go vet does.
func exportData(path string) (io.ReadCloser, error) {
	out, err := exec.Command("go", "list", "-export", "-f", "{{.Export}}", path).Output()
	if err != nil {
		return nil, err
	}
	return os.Open(strings.TrimSpace(string(out)))
}
