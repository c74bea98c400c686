package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// errStoreDown is the error of a handshake-path call made while Redis
// is known to be away.
var errStoreDown = errors.New("fleet: Redis unreachable a moment ago; not asking again yet")

// storeBackoff is how long the handshake path leaves Redis alone after
// a failure, so that an outage costs each handshake nothing rather than
// Options.Timeout. A variable for tests.
var storeBackoff = time.Second

// call runs one Redis command for a handshake, within Options.Timeout;
// after a failure, calls fail at once for storeBackoff. redis.Nil, the
// answer "no such key", is no failure.
func (f *Fleet) call(fn func(ctx context.Context) error) error {
	if time.Now().UnixNano() < f.downUntil.Load() {
		return errStoreDown
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.opt.Timeout)
	defer cancel()
	err := fn(ctx)
	if err != nil && !errors.Is(err, redis.Nil) {
		f.downUntil.Store(time.Now().Add(storeBackoff).UnixNano())
		f.metrics.redisUp.Store(0)
	}
	return err
}

// sessionStore is the fleet as a padlock.ServerSessionStore: each
// session, sealed by padlock under the ring, under Prefix + "sid:" and
// the session ID in hex, which the client sent in the clear anyway.
type sessionStore Fleet

// Get implements padlock.ServerSessionStore.
func (s *sessionStore) Get(id []byte) ([]byte, error) {
	f := (*Fleet)(s)
	var v []byte
	err := f.call(func(ctx context.Context) (err error) {
		v, err = f.rdb.Get(ctx, f.key("sid:"+hex.EncodeToString(id))).Bytes()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return v, err
}

// Put implements padlock.ServerSessionStore.
func (s *sessionStore) Put(id, value []byte, ttl time.Duration) error {
	f := (*Fleet)(s)
	if ttl < time.Millisecond {
		return nil // already expired
	}
	return f.call(func(ctx context.Context) error {
		return f.rdb.Set(ctx, f.key("sid:"+hex.EncodeToString(id)), value, ttl).Err()
	})
}

// Delete implements padlock.ServerSessionStore.
func (s *sessionStore) Delete(id []byte) error {
	f := (*Fleet)(s)
	return f.call(func(ctx context.Context) error {
		return f.rdb.Del(ctx, f.key("sid:"+hex.EncodeToString(id))).Err()
	})
}

// replayFilter is the fleet as a padlock.ReplayFilter: a SET NX with
// expiry under Prefix + "0rtt:" and the SHA-256 of the ticket's
// identity (a ticket is long, and Redis need not hold it).
type replayFilter Fleet

// Seen implements padlock.ReplayFilter. It fails closed: when Redis does
// not answer, every ticket counts as seen, and its early data is
// rejected.
func (r *replayFilter) Seen(id []byte) bool {
	f := (*Fleet)(r)
	sum := sha256.Sum256(id)
	var fresh bool
	err := f.call(func(ctx context.Context) (err error) {
		fresh, err = f.rdb.SetNX(ctx, f.key("0rtt:"+hex.EncodeToString(sum[:])), 1, f.opt.ReplayWindow).Result()
		return err
	})
	switch {
	case err != nil:
		f.metrics.rejected[reasonStoreDown].Add(1)
		return true
	case !fresh:
		f.metrics.rejected[reasonReplay].Add(1)
		return true
	}
	return false
}
