package bench

import (
	"testing"
	"time"
)

// Benchmarks report CPU time per operation beside the wall time: on a
// machine shared with other work the wall time of a handshake includes
// waiting for a core, and a transfer's wall time hides work done in
// parallel on two cores. cpuTime (cpu_unix.go) is the process's user and
// system time, garbage collection included.

// cpuMeter measures the CPU time of a benchmark's timed loop.
type cpuMeter struct{ start time.Duration }

// startCPU resets the benchmark timer and starts measuring CPU time; call
// it after the setup, right before the loop.
func startCPU(b *testing.B) cpuMeter {
	b.ResetTimer()
	return cpuMeter{cpuTime()}
}

// stop stops the timer and reports the CPU time per operation as the
// metric "cpu-ns/op".
func (m cpuMeter) stop(b *testing.B) {
	b.StopTimer()
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-m.start)/float64(b.N), "cpu-ns/op")
	}
}
