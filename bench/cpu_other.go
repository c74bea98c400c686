//go:build !unix

package bench

import "time"

// cpuTime returns 0 where the process's CPU time is not available; the
// cpu-ns/op metric then reads 0.
func cpuTime() time.Duration { return 0 }
