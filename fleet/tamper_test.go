package fleet

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"padlock"
)

// TestFleetTamperedRing puts entries in Redis that do not open under the
// fleet's KEK (one wrapped under another KEK, one of garbage, one whose
// date was moved): each is refused and logged, never used to seal or
// open; then a ring that does not parse is refused whole, and the
// servers keep the ring they hold.
func TestFleetTamperedRing(t *testing.T) {
	r, clock, nodes := startFleet(t)
	a, b := nodes[0], nodes[1]
	rdb := r.client(t)
	ctx := context.Background()
	raw, err := rdb.Get(ctx, "padlock:fleet:ring").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseRing(raw)
	if err != nil {
		t.Fatal(err)
	}
	good := doc.Keys[0]
	now := clock.Now().Add(time.Minute).Unix()
	wrongKEK, _, err := newEntry(kekAEAD(KEK{9}), rand.Reader, clock.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	garbage := ringEntry{ID: "00000000000000aa", Created: now, Wrapped: base64.StdEncoding.EncodeToString(make([]byte, 60))}
	moved := good
	moved.ID, moved.Created = "00000000000000bb", now // an old key passed off as new
	doc.Keys = []ringEntry{wrongKEK, garbage, moved, good}
	if err := rdb.Set(ctx, "padlock:fleet:ring", doc.encode(), 0).Err(); err != nil {
		t.Fatal(err)
	}
	refreshAll(t, nodes)
	for _, n := range nodes {
		if ids := n.fleet.ring.Load().ids; len(ids) != 1 || ids[0] != good.ID {
			t.Errorf("%s uses %v, want only the good key %s", n.name, ids, good.ID)
		}
		for _, id := range []string{wrongKEK.ID, garbage.ID, moved.ID} {
			if !strings.Contains(n.log.String(), "id="+id) {
				t.Errorf("%s did not log the refusal of %s:\n%s", n.name, id, n.log.String())
			}
		}
	}
	cc := testClient(t, padlock.VersionTLS13)
	dial(t, cc, a, "")
	if st := dial(t, cc, b, ""); !st.DidResume {
		t.Error("no resumption on the good key")
	}

	if err := rdb.Set(ctx, "padlock:fleet:ring", "{not json", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.fleet.Refresh(ctx); err == nil {
		t.Fatal("a ring that does not parse was accepted")
	}
	if ids := a.fleet.ring.Load().ids; len(ids) != 1 || ids[0] != good.ID {
		t.Errorf("A dropped its ring for a malformed one: %v", ids)
	}
	if !strings.Contains(a.fleet.metricsText(t), `padlock_fleet_ring_refused_total{kind="ring"} 1`) {
		t.Error("the refused ring is not counted")
	}
	if st := dial(t, cc, b, ""); !st.DidResume {
		t.Error("no resumption from the ring in memory")
	}
}

// TestFleetWrongKEK starts a server with another KEK than the fleet's:
// no entry opens, so it neither uses the ring nor rotates it, and the
// fleet's ring is left as it was.
func TestFleetWrongKEK(t *testing.T) {
	r, clock, nodes := startFleet(t)
	opt := testOptions(r, clock)
	opt.KEK = KEK{9}
	clock.advance(time.Hour) // due: a server that could would rotate
	stray := startNode(t, "stray", r, opt)
	if !stray.fleet.ring.Load().local {
		t.Error("the server with the wrong KEK uses the fleet's ring")
	}
	if !strings.Contains(stray.log.String(), "no key of the ring opens") {
		t.Errorf("nothing logged:\n%s", stray.log.String())
	}
	st, err := ReadStatus(context.Background(), r.client(t), "", &testKEK)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Keys) != 1 || st.Keys[0].ID != nodes[0].fleet.ring.Load().ids[0] || !st.Keys[0].Opens {
		t.Errorf("the ring changed: %+v", st.Keys)
	}
}
