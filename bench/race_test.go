//go:build race

package bench

// raceEnabled is true under the race detector, which makes sync.Pool drop
// buffers at random: allocation counts mean nothing then.
const raceEnabled = true
