package padlock

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"padlock/internal/pki"
)

// mapSessionStore is a ServerSessionStore in a map, which can be made
// to fail, and remembers what it was asked.
type mapSessionStore struct {
	mu      sync.Mutex
	m       map[string][]byte
	ttls    []time.Duration
	deleted int
	down    bool
}

func (s *mapSessionStore) Get(id []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return nil, errors.New("store down")
	}
	return s.m[string(id)], nil
}

func (s *mapSessionStore) Put(id, v []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return errors.New("store down")
	}
	s.m[string(id)] = bytes.Clone(v)
	s.ttls = append(s.ttls, ttl)
	return nil
}

func (s *mapSessionStore) Delete(id []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, string(id))
	s.deleted++
	return nil
}

// TestServerSessionStore checks that two servers sharing a
// ServerSessionStore and ticket keys resume each other's TLS 1.2
// sessions by ID, that the store sees sealed values only, and that a
// store that fails or holds garbage costs a full handshake, never the
// connection.
func TestServerSessionStore(t *testing.T) {
	clock := time.Now()
	cc, a := configs12(t, pki.ECDSAP256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &clock)
	store := &mapSessionStore{m: map[string][]byte{}}
	keys := []TicketKey{{1}}
	a.SessionTicketsDisabled, a.ServerSessionStore = true, store
	a.SetSessionTicketKeys(keys)
	b := a.Clone()
	b.ServerSessionCacheSize = -1 // the store replaces the cache, even when off

	client, _, _ := connect12(t, cc, a)
	if len(store.m) != 1 || a.serverSessions.len() != 0 {
		t.Fatalf("store holds %d sessions, the cache %d; want 1 in the store", len(store.m), a.serverSessions.len())
	}
	if got := store.ttls[0]; got > ticketLifetime || got < ticketLifetime-time.Second {
		t.Errorf("ttl %v, want the session lifetime %v", got, ticketLifetime)
	}
	master := bytes.Clone(client.master12)
	for _, v := range store.m {
		if len(master) == 0 || bytes.Contains(v, master) {
			t.Fatal("the stored value holds the master secret in the clear")
		}
		if a.openTicket(v) != nil {
			t.Fatal("a stored value opens as a ticket")
		}
	}
	if _, _, resumed := connect12(t, cc, b); !resumed {
		t.Fatal("server B did not resume server A's session by its ID")
	}

	store.down = true
	if _, _, resumed := connect12(t, cc, b); resumed {
		t.Fatal("resumed with the store down")
	}
	store.down = false

	connect12(t, cc, a) // a fresh session, stored
	for id := range store.m {
		store.m[id] = bytes.Repeat([]byte{7}, 80)
	}
	if _, _, resumed := connect12(t, cc, b); resumed {
		t.Fatal("resumed a garbage value")
	}
	if store.deleted != 1 {
		t.Errorf("%d values deleted, want the garbage one", store.deleted)
	}
}
