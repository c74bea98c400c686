package record

import (
	"errors"
	"io"

	"padlock/internal/alert"
)

// readBufferSize fits two of the largest records either version allows,
// so that every record lies whole in the buffer, and a read from a
// stream that has several records waiting brings in more than one: with
// room for one only, a record the read cut short needs a second read of
// its own, which costs a system call per record on a busy socket.
const readBufferSize = 2 * (HeaderLen + MaxCiphertext12)

// smallReadSize is the buffer a Reader of a stream other than a socket
// owns for reading when it holds no bytes of the stream, as an idle
// connection's pending Read does: the header of the next record, and the
// whole record when it is small (a 64-byte message is a 86-byte TLS 1.3
// record), so that a thousand idle connections waiting for a request pin
// no pooled buffer. A record that does not fit takes a pooled buffer
// then. (A socket's Reader needs none: see rawRead.)
const smallReadSize = 448

// maxEmptyReads is how many (0, nil) results from the underlying reader
// are tolerated in a row before giving up with io.ErrNoProgress.
const maxEmptyReads = 100

// Reader reads records from a byte stream, usually a net.Conn, through one
// buffer that it fills with as much as each read returns and reuses for
// every record. The buffer comes from a pool shared by all Readers and
// Writers when a record is to be read, and goes back to it on Release.
// After a Release, the Reader of a socket (*net.TCPConn, *net.UnixConn)
// gives the pooled buffer back whenever a read would block (see rawRead);
// that of another stream reads into a small buffer of its own, and takes
// a pooled one again only when a record arrives that does not fit.
// It is not safe for concurrent use.
type Reader struct {
	conn    io.Reader
	arr     *[readBufferSize]byte // from the pool; nil when released
	buf     []byte                // arr[:], small[:] or nil
	small   *[smallReadSize]byte  // made at the first Release, unless raw
	idle    bool                  // Release was called: read into small first
	raw     *rawRead              // for a socket: see rawread_unix.go; else nil
	start   int                   // first byte not yet returned
	end     int                   // end of the bytes read
	cipher  *Cipher
	version uint16
	started bool  // a record has been returned: SSL 2.0 detection is over
	pending error // a read error that came with bytes still unused

	maxPlain    int  // see SetMaxPlaintext; 0 for the protocol's limit
	plainAlerts bool // see AllowPlaintextAlerts
	skipEarly   bool // see SkipEarlyData
	skipLeft    int  // bytes of records SkipEarlyData may still drop
	observer    Observer
	kept        kept // the record being read, for the Observer
}

// NewReader returns a Reader of plaintext records from r. It holds no
// buffer until the first record is read.
func NewReader(r io.Reader) *Reader {
	rd := new(Reader)
	rd.Init(r)
	return rd
}

// Init makes the zero Reader rd a Reader of plaintext records from r, as
// NewReader does, for a caller that holds its Reader by value.
func (rd *Reader) Init(r io.Reader) {
	rd.conn = r
	rd.initRaw(r)
}

// Release gives the Reader's buffer back to the pool when it holds no
// bytes of the stream, and lets its Cipher go idle (see Cipher.Idle). The
// next ReadRecord waits for the stream without a pooled buffer (see
// Reader) and takes one again for a record that needs it. The plaintext
// that ReadRecord returned must no longer be in use. A connection calls
// it when its reader has caught up with the stream, so that an idle
// connection holds no pooled buffer, even with a read pending.
func (r *Reader) Release() {
	if r.start != r.end {
		return
	}
	if r.arr != nil {
		putReadBuffer(r.arr)
		r.arr = nil
	}
	r.buf, r.idle = nil, true
	r.start, r.end = 0, 0
	if r.cipher != nil {
		r.cipher.Idle()
	}
}

// Discard gives the Reader's buffer back to the pool whatever it still
// holds, for a connection that will read no more: records the peer sent
// and nobody read (a ticket that came with the server's Finished, to a
// client that only handshakes) must not keep a buffer out of the pool.
func (r *Reader) Discard() {
	if r.arr != nil {
		putReadBuffer(r.arr)
	}
	r.arr, r.buf = nil, nil
	r.start, r.end = 0, 0
}

// SetCipher sets the protection of the records that follow; nil means
// plaintext. The Cipher's sequence number continues where it stands.
func (r *Reader) SetCipher(c *Cipher) { r.cipher, r.plainAlerts = c, false }

// AllowPlaintextAlerts lets plaintext alert records through under the
// TLS 1.3 Cipher just set, until a record opens with it. The peer sends
// alerts under its current write state (RFC 8446 section 6), which lags
// behind this side's read state in the handshake: a client rejecting the
// server's flight has not changed keys yet, nor has a server failing
// right after its ServerHello. Once a protected record has come, the
// peer has changed keys and a plaintext alert is as unexpected as any
// other plaintext record.
func (r *Reader) AllowPlaintextAlerts() { r.plainAlerts = true }

// SetMaxPlaintext sets the record_size_limit this end announced (RFC
// 8449 section 4): a protected record whose plaintext is longer, the
// whole TLSInnerPlaintext in TLS 1.3, gets record_overflow. Zero or
// anything above the protocol's own limit restores that limit.
func (r *Reader) SetMaxPlaintext(n int) { r.maxPlain = max(n, 0) }

// SkipEarlyData has the Reader drop the 0-RTT data of a client whose
// early data the server rejected (RFC 8446 section 4.2.10), up to limit
// bytes of records, until a record it can read comes: with a Cipher set,
// the client handshake keys, records that fail to open; without one,
// after a HelloRetryRequest, records of type application_data. A
// change_cipher_spec record, which the client may send before its early
// data (appendix D.4), is returned without ending it. Past limit,
// ReadRecord fails with unexpected_message.
func (r *Reader) SkipEarlyData(limit int) { r.skipEarly, r.skipLeft = true, limit }

// SetVersion records the negotiated version, Version13 or Version12. A
// Cipher of the other version is then refused with alert.InternalError.
func (r *Reader) SetVersion(v uint16) { r.version = v }

// Buffered returns how many bytes have been read from the stream but not
// yet returned as records. They are still undeciphered: at a key change
// they will be opened with the new Cipher. (The rule of RFC 8446 section
// 5.1 that handshake messages must not span key changes concerns record
// contents: the connection checks that its handshake message buffer is
// empty, whatever Buffered says.)
func (r *Reader) Buffered() int { return r.end - r.start }

// RecordBuffered reports whether a whole record is already buffered, so
// that ReadRecord would return it without reading from the stream.
func (r *Reader) RecordBuffered() bool {
	b := r.buf[r.start:r.end]
	return len(b) >= HeaderLen && len(b) >= HeaderLen+(int(b[3])<<8|int(b[4]))
}

// ReadRecord returns the next record's content type and plaintext. The
// plaintext aliases the Reader's buffer and is valid until the next call.
//
// With a TLS 1.3 Cipher, records must be application_data on the outside,
// and the inner content type is returned; it must be a known type other
// than change_cipher_spec, and handshake and alert records must not be
// empty (RFC 8446 sections 5 and 5.4). Only a plaintext change_cipher_spec
// record, which section 5 lets arrive between protected records, is
// returned as it is, and the connection decides whether to drop it; so is
// a plaintext alert while AllowPlaintextAlerts holds. Protected records
// must carry legacy_record_version 0x0303; plaintext records of any
// known type, any version 3.x and length up to MaxPlaintext, empty ones
// included, pass: their policy is the connection's.
//
// Errors are *alert.Error for bad records, ErrSSLv2ClientHello, or the
// stream's error. A bad record has been consumed, and the Reader may go on
// (see SkipEarlyData for one that does). Stream errors such as
// timeouts keep the bytes read so far: a later call resumes the same
// record. io.EOF is returned only at a record boundary, and
// io.ErrUnexpectedEOF inside a record.
func (r *Reader) ReadRecord() (ContentType, []byte, error) {
	return r.ReadRecordInto(nil)
}

// ReadRecordInto is ReadRecord, except that a protected record whose
// plaintext fits in dst is opened into dst instead of in place, and the
// plaintext returned then aliases dst: a caller that wants the plaintext
// in dst, as a connection's Read does, saves copying it there. dst must
// not overlap the Reader's buffer; its contents may be overwritten even
// when the record turns out not to fit, or not to authenticate.
func (r *Reader) ReadRecordInto(dst []byte) (ContentType, []byte, error) {
	for {
		t, data, n, err := r.readOne(dst)
		if r.observer != nil && err == nil {
			r.report(t, data)
		}
		if !r.skipEarly || n == 0 {
			return t, data, err
		}
		if !r.rejectedEarlyData(t, err) {
			if err == nil && t != ChangeCipherSpec {
				r.skipEarly = false // the client's first record after its early data
			}
			return t, data, err
		}
		if r.skipLeft -= n; r.skipLeft < 0 {
			return 0, nil, alert.New(alert.UnexpectedMessage, "record: rejected early data exceeds the limit")
		}
	}
}

// rejectedEarlyData reports whether a record read while SkipEarlyData
// holds, of type t or that failed with err, is early data to drop.
func (r *Reader) rejectedEarlyData(t ContentType, err error) bool {
	if r.cipher == nil {
		return err == nil && t == ApplicationData
	}
	var ae *alert.Error
	return errors.As(err, &ae) && ae.Description == alert.BadRecordMAC
}

// readOne reads one record, as ReadRecordInto does, and returns as n
// the bytes it took from the stream when it took the whole record, or 0.
func (r *Reader) readOne(dst []byte) (ContentType, []byte, int, error) {
	if err := r.fill(HeaderLen); err != nil {
		if err == io.EOF && r.Buffered() > 0 {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, 0, err
	}
	t, length, err := r.parseHeader(r.buf[r.start : r.start+HeaderLen])
	if err != nil {
		return 0, nil, 0, err
	}
	if err := r.fill(HeaderLen + length); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, 0, err
	}
	rec := r.buf[r.start : r.start+HeaderLen+length]
	r.start += len(rec)
	r.started = true
	if r.observer != nil {
		r.keep(rec, t) // before it is opened in place
	}
	if !r.protected(t) {
		return t, rec[HeaderLen:], len(rec), nil
	}
	if err := r.checkLimit(length); err != nil {
		return 0, nil, len(rec), err
	}
	if r.cipher.version == Version13 {
		t, pt, err := r.cipher.open13(rec[:HeaderLen], rec[HeaderLen:], dst)
		if err == nil {
			r.plainAlerts = false
		}
		return t, pt, len(rec), err
	}
	pt, err := r.cipher.open12(rec[:HeaderLen], rec[HeaderLen:], dst)
	if err != nil {
		return 0, nil, len(rec), err
	}
	return t, pt, len(rec), nil
}

// checkLimit refuses a protected record of n bytes whose plaintext
// exceeds SetMaxPlaintext's limit. The AEADs' expansion is fixed, so the
// plaintext length is known before the work of opening the record.
func (r *Reader) checkLimit(n int) error {
	if r.maxPlain == 0 {
		return nil
	}
	c := r.cipher
	plain := n - c.overhead
	if c.version != Version13 {
		plain -= c.explicit
	}
	if plain > r.maxPlain {
		return alert.New(alert.RecordOverflow, "record: %d bytes of plaintext, over the record_size_limit of %d", plain, r.maxPlain)
	}
	return nil
}

// protected reports whether a record of outer type t is to be opened with
// the Cipher. In TLS 1.3 a change_cipher_spec record is never protected:
// it must be recognised before deprotection (RFC 8446 section 5); nor is
// an alert while AllowPlaintextAlerts holds.
func (r *Reader) protected(t ContentType) bool {
	c := r.cipher
	return c != nil && !(c.version == Version13 && (t == ChangeCipherSpec || t == Alert && r.plainAlerts))
}

// parseHeader checks a record header and returns the outer content type and
// the fragment length, before any of the fragment needs to be read.
func (r *Reader) parseHeader(h []byte) (ContentType, int, error) {
	// RFC 5246 Appendix E.2: msg_length with its high bit set, then
	// msg_type 1. No TLS record starts with a byte >= 0x80.
	if !r.started && h[0]&0x80 != 0 && h[2] == 1 {
		return 0, 0, ErrSSLv2ClientHello
	}
	if !r.started && looksLikeHTTP(h) {
		e := &HTTPRequestError{}
		copy(e.Header[:], h)
		return 0, 0, e
	}
	t, n := ContentType(h[0]), int(h[3])<<8|int(h[4])
	if !t.known() {
		return 0, 0, alert.New(alert.UnexpectedMessage, "record: unknown content type %d", h[0])
	}
	// legacy_record_version MUST be ignored (RFC 8446 5.1), but records
	// with a version below 0x0300 SHOULD NOT be accepted (Appendix D.5):
	// anything not 3.x is not TLS. No RFC names an alert for it; the
	// field is out of its range, which is decode_error (section 6.2).
	if h[1] != 3 {
		return 0, 0, alert.New(alert.DecodeError, "record: version %d.%d is not TLS", h[1], h[2])
	}
	if !r.protected(t) {
		if n > MaxPlaintext {
			return 0, 0, alert.New(alert.RecordOverflow, "record: %d-byte plaintext %v record", n, t)
		}
		return t, n, nil
	}
	c := r.cipher
	if err := c.checkVersion(r.version); err != nil {
		return 0, 0, err
	}
	// A protected record carries the negotiated version: TLS 1.2's own
	// (RFC 5246 section 6.2.1), TLS 1.3's fixed 0x0303, which a
	// receiver "MAY ... validate" (RFC 8446 appendix D). Both are
	// 0x0303. OpenSSL, BoringSSL and crypto/tls refuse another, with
	// protocol_version but for OpenSSL in TLS 1.3 (decode_error).
	if v := uint16(h[1])<<8 | uint16(h[2]); v != Version12 {
		return 0, 0, alert.New(alert.ProtocolVersion, "record: protected record of version 0x%04x", v)
	}
	if c.version == Version13 {
		// The outer opaque_type is always application_data (5.2).
		if t != ApplicationData {
			return 0, 0, alert.New(alert.UnexpectedMessage, "record: %v record where a protected record was due", t)
		}
		if n > MaxCiphertext13 {
			return 0, 0, alert.New(alert.RecordOverflow, "record: %d-byte TLS 1.3 ciphertext", n)
		}
	} else if n > MaxCiphertext12 {
		return 0, 0, alert.New(alert.RecordOverflow, "record: %d-byte TLS 1.2 ciphertext", n)
	}
	return t, n, nil
}

// fill makes sure at least need bytes are buffered after r.start, reading
// as much as the stream offers each time and moving the unreturned bytes
// to the front when the record would not fit behind them.
func (r *Reader) fill(need int) error {
	if r.buf == nil {
		r.takeBuffer()
	}
	if r.start == r.end {
		r.start, r.end = 0, 0
	}
	if r.end-r.start >= need {
		return nil
	}
	if r.start+need > len(r.buf) {
		if need > len(r.buf) {
			r.growBuffer()
		} else {
			r.end = copy(r.buf, r.buf[r.start:r.end])
			r.start = 0
		}
	}
	if err := r.pending; err != nil {
		r.pending = nil
		return err
	}
	for empty := 0; r.end-r.start < need; {
		n, err := r.read()
		r.end += n
		if err != nil {
			if r.end-r.start >= need {
				r.pending = err // report it when more bytes are needed
				return nil
			}
			return err
		}
		if n == 0 {
			if empty++; empty >= maxEmptyReads {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// read reads from the stream into r.buf[r.end:]. A socket's Reader that
// holds no bytes of the stream reads so that it gives its pooled buffer
// back while it waits (see rawRead).
func (r *Reader) read() (int, error) {
	if r.raw != nil && r.start == r.end {
		return r.readRaw()
	}
	return r.conn.Read(r.buf[r.end:])
}

// takeBuffer gives a Reader without a buffer one to read into: its small
// one after a Release, when the next record may be long in coming, and a
// pooled one during the handshake, whose flights do not fit the small one.
// A socket's Reader always takes a pooled one: it does not hold it while
// it waits (see rawRead).
func (r *Reader) takeBuffer() {
	if r.idle && r.raw == nil {
		if r.small == nil {
			r.small = new([smallReadSize]byte) // once per connection
		}
		r.buf = r.small[:]
		return
	}
	r.arr = getReadBuffer()
	r.buf = r.arr[:]
}

// growBuffer moves the unreturned bytes from the small buffer into a
// pooled one, for a record that does not fit the small one.
func (r *Reader) growBuffer() {
	r.arr = getReadBuffer()
	r.end = copy(r.arr[:], r.buf[r.start:r.end])
	r.start = 0
	r.buf = r.arr[:]
}
