package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, stderr := runArgs(t, args...)
		if code != exitOK {
			t.Fatalf("%q: exit %d\n%s", args, code, stderr)
		}
		for _, want := range []string{"padlock ", "built with " + runtime.Version(), "build information:"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%q: output lacks %q:\n%s", args, want, stdout)
			}
		}
	}
	if code, _, stderr := runArgs(t, "version", "extra"); code != exitUsage || !strings.Contains(stderr, "usage:") {
		t.Errorf("version extra: exit %d, want %d with the usage\n%s", code, exitUsage, stderr)
	}
	if code, stdout, _ := runArgs(t, "help", "version"); code != exitOK || !strings.Contains(stdout, "usage: padlock version") {
		t.Errorf("help version: exit %d\n%s", code, stdout)
	}
}

func TestModuleVersion(t *testing.T) {
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "(devel)"},
		{&debug.BuildInfo{}, "(devel)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}}, "v0.3.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0d14ce3"}, {Key: "vcs.time", Value: "2026-12-08T02:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}, "(devel) 0d14ce3 2026-12-08T02:00:00Z (modified)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.0.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"},
		}}, "v1.0.0 abc"},
	} {
		if got := moduleVersion(tc.bi); got != tc.want {
			t.Errorf("moduleVersion(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
	var b strings.Builder
	writeVersion(&b, &debug.BuildInfo{GoVersion: "go1.26", Path: "padlock/cmd/padlock", Main: debug.Module{Path: "padlock", Version: "v1.0.0"}})
	if !strings.Contains(b.String(), "padlock v1.0.0\n") || !strings.Contains(b.String(), "  path\tpadlock/cmd/padlock\n") {
		t.Errorf("writeVersion:\n%s", b.String())
	}
}
