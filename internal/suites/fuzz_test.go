package suites

import (
	"errors"
	"sync"
	"testing"

	"padlock/internal/alert"
)

// fuzzShares is one private share per group, made once.
var fuzzShares = sync.OnceValue(func() []*PrivateKeyShare {
	var ks []*PrivateKeyShare
	for i := range groups {
		k, err := groups[i].GenerateKeyShare(detRand(byte(i)))
		if err != nil {
			panic(err)
		}
		ks = append(ks, k)
	}
	return ks
})

// FuzzSharedSecret feeds arbitrary peer shares to every group, as the
// server's reply (SharedSecret) and as the client's share (Respond).
// Neither may panic; failures must be alerts, and successes must have
// the group's secret size.
func FuzzSharedSecret(f *testing.F) {
	for i, k := range fuzzShares() {
		f.Add(k.Public())
		reply, _, err := groups[i].Respond(detRand(9), k.Public())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(reply)
		f.Add(reply[:len(reply)-1])
		f.Add(make([]byte, len(reply)))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, peer []byte) {
		for i, k := range fuzzShares() {
			g := &groups[i]
			want := groupSizes[g.ID]
			secret, err := k.SharedSecret(peer)
			checkFuzzResult(t, g, "SharedSecret", secret, want.secret, err)
			public, secret, err := g.Respond(detRand(9), peer)
			checkFuzzResult(t, g, "Respond", secret, want.secret, err)
			if err == nil && len(public) != want.server {
				t.Fatalf("%s Respond: reply of %d bytes", g.Name, len(public))
			}
		}
	})
}

func checkFuzzResult(t *testing.T, g *Group, op string, secret []byte, size int, err error) {
	if err != nil {
		var ae *alert.Error
		if !errors.As(err, &ae) || ae.Description != alert.IllegalParameter {
			t.Fatalf("%s %s: %v, want illegal_parameter", g.Name, op, err)
		}
		return
	}
	if len(secret) != size {
		t.Fatalf("%s %s: secret of %d bytes, want %d", g.Name, op, len(secret), size)
	}
}
