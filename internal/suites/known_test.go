package suites

import "testing"

func TestKnownSuiteIDsNamedAndSorted(t *testing.T) {
	ids := KnownSuiteIDs()
	if len(ids) < 50 {
		t.Fatalf("only %d known suites", len(ids))
	}
	for i, id := range ids {
		if i > 0 && ids[i-1] >= id {
			t.Fatalf("not ascending at %d: 0x%04X after 0x%04X", i, id, ids[i-1])
		}
		if n := SuiteName(id); n[0] == '0' {
			t.Errorf("0x%04X has no name", id)
		}
		if id == 0x5600 || id == 0x00FF {
			t.Errorf("signalling value 0x%04X listed", id)
		}
	}
}
