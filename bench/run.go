package bench

import (
	"flag"
	"slices"
	"sync"
	"testing"
	"time"
)

// Result is what one Case measured, per operation.
type Result struct {
	Name        string  `json:"name"`  // Group/Stack
	Group       string  `json:"group"` // what was measured
	Stack       string  `json:"stack"` // padlock, crypto-tls or floor
	Runs        int     `json:"runs"`  // the values are the medians of this many runs
	N           int     `json:"n"`     // operations timed, in all runs
	NsPerOp     float64 `json:"ns_per_op"`
	CPUNsPerOp  float64 `json:"cpu_ns_per_op"` // both sides' CPU, GC included
	BytesPerOp  int64   `json:"bytes_per_op"`  // heap bytes allocated
	AllocsPerOp int64   `json:"allocs_per_op"`
	MBPerSec    float64 `json:"mb_per_s,omitempty"`
	// Metrics holds the other metrics a Case reports, by unit, such as
	// "idle-B/pair".
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Err is why the Case could not run; the other fields are then zero.
	Err string `json:"error,omitempty"`
}

// initTesting registers the testing flags, once, so that Run may set the
// benchmark time outside `go test`.
var initTesting sync.Once

// Run runs the Cases whose names match filter (see Select), each for
// about benchtime, through testing.Benchmark: the same measurement as
// `go test -bench`, from any program. With count above 1 it runs every
// Case count times, in rounds, so that a change in the machine's load
// falls on all stacks alike, and reports the median of each value.
// progress, when not nil, is called before each run of a Case.
func Run(filter string, benchtime time.Duration, count int, progress func(c Case, round int)) []Result {
	initTesting.Do(func() {
		if flag.Lookup("test.benchtime") == nil {
			testing.Init()
		}
	})
	// Inside a test binary the flag is the user's: put it back after.
	defer flag.Set("test.benchtime", flag.Lookup("test.benchtime").Value.String())
	flag.Set("test.benchtime", benchtime.String())
	cases := Select(filter)
	runs := make([][]Result, len(cases))
	for round := range max(count, 1) {
		for i, c := range cases {
			if progress != nil {
				progress(c, round)
			}
			runs[i] = append(runs[i], runCase(c))
		}
	}
	out := make([]Result, len(cases))
	for i := range cases {
		out[i] = medianResult(runs[i])
	}
	return out
}

// medianResult combines runs of one Case: the median of each value, each
// taken on its own; a failed run makes the Case failed.
func medianResult(runs []Result) Result {
	r := runs[0]
	r.Runs, r.N = len(runs), 0
	for _, x := range runs {
		if x.Err != "" {
			return x
		}
		r.N += x.N
	}
	med := func(get func(Result) float64) float64 {
		v := make([]float64, len(runs))
		for i, x := range runs {
			v[i] = get(x)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	r.NsPerOp = med(func(x Result) float64 { return x.NsPerOp })
	r.CPUNsPerOp = med(func(x Result) float64 { return x.CPUNsPerOp })
	r.BytesPerOp = int64(med(func(x Result) float64 { return float64(x.BytesPerOp) }))
	r.AllocsPerOp = int64(med(func(x Result) float64 { return float64(x.AllocsPerOp) }))
	r.MBPerSec = med(func(x Result) float64 { return x.MBPerSec })
	if r.Metrics != nil {
		m := map[string]float64{}
		for unit := range r.Metrics {
			m[unit] = med(func(x Result) float64 { return x.Metrics[unit] })
		}
		r.Metrics = m
	}
	return r
}

// runCase runs one Case and turns its testing.BenchmarkResult into a
// Result. A Case that fails reports it in Err.
func runCase(c Case) Result {
	r := Result{Name: c.Name(), Group: c.Group, Stack: c.Stack, Runs: 1}
	var failure string
	br := testing.Benchmark(func(b *testing.B) {
		defer func() {
			if b.Failed() {
				failure = "benchmark failed"
			}
		}()
		c.Fn(b)
	})
	if br.N == 0 {
		if failure == "" {
			failure = "benchmark did not run"
		}
		r.Err = failure
		return r
	}
	r.N = br.N
	r.NsPerOp = float64(br.T.Nanoseconds()) / float64(br.N)
	r.BytesPerOp = br.AllocedBytesPerOp()
	r.AllocsPerOp = br.AllocsPerOp()
	if br.Bytes > 0 && br.T > 0 {
		r.MBPerSec = float64(br.Bytes) * float64(br.N) / 1e6 / br.T.Seconds()
	}
	for unit, v := range br.Extra {
		if unit == "cpu-ns/op" {
			r.CPUNsPerOp = v
			continue
		}
		if r.Metrics == nil {
			r.Metrics = map[string]float64{}
		}
		r.Metrics[unit] = v
	}
	return r
}
