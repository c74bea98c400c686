package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"padlock"
)

// casRing replaces the ring only if it is still what the server read
// (an absent ring reads as ""): the compare-and-set by which exactly one
// server rotates, however many find the key due at once.
var casRing = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false then cur = '' end
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`)

// TicketKeys implements padlock.TicketKeySource: the ring as last read,
// the sealing key first. It never calls Redis.
func (f *Fleet) TicketKeys(time.Time) ([]padlock.TicketKey, error) {
	r := f.ring.Load()
	if r == nil || len(r.keys) == 0 {
		return nil, errors.New("fleet: no ticket keys")
	}
	return r.keys, nil
}

// errNoEntryOpens is Refresh's error for a ring none of whose entries
// opens under this server's KEK.
var errNoEntryOpens = errors.New("fleet: no key of the ring opens under this server's KEK; not using the ring, nor rotating it")

// maxCASAttempts bounds the reads of one refresh when other servers
// keep rotating in between.
const maxCASAttempts = 3

// Refresh reads the ring from Redis, rotates it if its newest key is
// due, and makes it the one the server uses. Entries that do not open
// under the KEK are refused, logged and never used; a ring that does not
// parse, or none of whose entries opens, is refused whole and the server
// keeps the ring it had. The background refresh calls it every
// Options.Refresh; a caller may call it to pick up a change at once.
func (f *Fleet) Refresh(ctx context.Context) error {
	f.refreshMu.Lock()
	defer f.refreshMu.Unlock()
	for range maxCASAttempts {
		if done, err := f.refreshOnce(ctx); done || err != nil {
			return err
		}
		// Another server wrote the ring since it was read: read it again.
	}
	return fmt.Errorf("fleet: the ring kept changing during %d attempts to rotate it", maxCASAttempts)
}

// refreshOnce reads the ring and, when it is due or missing, writes the
// next one with a compare-and-set; done is false when another server
// wrote the ring in between.
func (f *Fleet) refreshOnce(ctx context.Context) (done bool, err error) {
	raw, doc, err := f.readRing(ctx)
	if err != nil {
		return false, err
	}
	entries, keys := f.openEntries(doc)
	if len(doc.Keys) > 0 && len(entries) == 0 {
		f.metrics.refusedRings.Add(1)
		f.log.Error(errNoEntryOpens.Error(), "entries", len(doc.Keys))
		return false, errNoEntryOpens
	}
	now := f.now()
	due := len(entries) == 0 || !now.Before(time.Unix(entries[0].Created, 0).Add(f.opt.RotationPeriod))
	if !due && raw != "" {
		f.adopt(entries, keys, now)
		return true, nil
	}
	var next ringEntry
	if due {
		var key padlock.TicketKey
		if next, key, err = newEntry(f.aead, f.opt.Rand, now); err != nil {
			return false, err
		}
		entries = append([]ringEntry{next}, entries...)[:min(len(entries)+1, f.opt.Keep)]
		keys = append([]padlock.TicketKey{key}, keys...)[:len(entries)]
	}
	out := &ringDoc{Period: int64(f.opt.RotationPeriod / time.Second), Keys: entries}
	won, err := casRing.Run(ctx, f.rdb, []string{f.key("ring")}, raw, out.encode()).Int()
	if err != nil || won != 1 {
		return false, err
	}
	switch {
	case !due:
		f.log.Warn("fleet: the ring was missing from Redis; wrote back the one held in memory", "keys", len(entries))
	case len(entries) == 1:
		f.metrics.rotations.Add(1)
		f.log.Info("fleet: made the ticket key ring", "new_key", next.ID)
	default:
		f.metrics.rotations.Add(1)
		f.log.Info("fleet: rotated the ticket key ring", "new_key", next.ID, "keys", len(entries))
	}
	f.adopt(entries, keys, now)
	return true, nil
}

// readRing reads the ring's JSON ("" when there is none) and parses it.
// An empty Redis (restarted without persistence, or flushed) reads as
// the ring this server holds, which refreshOnce then writes back, so
// that the tickets sealed before stay valid everywhere.
func (f *Fleet) readRing(ctx context.Context) (string, *ringDoc, error) {
	raw, err := f.rdb.Get(ctx, f.key("ring")).Result()
	if errors.Is(err, redis.Nil) {
		raw, err = "", nil
	}
	if err != nil {
		f.metrics.redisUp.Store(0)
		return "", nil, err
	}
	f.metrics.redisUp.Store(1)
	f.downUntil.Store(0)
	if raw == "" {
		doc := &ringDoc{}
		if r := f.ring.Load(); r != nil {
			doc.Keys = r.entries
		}
		return "", doc, nil
	}
	doc, err := parseRing([]byte(raw))
	if err != nil {
		f.metrics.refusedRings.Add(1)
		f.log.Error("fleet: refusing the ticket key ring in Redis; keeping the ring in memory", "err", err)
		return "", nil, err
	}
	return raw, doc, nil
}

// openEntries unwraps the ring's keys, newest first, refusing (and
// logging once) those that do not open.
func (f *Fleet) openEntries(doc *ringDoc) ([]ringEntry, []padlock.TicketKey) {
	sorted := slices.Clone(doc.Keys)
	slices.SortStableFunc(sorted, func(a, b ringEntry) int { return cmp.Compare(b.Created, a.Created) })
	var entries []ringEntry
	var keys []padlock.TicketKey
	for _, e := range sorted {
		k, err := e.unwrap(f.aead)
		if err != nil {
			f.metrics.refusedEntries.Add(1)
			if !f.refused[e.Wrapped] {
				f.refused[e.Wrapped] = true
				f.log.Error("fleet: refusing a ticket key of the ring", "id", e.ID, "err", err)
			}
			continue
		}
		entries, keys = append(entries, e), append(keys, k)
	}
	if len(f.refused) > 4*maxRingEntries {
		clear(f.refused)
	}
	return entries, keys
}

// adopt makes the opened ring the server's. The key that seals is the
// newest one older than Options.Activation, so that every server has
// read a key before any seals with it; a ring of young keys only seals
// with its oldest. Keys of a local ring, made while Redis was away at
// start, still open the tickets sealed with them for the ring's life.
func (f *Fleet) adopt(entries []ringEntry, keys []padlock.TicketKey, now time.Time) {
	seal := len(entries) - 1
	for i, e := range entries {
		if !now.Before(time.Unix(e.Created, 0).Add(f.opt.Activation)) {
			seal = i
			break
		}
	}
	r := &ring{read: now, entries: entries}
	order := append([]int{seal}, slices.Delete(indexes(len(entries)), seal, seal+1)...)
	for _, i := range order {
		r.keys = append(r.keys, keys[i])
		r.ids = append(r.ids, entries[i].ID)
		r.created = append(r.created, time.Unix(entries[i].Created, 0))
	}
	life := f.opt.RotationPeriod * time.Duration(f.opt.Keep)
	if old := f.ring.Load(); old != nil {
		for i := range old.keys {
			if old.ids[i] == "" && now.Sub(old.created[i]) < life {
				r.keys = append(r.keys, old.keys[i])
				r.ids = append(r.ids, "")
				r.created = append(r.created, old.created[i])
			}
		}
	}
	f.ring.Store(r)
	f.metrics.ringKeys.Store(int64(len(r.keys)))
}

// indexes returns 0, 1, ..., n-1.
func indexes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// useLocalKey gives the server a ring of one key of its own, for when
// Redis cannot be read at start: tickets are still issued, and resumed
// on this server.
func (f *Fleet) useLocalKey() error {
	var k padlock.TicketKey
	if _, err := io.ReadFull(f.opt.Rand, k[:]); err != nil {
		return err
	}
	now := f.now()
	f.ring.Store(&ring{keys: []padlock.TicketKey{k}, ids: []string{""}, created: []time.Time{now}, local: true})
	f.metrics.ringKeys.Store(1)
	return nil
}
