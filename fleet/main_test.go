package fleet

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"padlock/internal/leakcheck"
)

// quietLogger drops go-redis's own log lines (a refused dial, as the
// outage tests cause on purpose).
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// TestMain also fails the tests if a goroutine running padlock code (a
// refresh loop, a test server) outlives them.
func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	leakcheck.Main(m)
}
