package keysched

import (
	"bytes"
	"crypto"
	"crypto/hkdf"
	"testing"
)

// TestExpanderMatchesHKDF checks the one-block HKDF-Expand of expander
// against crypto/hkdf for every length up to two hash lengths (the longer
// ones take crypto/hkdf's path), with one expander reused across labels
// as the schedule does.
func TestExpanderMatchesHKDF(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		secret := bytes.Repeat([]byte{0x5a}, h.Size())
		e := newExpander(h, secret)
		for n := 0; n <= 2*h.Size(); n++ {
			for _, label := range []string{"key", "iv", "c hs traffic"} {
				context := bytes.Repeat([]byte{byte(n)}, n%40)
				info := append([]byte{byte(n >> 8), byte(n), byte(6 + len(label))}, "tls13 "+label...)
				info = append(append(info, byte(len(context))), context...)
				want, err := hkdf.Expand(h.New, secret, string(info), n)
				if err != nil {
					t.Fatal(err)
				}
				if got := e.expandNew(label, context, n); !bytes.Equal(got, want) {
					t.Fatalf("%v, %q, length %d: got %x, want %x", h, label, n, got, want)
				}
			}
		}
	}
}

// TestTrafficKeysAllocs bounds the allocations of deriving a traffic key
// and IV: two crypto/hkdf expansions (about ten each, inside crypto/hkdf)
// and the outputs. A rise means padlock itself allocates more.
func TestTrafficKeysAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own; counted without it")
	}
	secret := make([]byte, 32)
	if n := testing.AllocsPerRun(100, func() { TrafficKeys(crypto.SHA256, secret, 16, 12) }); n > 23 {
		t.Errorf("TrafficKeys: %v allocations, want at most 23", n)
	}
}
