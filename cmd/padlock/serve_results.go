package main

import (
	"container/list"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// Results are kept so that a visitor can share its page: at most
// maxResults of them, each for resultTTL. A report with its trace is
// some 50 KiB (a browser's, as JSON), so the store stays under ten MiB
// whatever visitors do.
const (
	maxResults = 128
	resultTTL  = 24 * time.Hour
)

// resultStore keeps recent visitor reports by an unguessable ID: a
// capped LRU whose entries also expire.
type resultStore struct {
	max int
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	order *list.List               // of *storedResult, most recently used first
	byID  map[string]*list.Element // into order
}

// storedResult is one kept report.
type storedResult struct {
	id     string
	saved  time.Time
	report visitorReport
}

func newResultStore(max int, ttl time.Duration, now func() time.Time) *resultStore {
	return &resultStore{max: max, ttl: ttl, now: now, order: list.New(), byID: map[string]*list.Element{}}
}

// newResultID returns 128 random bits, URL-safe: an ID no one can guess,
// so a result is seen only by those it is shared with.
func newResultID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// put keeps v as id, evicting the least recently used result when
// full.
func (s *resultStore) put(id string, v visitorReport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id] = s.order.PushFront(&storedResult{id: id, saved: s.now(), report: v})
	for s.order.Len() > s.max {
		s.remove(s.order.Back())
	}
}

// get returns the result kept as id, unless it expired.
func (s *resultStore) get(id string) (visitorReport, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return visitorReport{}, false
	}
	r := e.Value.(*storedResult)
	if s.now().Sub(r.saved) >= s.ttl {
		s.remove(e)
		return visitorReport{}, false
	}
	s.order.MoveToFront(e)
	return r.report, true
}

// remove drops e; the lock is held.
func (s *resultStore) remove(e *list.Element) {
	delete(s.byID, e.Value.(*storedResult).id)
	s.order.Remove(e)
}
