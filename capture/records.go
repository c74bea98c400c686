package capture

import (
	"fmt"
	"time"
)

// TLS record content types (RFC 8446 section 5.1).
const (
	recordChangeCipherSpec = 20
	recordAlert            = 21
	recordHandshake        = 22
	recordApplicationData  = 23
	recordHeartbeat        = 24
)

// maxRecordBody is the largest record body TLS allows: 2^14 bytes of
// plaintext plus 2048 of expansion (RFC 5246 section 6.2.3).
const maxRecordBody = 1<<14 + 2048

// record is one TLS record of a stream.
type record struct {
	from   int // sender: 0 the client, 1 the server
	typ    uint8
	vers   uint16
	header []byte // the 5 bytes, for the AEAD's additional data
	body   []byte
	off    int       // offset of the header in the stream
	t      time.Time // when its last byte arrived
}

// plausibleHeader reports whether b starts like a TLS record header.
func plausibleHeader(b []byte) bool {
	if len(b) < 5 || b[0] < recordChangeCipherSpec || b[0] > recordHeartbeat || b[1] != 3 || b[2] > 4 {
		return false
	}
	return int(b[3])<<8|int(b[4]) <= maxRecordBody
}

// findRecords locates a stream's first record boundary: offset 0 when
// the stream starts at the connection's start, else the first offset
// from which two headers chain (or one that ends the stream).
func findRecords(data []byte, fromStart bool) (int, bool) {
	if fromStart {
		return 0, plausibleHeader(data)
	}
	for i := 0; i+5 <= len(data) && i < 1<<16; i++ {
		if !plausibleHeader(data[i:]) {
			continue
		}
		next := i + 5 + (int(data[i+3])<<8 | int(data[i+4]))
		if next == len(data) || next < len(data) && plausibleHeader(data[next:]) {
			return i, true
		}
	}
	return 0, false
}

// splitRecords cuts the stream s of sender from into records, from
// offset start; a record cut short by the end of the stream gives a
// note.
func splitRecords(s *Stream, from, start int, who string) ([]record, []string) {
	var recs []record
	var notes []string
	var last time.Time
	data := s.Data
	off := start
	for off+5 <= len(data) {
		if !plausibleHeader(data[off:]) {
			notes = append(notes, fmt.Sprintf("the %s's stream holds no TLS record at byte %d (% x): the rest of it is not read", who, off, data[off:off+5]))
			return recs, notes
		}
		n := int(data[off+3])<<8 | int(data[off+4])
		if off+5+n > len(data) {
			break
		}
		t := s.TimeAt(off + 5 + n - 1)
		if t.Before(last) {
			t = last // a record is ready no sooner than the one before it
		}
		last = t
		recs = append(recs, record{from: from, typ: data[off], vers: uint16(data[off+1])<<8 | uint16(data[off+2]),
			header: data[off : off+5], body: data[off+5 : off+5+n], off: off, t: t})
		off += 5 + n
	}
	if off < len(data) {
		notes = append(notes, fmt.Sprintf("the %s's stream ends in the middle of a record (%d bytes of it are in the capture)", who, len(data)-off))
	}
	return recs, notes
}

// mergeRecords interleaves the two senders' records by time, each
// sender's in its own order.
func mergeRecords(a, b []record) []record {
	out := make([]record, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].t.Before(a[0].t) {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}
