package suites

import (
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"padlock/internal/alert"
)

// detRand returns a deterministic random source for reproducible shares.
func detRand(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// wantAlert fails t unless err is an *alert.Error with description d.
func wantAlert(t *testing.T, err error, d alert.Description) {
	t.Helper()
	var ae *alert.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want alert %v", err, d)
	}
	if ae.Description != d {
		t.Fatalf("alert = %v (%v), want %v", ae.Description, err, d)
	}
}
