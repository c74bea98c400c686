package fleet

import (
	"testing"
	"time"

	"padlock"
)

// TestFleetResumptionRate measures what docs/FLEET.md reports: clients
// of each version and kind of resumption make a session on one server of
// three and resume it on the other two, through two rotations of the
// ring, and once more after each rotation; every attempt whose ticket is
// still in the ring must resume.
func TestFleetResumptionRate(t *testing.T) {
	_, clock, nodes := startFleet(t)
	kinds := []struct {
		version   uint16
		noTickets bool
	}{{padlock.VersionTLS13, false}, {padlock.VersionTLS12, false}, {padlock.VersionTLS12, true}}
	attempts, resumed := 0, 0
	var previous []*padlock.Config // the clients of the round before the rotation
	for round := range 3 {
		for i, cc := range previous {
			// Sealed under the key before the rotation: still in the ring.
			n := nodes[(round+i)%len(nodes)]
			attempts++
			if st := dial(t, cc, n, ""); st.DidResume {
				resumed++
			} else {
				t.Errorf("round %d: %s did not resume a session of the previous key", round, n.name)
			}
		}
		previous = previous[:0]
		for i := range 6 {
			k := kinds[i%len(kinds)]
			cc := testClient(t, k.version)
			cc.SessionTicketsDisabled = k.noTickets
			first := (round + i) % len(nodes)
			if st := dial(t, cc, nodes[first], ""); st.DidResume {
				t.Fatal("a new client resumed")
			}
			for j := 1; j < len(nodes); j++ {
				n := nodes[(first+j)%len(nodes)]
				attempts++
				if st := dial(t, cc, n, ""); st.DidResume {
					resumed++
				} else {
					t.Errorf("round %d client %d: %s did not resume a session of %s", round, i, n.name, nodes[first].name)
				}
			}
			previous = append(previous, cc)
		}
		clock.advance(time.Hour) // the ring rotates between rounds
		refreshAll(t, nodes)
	}
	t.Logf("resumption across three servers: %d of %d attempts (%.0f%%)", resumed, attempts, 100*float64(resumed)/float64(attempts))
}
