package bench

import (
	"strings"
	"testing"
)

// runGroup runs, as sub-benchmarks, the Cases whose Group starts with
// prefix.
func runGroup(b *testing.B, prefix string) {
	for _, c := range Cases() {
		if strings.HasPrefix(c.Group, prefix) {
			b.Run(strings.TrimPrefix(c.Name(), prefix+"/"), c.Fn)
		}
	}
}

func BenchmarkHandshake13(b *testing.B) { runGroup(b, "Handshake13") }
func BenchmarkHandshake12(b *testing.B) { runGroup(b, "Handshake12") }
func BenchmarkBulk13(b *testing.B)      { runGroup(b, "Bulk13") }
func BenchmarkBulk12(b *testing.B)      { runGroup(b, "Bulk12") }
func BenchmarkEcho64(b *testing.B)      { runGroup(b, "Echo64") }
func BenchmarkIdleConn(b *testing.B)    { runGroup(b, "IdleConn") }
func BenchmarkFirstByte(b *testing.B)   { runGroup(b, "FirstByte") }
