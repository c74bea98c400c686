package record

import (
	"io"

	"padlock/internal/alert"
)

// writeBufferSize fits the largest record padlock writes: a full TLS 1.3
// TLSInnerPlaintext plus the largest expansion a Cipher may have, which
// also covers TLS 1.2 (explicit nonce included, see maxExpansion).
const writeBufferSize = HeaderLen + MaxPlaintext + 1 + maxExpansion

// ccsRecord is the plaintext change_cipher_spec record: type 20, version
// 0x0303, length 1, value 1 (RFC 8446 section 5 and Appendix D.4).
var ccsRecord = [...]byte{byte(ChangeCipherSpec), 3, 3, 0, 1, 1}

// Writer fragments, protects and writes records to a byte stream, usually
// a net.Conn, through one buffer reused for every record. The buffer
// comes from a pool shared by all Readers and Writers when a record is to
// be built, and goes back to it when every queued record has been
// written. It is not safe for concurrent use.
//
// Once a write to the stream fails, the stream may end inside a record, so
// the Writer keeps that error and returns it from every later call.
type Writer struct {
	conn          io.Writer
	arr           *[writeBufferSize]byte // from the pool; nil when nothing is queued
	buf           []byte                 // arr[:writeBufferSize]
	end           int                    // bytes of sealed records waiting to be written
	cipher        *Cipher
	version       uint16
	recordVersion uint16
	maxFragment   int
	padding       func(int) int
	buffering     bool
	err           error
	observer      Observer
}

// NewWriter returns a Writer of plaintext records to w, with
// legacy_record_version 0x0303 and fragments of up to MaxPlaintext bytes.
func NewWriter(w io.Writer) *Writer {
	wr := new(Writer)
	wr.Init(w)
	return wr
}

// Init makes the zero Writer wr a Writer to w, as NewWriter does, for a
// caller that holds its Writer by value.
func (wr *Writer) Init(w io.Writer) {
	wr.conn = w
	wr.recordVersion = Version12
	wr.maxFragment = MaxPlaintext
}

// SetCipher sets the protection of the records that follow; nil means
// plaintext. Records already queued keep the protection they were given.
func (w *Writer) SetCipher(c *Cipher) { w.cipher = c }

// SetVersion records the negotiated version, Version13 or Version12. A
// Cipher of the other version is then refused with alert.InternalError.
func (w *Writer) SetVersion(v uint16) { w.version = v }

// SetRecordVersion sets the legacy_record_version of plaintext records:
// 0x0301 for an initial ClientHello, 0x0303 otherwise (RFC 8446 section
// 5.1). Protected records always carry 0x0303 (section 5.2; TLS 1.2 uses
// its own version, the same value).
func (w *Writer) SetRecordVersion(v uint16) { w.recordVersion = v }

// SetMaxFragment sets how many plaintext bytes a record carries at most,
// for the record_size_limit extension (RFC 8449). n outside 1..MaxPlaintext
// restores MaxPlaintext. In TLS 1.3 padding counts against it too (RFC 8446
// section 5.4): content plus padding stays within n.
func (w *Writer) SetMaxFragment(n int) {
	if n <= 0 || n > MaxPlaintext {
		n = MaxPlaintext
	}
	w.maxFragment = n
}

// SetPadding sets a function that chooses how many zero bytes to pad each
// TLS 1.3 record with, given its content length (RFC 8446 section 5.4).
// Its answer is cut to what the maximum fragment leaves room for. nil, the
// default, means no padding. TLS 1.2 records are never padded.
func (w *Writer) SetPadding(fn func(plaintextLen int) int) { w.padding = fn }

// SetBuffering turns buffering on or off. While it is on, records queue up
// (a handshake flight) until Flush or until the buffer is full. Turning it
// off does not flush: the next write sends what is queued.
func (w *Writer) SetBuffering(on bool) { w.buffering = on }

// Buffered returns how many bytes of queued records await writing.
func (w *Writer) Buffered() int { return w.end }

// WriteRecord fragments data into records of at most the maximum fragment
// length, protects each with the current Cipher and queues them; unless
// buffering is on, each record is written to the stream before the next is
// built. An empty data yields one empty record. It returns how many bytes
// of data were queued or written.
//
// With a TLS 1.3 Cipher the real type goes inside the protection and
// change_cipher_spec is refused: use WriteChangeCipherSpec.
func (w *Writer) WriteRecord(t ContentType, data []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if err := w.checkType(t); err != nil {
		return 0, err
	}
	n := 0
	for {
		frag := data[:min(len(data), w.maxFragment)]
		if err := w.queue(t, frag); err != nil {
			return n, err
		}
		if !w.buffering {
			if err := w.Flush(); err != nil {
				return n, err
			}
		}
		n += len(frag)
		data = data[len(frag):]
		if len(data) == 0 {
			return n, nil
		}
	}
}

// WriteChangeCipherSpec queues (and, unless buffering, writes) the
// plaintext record 14 03 03 00 01 01, whatever Cipher is set: TLS 1.3
// sends it unprotected between protected records (RFC 8446 Appendix D.4),
// and TLS 1.2 sets the new Cipher only after sending it.
func (w *Writer) WriteChangeCipherSpec() error {
	if w.err != nil {
		return w.err
	}
	if err := w.makeRoom(len(ccsRecord)); err != nil {
		return err
	}
	w.end += copy(w.buffer()[w.end:], ccsRecord[:])
	if w.observer != nil {
		w.observer(observe(nil, ccsRecord[:], 0, ChangeCipherSpec, ccsRecord[HeaderLen:], 0))
	}
	if w.buffering {
		return nil
	}
	return w.Flush()
}

// Flush writes the queued records to the stream, gives the buffer back
// to the pool and lets the Cipher go idle (see Cipher.Idle).
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.end > 0 {
		n, err := w.conn.Write(w.buf[:w.end])
		if err == nil && n < w.end {
			err = io.ErrShortWrite
		}
		if err != nil {
			w.err = err
			return err
		}
		w.end = 0
	}
	if w.arr != nil {
		putWriteBuffer(w.arr)
		w.arr, w.buf = nil, nil
	}
	if w.cipher != nil && !w.buffering {
		// Between the flights of a handshake the Cipher is about to
		// be replaced: it goes idle only once records are sent one by
		// one, as application data is.
		w.cipher.Idle()
	}
	return nil
}

// buffer returns the buffer, taking one from the pool if need be.
func (w *Writer) buffer() []byte {
	if w.arr == nil {
		w.arr = getWriteBuffer()
		w.buf = w.arr[:]
	}
	return w.buf
}

// checkType refuses what the connection must never ask for.
func (w *Writer) checkType(t ContentType) error {
	if !t.known() {
		return alert.New(alert.InternalError, "record: cannot write content type %d", uint8(t))
	}
	c := w.cipher
	if c == nil {
		return nil
	}
	if err := c.checkVersion(w.version); err != nil {
		return err
	}
	if c.version == Version13 && t == ChangeCipherSpec {
		return alert.New(alert.InternalError, "record: protected change_cipher_spec in TLS 1.3")
	}
	return nil
}

// queue builds the record for one fragment at the end of the buffer,
// writing out what is queued first if the record would not fit.
func (w *Writer) queue(t ContentType, frag []byte) error {
	c := w.cipher
	pad, size := 0, HeaderLen+len(frag)
	switch {
	case c == nil:
	case c.version == Version13:
		pad = w.paddingFor(len(frag))
		size = c.sealedLen13(len(frag), pad)
	default:
		size = c.sealedLen12(len(frag))
	}
	if err := w.makeRoom(size); err != nil {
		return err
	}
	rec := w.buffer()[w.end : w.end+size]
	var err error
	switch {
	case c == nil:
		putHeader(rec, t, w.recordVersion, len(frag))
		copy(rec[HeaderLen:], frag)
	case c.version == Version13:
		err = c.seal13(rec, t, frag, pad)
	default:
		err = c.seal12(rec, t, frag)
	}
	if err != nil {
		return err
	}
	if w.observer != nil {
		w.observeSealed(rec, t, frag, pad)
	}
	w.end += size
	return nil
}

// paddingFor asks the padding function for a record of n content bytes and
// keeps the answer within what the maximum fragment leaves.
func (w *Writer) paddingFor(n int) int {
	if w.padding == nil {
		return 0
	}
	return min(max(w.padding(n), 0), w.maxFragment-n)
}

// makeRoom writes out the queued records if size more bytes do not fit.
func (w *Writer) makeRoom(size int) error {
	if w.end+size <= writeBufferSize {
		return nil
	}
	return w.Flush()
}
