package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

const versionAbout = `
Prints padlock's version (the module's version, or "(devel)" for a build
from a working tree, with the commit and its time when the build recorded
them), the Go toolchain that built it, and the build's full record: the
module, its dependencies and the build settings, as "go version -m" shows
them. Include it in a bug report.
`

// version prints the build's version; "padlock --version" runs it too.
func (c *cli) version(args []string) int {
	fs := c.newFlags("version", "padlock version", versionAbout)
	pos, err := fs.parse(args)
	if err != nil {
		return fs.fail(err)
	}
	if len(pos) > 0 {
		return fs.usageError("unexpected argument %q", pos[0])
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	writeVersion(c.stdout, bi)
	return exitOK
}

// writeVersion writes the version lines for bi (nil: a binary built
// without module support).
func writeVersion(w io.Writer, bi *debug.BuildInfo) {
	fmt.Fprintf(w, "padlock %s\n", moduleVersion(bi))
	fmt.Fprintf(w, "built with %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if bi == nil {
		fmt.Fprintln(w, "\nno build information: the binary was built without module support")
		return
	}
	fmt.Fprintf(w, "\nbuild information:\n")
	for _, l := range strings.Split(strings.TrimRight(bi.String(), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

// moduleVersion is the main module's version, "(devel)" when it has
// none, followed by the commit, its time and "modified" when the build
// recorded them (go build does in a repository; go run and go test do
// not).
func moduleVersion(bi *debug.BuildInfo) string {
	v := "(devel)"
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v = bi.Main.Version
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		v += " " + rev
	}
	if at != "" {
		v += " " + at
	}
	if modified == "true" {
		v += " (modified)"
	}
	return v
}
