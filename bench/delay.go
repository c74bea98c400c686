package bench

import (
	"net"
	"sync"
	"time"
)

// delayConn adds a one-way delay to a net.Conn: each Write returns at
// once, and its bytes reach the underlying connection delay later, in
// order, as if they crossed a network of that latency. Two delayConns,
// one at each end, make a round trip of twice the delay. Reads are not
// delayed.
type delayConn struct {
	net.Conn
	delay time.Duration

	mu     sync.Mutex
	closed bool
	queue  chan delayed
	done   chan struct{} // closed when the sender has stopped
}

// delayed is one Write's bytes and when they are due.
type delayed struct {
	at time.Time
	b  []byte
}

func newDelayConn(c net.Conn, delay time.Duration) *delayConn {
	d := &delayConn{Conn: c, delay: delay, queue: make(chan delayed, 64), done: make(chan struct{})}
	go d.send()
	return d
}

// send writes each queued Write to the connection when it is due.
func (d *delayConn) send() {
	defer close(d.done)
	for w := range d.queue {
		time.Sleep(time.Until(w.at))
		if _, err := d.Conn.Write(w.b); err != nil {
			for range d.queue { // drop the rest: the connection is gone
			}
			return
		}
	}
}

// Write queues a copy of b, due delay from now.
func (d *delayConn) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, net.ErrClosed
	}
	d.queue <- delayed{time.Now().Add(d.delay), append([]byte(nil), b...)}
	return len(b), nil
}

// Close stops accepting writes and closes the connection at once: what
// was still in flight is lost, as the benchmarks never need it.
func (d *delayConn) Close() error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.queue)
	}
	d.mu.Unlock()
	err := d.Conn.Close()
	<-d.done
	return err
}
