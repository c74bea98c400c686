package fleet

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"padlock"
)

// startFleet starts three servers sharing a fresh Redis.
func startFleet(t *testing.T) (*redisServer, *testClock, []*node) {
	r := startRedis(t)
	clock := &testClock{t: time.Now()}
	var nodes []*node
	for _, name := range []string{"A", "B", "C"} {
		nodes = append(nodes, startNode(t, name, r, testOptions(r, clock)))
	}
	return r, clock, nodes
}

// refreshAll makes every server read the ring now.
func refreshAll(t *testing.T, nodes []*node) {
	t.Helper()
	for _, n := range nodes {
		if err := n.fleet.Refresh(context.Background()); err != nil {
			t.Fatalf("%s: refresh: %v", n.name, err)
		}
	}
}

// TestFleetResumesAcrossServers checks that a session made on A resumes
// on B and C: TLS 1.3 tickets, TLS 1.2 tickets and TLS 1.2 session IDs;
// and that the three servers agree on one ring that the first made.
func TestFleetResumesAcrossServers(t *testing.T) {
	_, _, nodes := startFleet(t)
	a := nodes[0]
	var rotations int64
	for _, n := range nodes {
		rotations += n.fleet.Metrics().rotations.Load()
		if got, want := n.fleet.ring.Load().ids, a.fleet.ring.Load().ids; len(got) != 1 || got[0] != want[0] {
			t.Fatalf("%s holds ring %v, A %v", n.name, got, want)
		}
	}
	if rotations != 1 {
		t.Fatalf("%d servers created the ring, want 1", rotations)
	}
	cases := []struct {
		name      string
		version   uint16
		noTickets bool
	}{
		{"TLS 1.3 ticket", padlock.VersionTLS13, false},
		{"TLS 1.2 ticket", padlock.VersionTLS12, false},
		{"TLS 1.2 session ID", padlock.VersionTLS12, true},
	}
	attempts, resumed := 0, 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := testClient(t, tc.version)
			cc.SessionTicketsDisabled = tc.noTickets
			if st := dial(t, cc, a, ""); st.DidResume {
				t.Fatal("the first connection resumed")
			}
			for _, n := range nodes[1:] {
				attempts++
				if st := dial(t, cc, n, ""); !st.DidResume {
					t.Errorf("%s did not resume A's session", n.name)
				} else {
					resumed++
				}
			}
		})
	}
	t.Logf("resumption across the fleet: %d of %d attempts", resumed, attempts)
}

// TestFleetRotation rotates the ring while clients resume: a ticket
// sealed with the previous key still resumes anywhere; one whose key has
// left the ring is a full handshake, counted as unknown_key.
func TestFleetRotation(t *testing.T) {
	_, clock, nodes := startFleet(t)
	a, b, c := nodes[0], nodes[1], nodes[2]
	cc := testClient(t, padlock.VersionTLS13)
	dial(t, cc, a, "")
	old := keepSession(t, cc.ClientSessionCache) // sealed with the first key

	clock.advance(time.Hour)
	refreshAll(t, nodes) // A rotates; B and C read its ring
	if ids := b.fleet.ring.Load().ids; len(ids) != 2 || ids[0] != a.fleet.ring.Load().ids[0] {
		t.Fatalf("B holds %v after the rotation, A %v", ids, a.fleet.ring.Load().ids)
	}
	cc.ClientSessionCache = keepSession(t, old)
	if st := dial(t, cc, b, ""); !st.DidResume {
		t.Fatal("a ticket of the previous key did not resume on B")
	}
	fresh := keepSession(t, cc.ClientSessionCache) // sealed with the new key by B
	if st := dial(t, withCache(cc, fresh), c, ""); !st.DidResume {
		t.Fatal("B's ticket under the new key did not resume on C")
	}

	clock.advance(time.Hour)
	refreshAll(t, nodes) // the first key leaves the ring (Keep 2)
	cc.ClientSessionCache = old
	if st := dial(t, cc, c, ""); st.DidResume {
		t.Fatal("a ticket older than the ring resumed")
	}
	if n := c.fleet.Metrics().Rejected("unknown_key"); n == 0 {
		t.Error("the ticket older than the ring was not counted as unknown_key")
	}
}

// TestFleetRotationOnce makes every server find the key due at once:
// the compare-and-set lets exactly one rotate, and all end on its ring.
func TestFleetRotationOnce(t *testing.T) {
	_, clock, nodes := startFleet(t)
	clock.advance(time.Hour)
	before := int64(0)
	for _, n := range nodes {
		before += n.fleet.Metrics().rotations.Load()
	}
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() {
			if err := n.fleet.Refresh(context.Background()); err != nil {
				t.Errorf("%s: %v", n.name, err)
			}
		})
	}
	wg.Wait()
	after := int64(0)
	for _, n := range nodes {
		after += n.fleet.Metrics().rotations.Load()
	}
	if after-before != 1 {
		t.Fatalf("%d rotations, want 1", after-before)
	}
	want := strings.Join(nodes[0].fleet.ring.Load().ids, ",")
	for _, n := range nodes[1:] {
		if got := strings.Join(n.fleet.ring.Load().ids, ","); got != want {
			t.Errorf("%s holds %s, A %s", n.name, got, want)
		}
	}
}

// TestFleetEarlyDataOnce checks the fleet's single-use record: a
// ticket's early data accepted on A is rejected on B, whose handshake
// completes at 1-RTT, and a replay of A's first flight to C is rejected.
func TestFleetEarlyDataOnce(t *testing.T) {
	_, _, nodes := startFleet(t)
	a, b, c := nodes[0], nodes[1], nodes[2]
	cc := testClient(t, padlock.VersionTLS13)
	dial(t, cc, a, "")
	ticket := keepSession(t, cc.ClientSessionCache)

	cc.ClientSessionCache = keepSession(t, ticket)
	rec := &recordingDialer{}
	if st := rec.dial(t, cc, a, "GET /early"); !st.EarlyDataAccepted || !st.DidResume {
		t.Fatalf("A did not accept the early data (resumed: %v)", st.DidResume)
	}
	cc.ClientSessionCache = ticket
	if st := dial(t, cc, b, "GET /early"); st.EarlyDataAccepted || !st.DidResume {
		t.Fatalf("B: early data accepted %v, resumed %v; want a 1-RTT resumption", st.EarlyDataAccepted, st.DidResume)
	}
	if n := b.fleet.Metrics().Rejected("early_data_replay"); n != 1 {
		t.Errorf("B counted %d replays, want 1", n)
	}
	replayFlight(t, c, rec.flight())
	if n := c.fleet.Metrics().Rejected("early_data_replay"); n != 1 {
		t.Errorf("C counted %d replays of A's first flight, want 1", n)
	}
	if _, _, early := c.fleet.Metrics().Handshakes(); early != 0 {
		t.Error("C accepted replayed early data")
	}
}

// TestFleetRedisOutage stops Redis mid-run: handshakes go on, tickets
// resume from the ring in memory, a session ID does not, early data is
// rejected; when Redis returns, the servers rejoin it.
func TestFleetRedisOutage(t *testing.T) {
	old := storeBackoff
	storeBackoff = 100 * time.Millisecond
	defer func() { storeBackoff = old }()
	r, _, nodes := startFleet(t)
	a, b := nodes[0], nodes[1]
	cc := testClient(t, padlock.VersionTLS13)
	dial(t, cc, a, "")
	ticket := keepSession(t, cc.ClientSessionCache)
	sid := testClient(t, padlock.VersionTLS12)
	sid.SessionTicketsDisabled = true
	dial(t, sid, a, "")

	r.stop()
	if err := b.fleet.Refresh(context.Background()); err == nil {
		t.Fatal("refresh succeeded with Redis down")
	}
	cc.ClientSessionCache = keepSession(t, ticket)
	st := dial(t, cc, b, "GET /early")
	if !st.DidResume || st.EarlyDataAccepted {
		t.Fatalf("with Redis down: resumed %v (want true, from the ring in memory), early data accepted %v (want false)", st.DidResume, st.EarlyDataAccepted)
	}
	if n := b.fleet.Metrics().Rejected("early_data_store_unavailable"); n != 1 {
		t.Errorf("%d early data rejections for the store, want 1", n)
	}
	if st := dial(t, sid, b, ""); st.DidResume {
		t.Error("a session ID resumed with Redis down")
	}
	if st := dial(t, testClient(t, padlock.VersionTLS13), b, ""); st.DidResume {
		t.Error("a new client resumed")
	}
	if !strings.Contains(b.fleet.metricsText(t), "padlock_fleet_redis_up 0") {
		t.Error("the metrics do not show Redis down")
	}

	firstKey := a.fleet.ring.Load().ids[0]
	r.start() // empty: the tests' Redis keeps nothing on disk
	time.Sleep(storeBackoff)
	refreshAll(t, nodes)
	for _, n := range nodes {
		if ids := n.fleet.ring.Load().ids; len(ids) != 1 || ids[0] != firstKey {
			t.Fatalf("%s holds %v after Redis came back empty, want the ring of before, [%s]", n.name, ids, firstKey)
		}
	}
	cc.ClientSessionCache = keepSession(t, cc.ClientSessionCache)
	if st := dial(t, cc, a, "GET /again"); !st.DidResume || !st.EarlyDataAccepted {
		t.Fatalf("after Redis returned: resumed %v, early data accepted %v; want both", st.DidResume, st.EarlyDataAccepted)
	}
}

// TestFleetStartWithoutRedis starts a server while Redis is down: it
// seals with a key of its own, and joins the shared ring once Redis
// answers, still opening what it sealed alone.
func TestFleetStartWithoutRedis(t *testing.T) {
	r := startRedis(t)
	clock := &testClock{t: time.Now()}
	r.stop()
	a := startNode(t, "A", r, testOptions(r, clock))
	if !a.fleet.ring.Load().local {
		t.Fatal("no local ring with Redis down")
	}
	cc := testClient(t, padlock.VersionTLS13)
	dial(t, cc, a, "")
	alone := keepSession(t, cc.ClientSessionCache)
	r.start()
	if err := a.fleet.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := startNode(t, "B", r, testOptions(r, clock))
	cc.ClientSessionCache = alone
	if st := dial(t, cc, a, ""); !st.DidResume {
		t.Error("A no longer opens the tickets it sealed alone")
	}
	if st := dial(t, cc, b, ""); !st.DidResume {
		t.Error("B does not resume A's ticket sealed under the shared ring")
	}
}

// TestFleetBackgroundRefresh leaves the ring to the background refresh:
// B picks up A's rotation, notices Redis go away and come back, and
// rejoins it, without being asked.
func TestFleetBackgroundRefresh(t *testing.T) {
	r := startRedis(t)
	clock := &testClock{t: time.Now()}
	a := startNode(t, "A", r, testOptions(r, clock))
	opt := testOptions(r, clock)
	opt.Refresh = 20 * time.Millisecond
	b := startNode(t, "B", r, opt)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(3 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("B did not %s", what)
			}
		}
	}
	clock.advance(time.Hour)
	if err := a.fleet.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	newest := a.fleet.ring.Load().ids[0]
	waitFor("read A's rotation", func() bool { return strings.Contains(strings.Join(b.fleet.ring.Load().ids, ","), newest) })
	r.stop()
	waitFor("notice Redis go", func() bool { return b.fleet.Metrics().redisUp.Load() == 0 })
	r.start()
	waitFor("rejoin Redis", func() bool { return b.fleet.Metrics().redisUp.Load() == 1 })
	if got := b.fleet.ring.Load().ids; len(got) != 2 || got[0] != newest {
		t.Errorf("B holds %v after Redis came back, want A's ring with %s first", got, newest)
	}
}
