package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
)

// memory is a process's memory as the kernel and the Go runtime see it.
type memory struct {
	RSSKB      int64  `json:"rss_kb"`      // VmRSS: resident now
	HWMKB      int64  `json:"hwm_kb"`      // VmHWM: the peak resident
	HeapInuse  uint64 `json:"heap_inuse"`  // bytes in in-use heap spans
	StackInuse uint64 `json:"stack_inuse"` // bytes of goroutine stacks
}

// readMemory reads this process's memory. With settle, it first collects
// garbage and returns freed memory to the system, so that two readings
// differ by what is live, not by when the collector last ran.
func readMemory(settle bool) (memory, error) {
	if settle {
		runtime.GC()
		debug.FreeOSMemory()
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return memory{}, err
	}
	var m memory
	if m.RSSKB, m.HWMKB, err = parseStatus(data); err != nil {
		return memory{}, err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.HeapInuse, m.StackInuse = ms.HeapInuse, ms.StackInuse
	return m, nil
}

// parseStatus returns VmRSS and VmHWM, in kB, from the text of
// /proc/PID/status (proc(5)): lines such as "VmRSS:\t  1234 kB".
func parseStatus(data []byte) (rssKB, hwmKB int64, err error) {
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, value, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		var dst *int64
		switch string(key) {
		case "VmRSS":
			dst = &rssKB
		case "VmHWM":
			dst = &hwmKB
		default:
			continue
		}
		f := bytes.Fields(value)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, 0, fmt.Errorf("/proc status: bad %s line %q", key, sc.Bytes())
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || n < 0 {
			return 0, 0, fmt.Errorf("/proc status: bad %s value %q", key, f[0])
		}
		*dst = n
		found++
	}
	if found < 2 {
		return 0, 0, errors.New("/proc status: no VmRSS and VmHWM")
	}
	return rssKB, hwmKB, nil
}

// raiseFileLimit raises the soft limit on open files to the hard limit,
// so that one process can hold as many connections as it is allowed to,
// and returns the new limit.
func raiseFileLimit() (uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, err
	}
	if r.Cur < r.Max {
		r.Cur = r.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
			return 0, err
		}
	}
	return r.Cur, nil
}
