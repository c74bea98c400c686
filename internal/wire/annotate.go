package wire

import (
	"strconv"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// Span is one field of a handshake message as it lies on the wire: a
// byte range of the message with the field's name and its value decoded
// for a human.
//
// Spans nest: a container, such as an extension or a CertificateEntry,
// covers the spans of its parts, which follow it with Depth one greater.
// A length prefix is a span of its own, named after the vector it
// prefixes ("cipher_suites length").
type Span struct {
	Name  string // the field's name in the RFC's words, such as "legacy_session_id"
	Start int    // offset of the field's first byte in the message
	End   int    // offset just past its last byte; always > Start
	Depth int    // 0 for the fields of the message itself, 1 inside an extension, ...
	Value string // the value decoded, such as "x25519" or "32 bytes"; may be ""
}

// Annotate walks the complete handshake message msg (header included)
// and returns a span for every field, in wire order, each container
// before its parts. tls13 chooses the TLS 1.3 or TLS 1.2 form of the
// messages that have both, as in Parse.
//
// Spans never overlap at the same depth and lie within msg, and the
// spans that contain no other (the leaves) cover every byte of a
// well-formed message exactly once. Annotate reads the syntax only, more
// leniently than Parse: whatever Parse accepts, Annotate walks. When msg
// does not parse, Annotate returns the spans of what it walked before the
// fault and an *alert.Error saying where it is. A message type wire does
// not know gets the header and one span for its body.
//
// Annotate is for traces and tools, not for the hot path: it allocates
// freely and parses certificates to name them.
func Annotate(msg []byte, tls13 bool) ([]Span, error) {
	a := annotator{spans: make([]Span, 0, 8+len(msg)/8)}
	a.message(&cursor{s: msg}, tls13)
	return a.spans, a.err
}

// cursor is the unread part of the message, or of a vector in it, with
// the offset in the message at which it begins.
type cursor struct {
	s   cryptobyte.String
	pos int
}

// annotator collects the spans of one message. Its error is sticky: after
// a fault every read fails and adds nothing, so a walker reads straight
// through and checks once at the end, as with a cryptobyte.Builder.
type annotator struct {
	spans []Span
	depth int
	msg   string // the message's name, for errors
	err   error
}

// fail records the first fault: what could not be read, at offset pos.
func (a *annotator) fail(what string, pos int) {
	if a.err == nil {
		a.err = alert.New(alert.DecodeError, "wire: %s: malformed %s at byte %d", a.msg, what, pos)
	}
}

// more reports whether c has bytes left to walk and no fault occurred.
func (a *annotator) more(c *cursor) bool {
	return a.err == nil && !c.s.Empty()
}

// done requires c to be used up: what is left would be trailing bytes of
// the vector or message c walks, named what.
func (a *annotator) done(c *cursor, what string) {
	if a.more(c) {
		a.fail(what+": trailing bytes", c.pos)
	}
}

// add appends a span at the current depth; empty ones are left out.
func (a *annotator) add(name string, start, end int, value string) {
	if end > start {
		a.spans = append(a.spans, Span{Name: name, Start: start, End: end, Depth: a.depth, Value: value})
	}
}

// take reads n bytes from c as the field name, described by describe
// (which may be nil). It returns nil after a fault.
func (a *annotator) take(c *cursor, n int, name string, describe func([]byte) string) []byte {
	var v []byte
	if a.err != nil {
		return nil
	}
	if !c.s.ReadBytes(&v, n) {
		a.fail(name, c.pos)
		return nil
	}
	value := ""
	if describe != nil && n > 0 {
		value = describe(v)
	}
	a.add(name, c.pos, c.pos+n, value)
	c.pos += n
	return v
}

// rest reads all that is left of c as the field name.
func (a *annotator) rest(c *cursor, name string, describe func([]byte) string) []byte {
	return a.take(c, len(c.s), name, describe)
}

// u8 reads a one-byte field.
func (a *annotator) u8(c *cursor, name string, describe func(uint8) string) uint8 {
	v := a.take(c, 1, name, func(b []byte) string { return describe(b[0]) })
	if v == nil {
		return 0
	}
	return v[0]
}

// u16 reads a two-byte field.
func (a *annotator) u16(c *cursor, name string, describe func(uint16) string) uint16 {
	v := a.take(c, 2, name, func(b []byte) string { return describe(uint16(be(b))) })
	return uint16(be(v))
}

// u32 reads a four-byte field and shows it in decimal, followed by unit
// if there is one.
func (a *annotator) u32(c *cursor, name, unit string) uint32 {
	v := a.take(c, 4, name, func(b []byte) string { return decimal(be(b)) + unit })
	return uint32(be(v))
}

// vector reads the length prefix, of lenLen bytes, of the vector name,
// as the span "name length", and returns a cursor over the vector's
// contents, which it skips in c.
func (a *annotator) vector(c *cursor, lenLen int, name string) cursor {
	return a.prefixed(c, lenLen, name+" length", name)
}

// prefixed is vector with the prefix's span named lengthName.
func (a *annotator) prefixed(c *cursor, lenLen int, lengthName, name string) cursor {
	prefix := a.take(c, lenLen, lengthName, func(b []byte) string { return decimal(be(b)) })
	if prefix == nil {
		return cursor{pos: c.pos}
	}
	n := int(be(prefix))
	var body []byte
	if !c.s.ReadBytes(&body, n) {
		a.fail(name+" (length "+strconv.Itoa(n)+" overruns it)", c.pos)
		return cursor{pos: c.pos}
	}
	inner := cursor{s: body, pos: c.pos}
	c.pos += n
	return inner
}

// opaque reads a vector of bytes: its length prefix, then its contents as
// one span named name (none if it is empty).
func (a *annotator) opaque(c *cursor, lenLen int, name string, describe func([]byte) string) []byte {
	v := a.vector(c, lenLen, name)
	return a.rest(&v, name, describe)
}

// open starts the container name at c's position: the spans added until
// the matching close are its parts, one level deeper.
func (a *annotator) open(c *cursor, name string) int {
	a.spans = append(a.spans, Span{Name: name, Start: c.pos, End: c.pos, Depth: a.depth})
	a.depth++
	return len(a.spans) - 1
}

// close ends the container that open returned as i where c now stands,
// with value as its Value. A container left empty by a fault is dropped.
func (a *annotator) close(i int, c *cursor, value string) {
	a.depth--
	if c.pos == a.spans[i].Start {
		a.spans = a.spans[:i]
		return
	}
	a.spans[i].End = c.pos
	a.spans[i].Value = value
}

// be decodes a big-endian unsigned integer of up to 4 bytes.
func be(b []byte) uint64 {
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}

// decimal formats a length or counter.
func decimal[T uint8 | uint16 | uint32 | uint64](v T) string {
	return strconv.FormatUint(uint64(v), 10)
}
