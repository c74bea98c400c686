package fleet

import (
	"context"
	"crypto/cipher"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Status is the ring as Redis holds it, for an operator: ids and dates,
// never a key's bytes.
type Status struct {
	// Period is the rotation period of the server that last rotated.
	Period time.Duration
	// Keys are the ring's entries, newest first.
	Keys []KeyStatus
	// NextRotation is when the newest key falls due, and the first
	// server to refresh after it rotates; zero for an empty ring.
	NextRotation time.Time
}

// KeyStatus is one entry of the ring.
type KeyStatus struct {
	ID      string
	Created time.Time
	// Opens reports whether the entry opens under the KEK given to
	// ReadStatus; false too when none was given.
	Opens bool
}

// ReadStatus reads the ring under prefix ("" for the default) from
// Redis; with a KEK, it also checks which entries open under it. A ring
// that does not parse is ErrMalformedRing; an absent one is an empty
// Status.
func ReadStatus(ctx context.Context, rdb *redis.Client, prefix string, kek *KEK) (*Status, error) {
	o := Options{Prefix: prefix}
	o.setDefaults()
	raw, err := rdb.Get(ctx, o.Prefix+"ring").Bytes()
	if errors.Is(err, redis.Nil) {
		return &Status{}, nil
	}
	if err != nil {
		return nil, err
	}
	doc, err := parseRing(raw)
	if err != nil {
		return nil, err
	}
	st := &Status{Period: time.Duration(doc.Period) * time.Second}
	var aead cipher.AEAD
	if kek != nil {
		aead = kekAEAD(*kek)
	}
	var newest time.Time
	for _, e := range doc.Keys {
		ks := KeyStatus{ID: e.ID, Created: time.Unix(e.Created, 0)}
		if aead != nil {
			_, err := e.unwrap(aead)
			ks.Opens = err == nil
		}
		if ks.Created.After(newest) {
			newest = ks.Created
		}
		st.Keys = append(st.Keys, ks)
	}
	if !newest.IsZero() {
		st.NextRotation = newest.Add(st.Period)
	}
	return st, nil
}
