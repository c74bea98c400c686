//go:build unix

package record

import (
	"io"
	"net"
	"os"
	"syscall"
)

// rawRead lets a Reader of a socket wait for data without holding a
// pooled buffer, at no cost to a busy connection: it reads straight from
// the socket, without blocking, into a pooled buffer, and only when the
// read would block gives the buffer back and waits for the socket to be
// readable, through the runtime's poller as net.Conn's Read does. A busy
// connection whose next record has come pays the one read it always did;
// an idle one holds no buffer while it waits.
type rawRead struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool // r.readSocket, made once: a closure per read would allocate
	n   int
	err error
}

// initRaw sets up rawRead for the socket types whose Read is the socket's
// own. A type that merely embeds one may read differently (replaying
// bytes it peeked, counting them), so it gets the plain path.
func (r *Reader) initRaw(conn io.Reader) {
	var sc syscall.Conn
	switch c := conn.(type) {
	case *net.TCPConn:
		sc = c
	case *net.UnixConn:
		sc = c
	default:
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	r.raw = &rawRead{rc: rc}
	r.raw.fn = r.readSocket
}

// readRaw reads into r.buf[r.end:] from the socket, for a Reader that
// holds no bytes of the stream, and may give its pooled buffer back
// while it waits.
func (r *Reader) readRaw() (int, error) {
	raw := r.raw
	raw.n, raw.err = 0, nil
	if err := raw.rc.Read(raw.fn); err != nil {
		if oe, ok := err.(*net.OpError); ok {
			oe.Op = "read" // not "raw-read": the caller asked for a read
		}
		return 0, err
	}
	switch {
	case raw.err != nil:
		return 0, r.socketError(raw.err)
	case raw.n == 0:
		return 0, io.EOF
	}
	return raw.n, nil
}

// readSocket is rawRead's callback: one read that does not block, into a
// pooled buffer it takes if it has none; false, with the buffer given
// back, when the read would block.
func (r *Reader) readSocket(fd uintptr) bool {
	if r.arr == nil {
		r.arr = getReadBuffer()
		r.buf = r.arr[:]
	}
	n, err := syscall.Read(int(fd), r.buf[r.end:])
	for err == syscall.EINTR {
		n, err = syscall.Read(int(fd), r.buf[r.end:])
	}
	if err == syscall.EAGAIN {
		putReadBuffer(r.arr)
		r.arr, r.buf = nil, nil
		return false
	}
	r.raw.n, r.raw.err = max(n, 0), err
	return true
}

// socketError is err as net.Conn's Read would have reported it.
func (r *Reader) socketError(err error) error {
	c := r.conn.(net.Conn)
	return &net.OpError{Op: "read", Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("read", err)}
}
