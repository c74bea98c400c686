// Package bench measures padlock against Go's crypto/tls and against the
// floor set by the cryptographic primitives both use.
//
// Every benchmark is a Case: a Group (what is measured, such as
// "Handshake13/x25519-ecdsa") and a Stack (padlock, crypto-tls or floor).
// The Cases of one Group do the same protocol work over the same
// transport, so their ratios show what each stack costs beyond the
// primitives: parsing, allocation, copying, hashing, goroutines.
//
// The *_test.go benchmarks run the Cases under `go test -bench`; Run runs
// them from any program (padlock bench) through testing.Benchmark, and
// Table turns the results into ratios.
package bench
