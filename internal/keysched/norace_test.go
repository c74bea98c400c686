//go:build !race

package keysched

// raceEnabled: see race_test.go.
const raceEnabled = false
