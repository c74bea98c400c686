package bench

import (
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"
)

// idleConns is how many connection pairs the idle-memory benchmark holds.
const idleConns = 1000

// benchIdle measures the heap an established, idle connection holds. It
// opens idleConns loopback TCP pairs, then runs a TLS handshake and one
// 64-byte exchange each way on every pair, and leaves them idle: without
// reading, nobody reads or writes. The heap in use (runtime.MemStats.HeapInuse, after
// garbage collection) with the TLS pairs, less the heap with the bare TCP
// pairs, divided by the pairs, is idle-B/pair: one client and one server
// side, as the allocator holds them. live-B/pair is the same from
// HeapAlloc, the bytes of live objects alone, without the room the
// allocator's spans leave between them. The clients are then dropped,
// the TCP sockets kept, for live-B/server, the server side alone.
//
// With reading, every client and server has a Read pending, blocked in
// its own goroutine, as a server's connection waiting for the next
// request does (net/http keep-alive, HTTP/2, websockets): what a stack
// takes to wait for a record counts then. The readers' goroutines and
// their 64-byte buffers are counted too, the same for both stacks; their
// stacks are not on the heap. The clients' Reads end, with a deadline,
// before they are dropped.
//
// Buffers a stack returns to a shared pool when idle are not counted:
// they serve every connection. The kernel's socket buffers are not on
// the Go heap, and the same for both stacks.
func benchIdle(b *testing.B, st stack, reading bool) {
	b.ReportAllocs()
	var sum idleMemory
	for i := 0; i < b.N; i++ {
		m, err := idleOnce(st, reading)
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

// idleOnce is one measurement, with a Read pending on every endpoint
// when reading.
func idleOnce(st stack, reading bool) (m idleMemory, err error) {
	raw := make([][2]net.Conn, 0, idleConns)
	var clientReaders, serverReaders sync.WaitGroup
	defer func() {
		for _, r := range raw {
			r[0].Close()
			r[1].Close()
		}
		clientReaders.Wait()
		serverReaders.Wait()
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
		if reading {
			readPending(&clientReaders, clients[i])
			readPending(&serverReaders, servers[i])
		}
	}
	withTLS := heapStats()
	if reading {
		stopReading(clients)
		clientReaders.Wait()
	}
	clear(clients) // the sockets stay open in raw
	serversOnly := heapStats()
	runtime.KeepAlive(servers)
	m.inuse = float64(withTLS.HeapInuse-base.HeapInuse) / idleConns
	m.live = float64(withTLS.HeapAlloc-base.HeapAlloc) / idleConns
	m.liveServer = float64(serversOnly.HeapAlloc-base.HeapAlloc) / idleConns
	return m, nil
}

// readPending starts a goroutine that reads from e until it fails, as
// when its socket closes at the end of the measurement. Nothing is sent
// on an idle pair, so the Read stays pending until then.
func readPending(wg *sync.WaitGroup, e endpoint) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, echoSize)
		for {
			if _, err := e.Read(buf); err != nil {
				return
			}
		}
	}()
}

// stopReading ends the pending Reads on es with a deadline in the past,
// so that their goroutines let go of them.
func stopReading(es []endpoint) {
	for _, e := range es {
		e.SetReadDeadline(time.Unix(1, 0))
	}
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
