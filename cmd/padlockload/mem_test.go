package main

import (
	"fmt"
	"testing"
)

func TestParseStatus(t *testing.T) {
	good := "Name:\tpadlockload\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads:\t5\n"
	rss, hwm, err := parseStatus([]byte(good))
	if err != nil || rss != 1024 || hwm != 2048 {
		t.Errorf("parseStatus = %d, %d, %v; want 1024, 2048, nil", rss, hwm, err)
	}
	for _, bad := range []string{
		"",
		"VmRSS:\t1024 kB\n",             // no VmHWM
		"VmRSS:\t1024 MB\nVmHWM:\t1 kB", // unit
		"VmRSS:\t-1 kB\nVmHWM:\t1 kB",   // negative
		"VmRSS:\tlots kB\nVmHWM:\t1 kB", // not a number
		"VmRSS:\nVmHWM:\t1 kB",          // no value
	} {
		if _, _, err := parseStatus([]byte(bad)); err == nil {
			t.Errorf("parseStatus(%q) succeeded", bad)
		}
	}
}

func TestReadMemory(t *testing.T) {
	m, err := readMemory(true)
	if err != nil {
		t.Fatal(err)
	}
	if m.RSSKB <= 0 || m.HWMKB < m.RSSKB || m.HeapInuse == 0 {
		t.Errorf("implausible memory %+v", m)
	}
}

func TestRaiseFileLimit(t *testing.T) {
	n, err := raiseFileLimit()
	if err != nil || n == 0 {
		t.Errorf("raiseFileLimit = %d, %v", n, err)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("VmHWM:\t2048 kB\nVmRSS:\t1024 kB\n"))
	f.Add([]byte("VmRSS: 1 kB\nVmRSS: 2 kB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rss, hwm, err := parseStatus(data)
		if err != nil {
			return
		}
		if rss < 0 || hwm < 0 {
			t.Fatalf("negative figures %d, %d", rss, hwm)
		}
		// What parses re-parses to the same figures.
		again := fmt.Sprintf("VmRSS:\t%d kB\nVmHWM:\t%d kB\n", rss, hwm)
		if r2, h2, err := parseStatus([]byte(again)); err != nil || r2 != rss || h2 != hwm {
			t.Fatalf("round trip: %d, %d, %v; want %d, %d", r2, h2, err, rss, hwm)
		}
	})
}
