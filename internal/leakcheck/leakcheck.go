// Package leakcheck fails a test binary whose tests leave goroutines
// running padlock code behind: every connection must end its goroutines
// when it ends. It is the equivalent of go.uber.org/goleak in a few
// lines, for padlock's packages.
package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Main runs the tests, then waits up to three seconds for goroutines with
// padlock frames to end; if some do not, it prints their stacks and the
// binary fails. Use it as a package's TestMain:
//
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := Leaked(3 * time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines outlived the tests:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// Leaked waits up to d for goroutines running padlock code (frames of
// package padlock, its internal packages or its trace package) to end,
// and returns the stacks of those still running.
func Leaked(d time.Duration) string {
	deadline := time.Now().Add(d)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if isPadlock(g) && !strings.Contains(g, "leakcheck.") && !strings.Contains(g, "testing.(*M).") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func isPadlock(stack string) bool {
	return strings.Contains(stack, "\npadlock.") || strings.Contains(stack, "\npadlock/internal/") ||
		strings.Contains(stack, "\npadlock/trace.")
}
