package fleet

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"padlock"
)

// Options configure a Fleet. Every server of a fleet must use the same
// Prefix and KEK, and should use the same RotationPeriod and Keep.
type Options struct {
	// Redis is the client of the shared store. Dial makes one from a
	// URL with Timeout as its timeouts and no retries.
	Redis *redis.Client
	// KEK wraps the ticket keys at rest in Redis (see LoadKEK).
	KEK KEK
	// Prefix begins every Redis key the fleet uses (default
	// "padlock:fleet:"), so that fleets can share one Redis.
	Prefix string
	// RotationPeriod is how long a key seals tickets before the next
	// takes over (default a day).
	RotationPeriod time.Duration
	// Keep is how many keys the ring holds, the newest sealing and all
	// of them opening (default 9). A key stays in the ring for Keep
	// periods from its creation, and seals for the first of them (and
	// the Activation after it); its last ticket must still open a
	// ticket lifetime later, a week (RFC 8446 section 4.6.1): with a
	// day's period, 1 + 7 days and the activation need 9.
	Keep int
	// Refresh is how often a server reads the ring, and rotates it when
	// due, in the background (default 30 seconds).
	Refresh time.Duration
	// Activation is how long a new key waits in the ring before servers
	// seal with it, so that every server has read it by then and opens
	// the tickets sealed with it (default twice Refresh).
	Activation time.Duration
	// Timeout bounds each Redis command made during a handshake (the
	// session ID store and the single-use record; default 100ms). After
	// a failure, the store is not asked again for a second: a handshake
	// then goes on without it at once.
	Timeout time.Duration
	// ReplayWindow is how long a ticket's use for early data is
	// remembered (default 10 minutes). padlock accepts early data only
	// within 10 seconds of the ticket age the client claims (RFC 8446
	// section 8.3), so a replay later than that is refused anyway.
	ReplayWindow time.Duration
	// Logger reports refused ring entries, rotations and Redis outages
	// (default slog.Default()).
	Logger *slog.Logger
	// Now and Rand replace time.Now and crypto/rand (tests).
	Now  func() time.Time
	Rand io.Reader
}

// Fleet is one server's share of a fleet's state in Redis. Configure
// puts it into a padlock.Config; Close stops its background refresh.
type Fleet struct {
	opt  Options
	rdb  *redis.Client
	aead cipher.AEAD
	log  *slog.Logger

	ring      atomic.Pointer[ring] // what TicketKeys returns
	downUntil atomic.Int64         // Unix nanoseconds: skip Redis on the handshake path until then
	metrics   Metrics

	refreshMu sync.Mutex // one refresh at a time
	refused   map[string]bool
	stop      context.CancelFunc
	done      chan struct{}
}

// ring is the ticket keys a server holds, newest first, as last read.
type ring struct {
	keys    []padlock.TicketKey // sealing key first, then the others newest first
	ids     []string
	created []time.Time
	entries []ringEntry // the shared ring as read, newest first; nil for a local ring
	read    time.Time   // when Redis last answered; zero for a local ring
	local   bool        // made without Redis, which was unreachable
}

// New starts a server's share of the fleet: it reads the ring once, with
// a bounded wait, creating or rotating it if due, then keeps it fresh in
// the background until Close. With Redis unreachable it starts anyway
// with a key of its own, which only it can open, and joins the shared
// ring once Redis answers.
func New(opt Options) (*Fleet, error) {
	if opt.Redis == nil {
		return nil, errors.New("fleet: Options.Redis is nil")
	}
	opt.setDefaults()
	f := &Fleet{opt: opt, rdb: opt.Redis, aead: kekAEAD(opt.KEK), log: opt.Logger, refused: map[string]bool{}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	err := f.Refresh(ctx)
	cancel()
	if err != nil {
		if err := f.useLocalKey(); err != nil {
			return nil, err
		}
		f.log.Warn("fleet: no shared ring at start; sealing tickets with a key of this server's own until there is one", "err", err)
	}
	ctx, f.stop = context.WithCancel(context.Background())
	f.done = make(chan struct{})
	go f.refreshLoop(ctx)
	return f, nil
}

func (o *Options) setDefaults() {
	if o.Prefix == "" {
		o.Prefix = "padlock:fleet:"
	}
	if o.RotationPeriod <= 0 {
		o.RotationPeriod = 24 * time.Hour
	}
	if o.Keep <= 0 {
		o.Keep = 9
	}
	o.Keep = min(o.Keep, maxRingEntries)
	if o.Refresh <= 0 {
		o.Refresh = 30 * time.Second
	}
	if o.Activation <= 0 {
		o.Activation = 2 * o.Refresh
	}
	if o.Timeout <= 0 {
		o.Timeout = 100 * time.Millisecond
	}
	if o.ReplayWindow <= 0 {
		o.ReplayWindow = 10 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
}

// Dial makes a Redis client from a URL (redis://HOST:PORT/DB, as
// redis.ParseURL reads it) for Options.Redis: timeouts of timeout, and no
// retries, so that no command outlasts its context.
func Dial(url string, timeout time.Duration) (*redis.Client, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = timeout, timeout, timeout
	o.MaxRetries = -1
	return redis.NewClient(o), nil
}

// Configure makes cfg's server use the fleet: its ticket keys, its TLS
// 1.2 session ID store, its 0-RTT single-use record, and an
// UnwrapSession that counts the tickets no key of the ring opens.
func (f *Fleet) Configure(cfg *padlock.Config) {
	cfg.TicketKeys = f
	cfg.ServerSessionStore = (*sessionStore)(f)
	cfg.EarlyDataReplay = (*replayFilter)(f)
	cfg.UnwrapSession = func(identity []byte, cs padlock.ConnectionState) (*padlock.SessionState, error) {
		s, err := cfg.DecryptTicket(identity, cs)
		if s == nil && err == nil {
			f.metrics.rejected[reasonUnknownKey].Add(1)
		}
		return s, err
	}
}

// Close stops the background refresh. The Redis client stays open: it
// is the caller's.
func (f *Fleet) Close() error {
	f.stop()
	<-f.done
	return nil
}

// refreshLoop refreshes the ring every Refresh until ctx is done.
func (f *Fleet) refreshLoop(ctx context.Context) {
	defer close(f.done)
	t := time.NewTicker(f.opt.Refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, max(f.opt.Refresh/2, time.Second))
		if err := f.Refresh(rctx); err != nil && ctx.Err() == nil {
			f.log.Warn("fleet: ring refresh failed; keeping the ring in memory", "err", err)
		}
		cancel()
	}
}

// now is the fleet's clock.
func (f *Fleet) now() time.Time { return f.opt.Now() }

// key names a Redis key of the fleet.
func (f *Fleet) key(name string) string { return f.opt.Prefix + name }
