package bench

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
)

func TestIdleProfile(t *testing.T) {
	path := os.Getenv("IDLE_PROFILE")
	if path == "" {
		t.Skip("IDLE_PROFILE not set")
	}
	runtime.MemProfileRate = 1
	var st stack = newPadlockStack(tls13X25519, false)
	if os.Getenv("IDLE_STACK") == "crypto-tls" {
		st = newCryptoTLSStack(tls13X25519, false)
	}
	var keep [][2]endpoint
	for range 200 {
		a, z, err := tcpPair()
		if err != nil {
			t.Fatal(err)
		}
		c, s, err := exchange(st, a, z)
		if err != nil {
			t.Fatal(err)
		}
		keep = append(keep, [2]endpoint{c, s})
	}
	runtime.GC()
	runtime.GC()
	f, _ := os.Create(path)
	pprof.Lookup("heap").WriteTo(f, 0)
	f.Close()
	runtime.KeepAlive(keep)
}
