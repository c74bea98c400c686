package padlockhttp

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// firstBytes keeps a copy of the first bytes a client sent after the
// handshake: the HTTP/2 preface and first frames, or the first HTTP/1.1
// request head. net/http's handlers see neither the header order nor the
// HTTP/2 frames; a copy of the bytes shows both.
type firstBytes struct {
	full atomic.Bool // nothing more to keep: Read skips the lock
	mu   sync.Mutex
	max  int
	buf  []byte
}

// keep copies what fits of b.
func (f *firstBytes) keep(b []byte) {
	if len(b) == 0 || f.full.Load() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := min(len(b), f.max-len(f.buf))
	f.buf = append(f.buf, b[:n]...)
	if len(f.buf) >= f.max {
		f.full.Store(true)
	}
}

// copy returns what is kept so far.
func (f *firstBytes) copy() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.buf...)
}

// Read reads application data from the connection and, when the
// Listener records first bytes (ListenerOptions.RecordFirst), keeps a
// copy of what fits. It never changes what the caller reads.
func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if c.first != nil {
		c.first.keep(b[:n])
	}
	return n, err
}

// FirstBytes returns a copy of the first bytes the client sent after the
// handshake, at most ListenerOptions.RecordFirst of them; nil unless the
// Listener records them.
func (c *Conn) FirstBytes() []byte {
	if c.first == nil {
		return nil
	}
	return c.first.copy()
}

// firstRecorded is a *Conn, or a net.Conn that embeds one.
type firstRecorded interface {
	FirstBytes() []byte
}

// FirstBytes returns the first bytes the client of the connection r came
// over sent after the handshake (see Conn.FirstBytes): what came before
// r on that connection, and r's own head if it was the first request
// or they fit. It is nil unless the connection came from a Listener with
// ListenerOptions.RecordFirst.
func FirstBytes(r *http.Request) []byte {
	if fr, ok := r.Context().Value(connKey{}).(firstRecorded); ok {
		return fr.FirstBytes()
	}
	return nil
}
