package bench

import (
	"io"
	"net"
	"sync"
	"time"
)

// pipeCapacity is how many bytes one direction of a Pipe holds before a
// Write waits for the reader: a few full records, so that a writer can
// run ahead of its reader as it would with a socket buffer.
const pipeCapacity = 256 << 10

// Pipe returns the two ends of an in-memory, full-duplex, buffered
// connection. Unlike net.Pipe, a Write returns as soon as its bytes are
// queued, like a write to a socket with room in its buffer, so a TLS peer
// may send a flight, or a session ticket, that nobody reads yet.
//
// Deadlines are accepted and ignored: the benchmarks never need them.
// The buffers are allocated here, once: benchmarks make one Pipe and
// Reset it between iterations, so that its memory is not counted as the
// TLS stack's.
func Pipe() (*PipeEnd, *PipeEnd) {
	a, b := newQueue(), newQueue()
	return &PipeEnd{r: a, w: b}, &PipeEnd{r: b, w: a}
}

// queue is one direction of a Pipe: a ring buffer of bytes guarded by a
// mutex, with a condition variable for the side that must wait.
type queue struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    []byte
	start  int // next byte to read
	n      int // bytes queued
	closed bool
}

func newQueue() *queue {
	q := &queue{buf: make([]byte, pipeCapacity)}
	q.cond.L = &q.mu
	return q
}

// read copies queued bytes into p, waiting until there are some; io.EOF
// once the writer closed and everything was read.
func (q *queue) read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.n == 0 {
		if q.closed {
			return 0, io.EOF
		}
		q.cond.Wait()
	}
	total := 0
	for len(p) > 0 && q.n > 0 {
		end := min(q.start+q.n, len(q.buf))
		k := copy(p, q.buf[q.start:end])
		p = p[k:]
		q.start = (q.start + k) % len(q.buf)
		q.n -= k
		total += k
	}
	if q.n == 0 {
		q.start = 0 // keep the next write contiguous
	}
	q.cond.Broadcast()
	return total, nil
}

// write queues all of p, waiting for room as needed.
func (q *queue) write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	total := 0
	for len(p) > 0 {
		for q.n == len(q.buf) && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			return total, io.ErrClosedPipe
		}
		end := (q.start + q.n) % len(q.buf)
		room := len(q.buf) - q.n
		if end >= q.start {
			room = min(room, len(q.buf)-end)
		}
		k := copy(q.buf[end:end+room], p)
		p = p[k:]
		q.n += k
		total += k
		q.cond.Broadcast()
	}
	return total, nil
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *queue) reset() {
	q.mu.Lock()
	q.start, q.n, q.closed = 0, 0, false
	q.mu.Unlock()
}

// PipeEnd is one end of a Pipe: it reads from one queue and writes to
// the other.
type PipeEnd struct {
	r, w *queue
}

// Read reads what the other end wrote, waiting until there is some.
func (p *PipeEnd) Read(b []byte) (int, error) { return p.r.read(b) }

// Write queues b for the other end, waiting only while the queue is full.
func (p *PipeEnd) Write(b []byte) (int, error) { return p.w.write(b) }

// Close ends both directions: the peer reads what was queued, then EOF;
// writes from either side fail.
func (p *PipeEnd) Close() error {
	p.r.close()
	p.w.close()
	return nil
}

// Reset empties and reopens both directions, for the next iteration of a
// benchmark. Nobody may be using either end.
func (p *PipeEnd) Reset() {
	p.r.reset()
	p.w.reset()
}

// LocalAddr returns a placeholder address.
func (p *PipeEnd) LocalAddr() net.Addr { return pipeAddr{} }

// RemoteAddr returns a placeholder address.
func (p *PipeEnd) RemoteAddr() net.Addr { return pipeAddr{} }

// SetDeadline does nothing.
func (p *PipeEnd) SetDeadline(time.Time) error { return nil }

// SetReadDeadline does nothing.
func (p *PipeEnd) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline does nothing.
func (p *PipeEnd) SetWriteDeadline(time.Time) error { return nil }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
