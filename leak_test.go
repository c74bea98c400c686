package padlock

import (
	"testing"

	"padlock/internal/leakcheck"
)

// TestMain fails the tests if a goroutine running padlock code outlives
// them.
func TestMain(m *testing.M) { leakcheck.Main(m) }
