package bench

import (
	"io"
	"net"
	"runtime"
	"testing"
)

// idleConns is how many connection pairs the idle-memory benchmark holds.
const idleConns = 1000

// benchIdle measures the heap an established, idle connection holds. It
// opens idleConns loopback TCP pairs, then runs a TLS handshake and one
// 64-byte exchange each way on every pair, and leaves them idle: nobody
// reads or writes. The heap in use (runtime.MemStats.HeapInuse, after
// garbage collection) with the TLS pairs, less the heap with the bare TCP
// pairs, divided by the pairs, is idle-B/pair: one client and one server
// side, as the allocator holds them. live-B/pair is the same from
// HeapAlloc, the bytes of live objects alone, without the room the
// allocator's spans leave between them. The clients are then dropped,
// the TCP sockets kept, for live-B/server, the server side alone.
//
// Buffers a stack returns to a shared pool when idle are not counted:
// they serve every connection. The kernel's socket buffers are not on
// the Go heap, and the same for both stacks.
func benchIdle(b *testing.B, st stack) {
	b.ReportAllocs()
	var sum idleMemory
	for i := 0; i < b.N; i++ {
		m, err := idleOnce(st)
		if err != nil {
			b.Fatal(err)
		}
		sum.inuse += m.inuse
		sum.live += m.live
		sum.liveServer += m.liveServer
	}
	n := float64(b.N)
	b.ReportMetric(sum.inuse/n, "idle-B/pair")
	b.ReportMetric(sum.live/n, "live-B/pair")
	b.ReportMetric(sum.liveServer/n, "live-B/server")
}

// idleMemory is what one measurement finds, in bytes per pair or server.
type idleMemory struct{ inuse, live, liveServer float64 }

// idleOnce is one measurement.
func idleOnce(st stack) (m idleMemory, err error) {
	raw := make([][2]net.Conn, 0, idleConns)
	defer func() {
		for _, r := range raw {
			r[0].Close()
			r[1].Close()
		}
	}()
	for range idleConns {
		a, z, err := tcpPair()
		if err != nil {
			return m, err
		}
		raw = append(raw, [2]net.Conn{a, z})
	}
	clients := make([]endpoint, idleConns)
	servers := make([]endpoint, idleConns)
	base := heapStats()
	for i, r := range raw {
		if clients[i], servers[i], err = exchange(st, r[0], r[1]); err != nil {
			return m, err
		}
	}
	withTLS := heapStats()
	clear(clients) // the sockets stay open in raw
	serversOnly := heapStats()
	runtime.KeepAlive(servers)
	m.inuse = float64(withTLS.HeapInuse-base.HeapInuse) / idleConns
	m.live = float64(withTLS.HeapAlloc-base.HeapAlloc) / idleConns
	m.liveServer = float64(serversOnly.HeapAlloc-base.HeapAlloc) / idleConns
	return m, nil
}

// exchange runs the handshake over a and z and one 64-byte record each
// way, and returns the client and the server.
func exchange(st stack, a, z net.Conn) (endpoint, endpoint, error) {
	c, s := st.pair(a, z)
	errc := make(chan error, 1)
	go func() {
		buf := make([]byte, echoSize)
		_, err := io.ReadFull(s, buf)
		if err == nil {
			_, err = s.Write(buf)
		}
		errc <- err
	}()
	buf := make([]byte, echoSize)
	if _, err := c.Write(buf); err != nil {
		return nil, nil, err
	}
	if _, err := io.ReadFull(c, buf); err != nil {
		return nil, nil, err
	}
	return c, s, <-errc
}

// heapStats returns the heap's statistics after collecting garbage;
// twice, so that what sync.Pools keep goes too.
func heapStats() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}
