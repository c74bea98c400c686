package fleet

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"padlock"
)

func TestLoadKEK(t *testing.T) {
	dir := t.TempDir()
	want := KEK{0xaa, 0xbb}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, b := range map[string][]byte{
		"hex": []byte(hex.EncodeToString(want[:]) + "\n"),
		"raw": want[:],
	} {
		if got, err := LoadKEK(write(name, b)); err != nil || got != want {
			t.Errorf("%s: %x, %v", name, got, err)
		}
	}
	for name, b := range map[string][]byte{
		"short":  []byte("abcd"),
		"nothex": []byte(strings.Repeat("zz", 32)),
		"empty":  nil,
	} {
		if _, err := LoadKEK(write(name, b)); !errors.Is(err, errBadKEK) {
			t.Errorf("%s: %v, want errBadKEK", name, err)
		}
	}
}

// TestRingEntryWrap checks that an entry opens under its KEK only, and
// only with its own id and date, and that Redis's copy holds no key.
func TestRingEntryWrap(t *testing.T) {
	aead := kekAEAD(testKEK)
	now := time.Unix(1_765_170_000, 0)
	e, key, err := newEntry(aead, rand.Reader, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.unwrap(aead); err != nil || got != key {
		t.Fatalf("unwrap: %v", err)
	}
	doc := (&ringDoc{Period: 3600, Keys: []ringEntry{e}}).encode()
	if bytes.Contains(doc, key[:]) || bytes.Contains(doc, []byte(hex.EncodeToString(key[:]))) {
		t.Fatal("the ring's JSON holds the key")
	}
	for name, bad := range map[string]func(ringEntry) ringEntry{
		"id":      func(e ringEntry) ringEntry { e.ID = "0000000000000000"; return e },
		"created": func(e ringEntry) ringEntry { e.Created++; return e },
		"wrapped": func(e ringEntry) ringEntry { e.Wrapped = e.Wrapped[:len(e.Wrapped)-4] + "AAAA"; return e },
		"base64":  func(e ringEntry) ringEntry { e.Wrapped = "!"; return e },
		"empty":   func(e ringEntry) ringEntry { e.Wrapped = ""; return e },
	} {
		b := bad(e)
		if _, err := b.unwrap(aead); err == nil {
			t.Errorf("an entry with its %s changed opens", name)
		}
	}
	if _, err := e.unwrap(kekAEAD(KEK{9})); err == nil {
		t.Error("the entry opens under another KEK")
	}
}

func TestParseRing(t *testing.T) {
	for _, bad := range []string{"", "{", `{"keys":5}`, `{"period":-1,"keys":[]}`, `[]`,
		`{"keys":[` + strings.Repeat(`{},`, maxRingEntries) + `{}]}`} {
		if _, err := parseRing([]byte(bad)); !errors.Is(err, ErrMalformedRing) {
			t.Errorf("%.40q: %v, want ErrMalformedRing", bad, err)
		}
	}
	if _, err := parseRing(bytes.Repeat([]byte(" "), maxRingBytes+1)); err == nil {
		t.Error("an oversized ring parsed")
	}
}

// FuzzParseRing feeds the ring parser what Redis might hold: it must not
// panic, and what it accepts must survive unwrapping.
func FuzzParseRing(f *testing.F) {
	e, _, _ := newEntry(kekAEAD(testKEK), rand.Reader, time.Unix(1_765_170_000, 0))
	f.Add((&ringDoc{Period: 86400, Keys: []ringEntry{e}}).encode())
	f.Add([]byte(`{"keys":[{"id":"x","created":-1,"wrapped":"AAAA"}]}`))
	aead := kekAEAD(testKEK)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := parseRing(b)
		if err != nil {
			return
		}
		for _, e := range d.Keys {
			e.unwrap(aead)
		}
	})
}

func TestMetricsText(t *testing.T) {
	var m Metrics
	m.Observe(padlock.ConnectionState{HandshakeComplete: true}, nil)
	m.Observe(padlock.ConnectionState{HandshakeComplete: true, DidResume: true}, nil)
	m.Observe(padlock.ConnectionState{DidResume: true, EarlyDataAccepted: true}, nil)
	m.Observe(padlock.ConnectionState{}, errors.New("failed"))
	m.rejected[reasonReplay].Add(2)
	var b bytes.Buffer
	if err := m.WritePrometheus(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`padlock_fleet_handshakes_total{kind="full"} 1`,
		`padlock_fleet_handshakes_total{kind="resumed"} 2`,
		`padlock_fleet_handshakes_total{kind="early_data"} 1`,
		`padlock_fleet_tickets_rejected_total{reason="early_data_replay"} 2`,
		`padlock_fleet_tickets_rejected_total{reason="unknown_key"} 0`,
		"# TYPE padlock_fleet_redis_up gauge",
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
}

// TestAdoptActivation checks which key seals: a new key waits out its
// Activation, while every server reads it, before it seals; a ring of
// young keys only seals with its oldest.
func TestAdoptActivation(t *testing.T) {
	opt := Options{Activation: time.Minute, RotationPeriod: time.Hour, Keep: 3}
	opt.setDefaults()
	f := &Fleet{opt: opt}
	now := time.Unix(1_765_170_000, 0)
	entries := []ringEntry{{ID: "new", Created: now.Unix()}, {ID: "old", Created: now.Add(-time.Hour).Unix()}}
	keys := []padlock.TicketKey{{1}, {2}}
	for _, tc := range []struct {
		at   time.Time
		want []string
	}{
		{now, []string{"old", "new"}},
		{now.Add(59 * time.Second), []string{"old", "new"}},
		{now.Add(time.Minute), []string{"new", "old"}},
	} {
		f.adopt(entries, keys, tc.at)
		if got := f.ring.Load().ids; strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("at %v: %v, want %v", tc.at.Sub(now), got, tc.want)
		}
		if k, _ := f.TicketKeys(tc.at); (k[0] == padlock.TicketKey{1}) != (tc.want[0] == "new") {
			t.Errorf("at %v: sealing with the wrong key", tc.at.Sub(now))
		}
	}
	young := []ringEntry{{ID: "b", Created: now.Unix()}, {ID: "a", Created: now.Add(-time.Second).Unix()}}
	f.adopt(young, keys, now)
	if got := f.ring.Load().ids[0]; got != "a" {
		t.Errorf("a ring of young keys seals with %s, want the oldest, a", got)
	}
}
