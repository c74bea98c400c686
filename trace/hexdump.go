package trace

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HexOptions says how HexDump prints a message.
type HexOptions struct {
	// Color gives each field an ANSI colour, shared by its bytes and its
	// name; length prefixes are dimmed. Set it only for a terminal.
	Color bool
	// MaxFieldBytes is how many bytes of one field are shown before the
	// rest is cut with "… N more bytes"; 64 when zero, all when negative.
	MaxFieldBytes int
}

// Layout of a hex dump line: offset, bytes, then the field's name,
// indented by its depth, and its value.
const (
	hdBytesPerLine = 16
	hdHexWidth     = hdBytesPerLine*3 - 1 // "xx " per byte, no trailing space
	hdIndent       = 2                    // per level of nesting
	hdMaxNameWidth = 36                   // longer names push their value right
	hdDefaultMax   = 64
)

// Colours of a hex dump: fields take the palette's colours in turn.
var hdPalette = [...]string{"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m", "\x1b[34m"}

const (
	hdReset = "\x1b[0m"
	hdBold  = "\x1b[1m"
	hdDim   = "\x1b[2m"
)

// errNoRaw is HexDump's error for an event without bytes.
var errNoRaw = errors.New("trace: HexDump: the event has no raw bytes")

// HexDump prints the bytes of a message event annotated field by field:
// one field per line with its offset, its bytes in hex and its name and
// decoded value, indented by nesting, as e.Layout describes them. A
// container field (an extension, a certificate entry) gets a line of its
// own above its parts. Bytes that no field covers are shown as "(not
// annotated)", so an event without a Layout prints as a plain dump.
func HexDump(w io.Writer, e Event, opts HexOptions) error {
	e.Complete()
	if len(e.Raw) == 0 {
		return errNoRaw
	}
	d := hexDumper{raw: e.Raw, opts: opts, color: opts.Color}
	if d.opts.MaxFieldBytes == 0 {
		d.opts.MaxFieldBytes = hdDefaultMax
	}
	d.offsetWidth = max(4, len(strconv.FormatInt(int64(len(e.Raw)-1), 16)))
	d.heading(&e)
	items := layoutTree(e.Layout, len(e.Raw))
	for i := range items { // names and values may hold what a peer sent
		items[i].Name, items[i].Value = Printable(items[i].Name), Printable(items[i].Value)
	}
	d.nameWidth = nameWidth(items)
	d.body(items)
	_, err := w.Write(d.buf.Bytes())
	return err
}

// hexDumper builds one hex dump.
type hexDumper struct {
	buf         bytes.Buffer
	raw         []byte
	opts        HexOptions
	color       bool
	offsetWidth int // hex digits of an offset
	nameWidth   int // the name column, indentation included
	leaves      int // coloured leaves printed, to take the palette in turn
}

// heading names the message, who sent it, and its size.
func (d *hexDumper) heading(e *Event) {
	from, to := e.Side, 1-e.Side
	if e.Dir == Received {
		from, to = to, from
	}
	name := e.Name
	if name == "" {
		name = "message"
	}
	d.paint(hdBold, Printable(name))
	d.buf.WriteString("  " + from.String() + " → " + to.String() + ", " + hdSize(len(d.raw)) + "\n")
}

// nameWidth is the width of the name column: the widest indented name,
// up to hdMaxNameWidth.
func nameWidth(items []layoutItem) int {
	w := len("(not annotated)")
	for _, it := range items {
		w = max(w, min(hdMaxNameWidth, it.depth*hdIndent+utf8.RuneCountInString(it.Name)))
	}
	return w
}

// body prints the fields in order, and the bytes between them that no
// field covers.
func (d *hexDumper) body(items []layoutItem) {
	pos := 0 // the first byte no leaf has shown
	for _, it := range items {
		if it.Start > pos {
			d.gap(pos, it.Start)
		}
		if !it.leaf {
			d.container(it)
			continue
		}
		d.leaf(it)
		pos = max(pos, it.End)
	}
	if pos < len(d.raw) {
		d.gap(pos, len(d.raw))
	}
}

// container prints the line that opens a field made of other fields.
func (d *hexDumper) container(it layoutItem) {
	value := hdSize(it.End - it.Start)
	if it.Value != "" {
		value = it.Value + " (" + value + ")"
	}
	d.line(it.Start, nil, "", it.depth, it.Name, hdBold, value)
}

// leaf prints a field's bytes, 16 a line, its name and value on the
// first line, cut after MaxFieldBytes.
func (d *hexDumper) leaf(it layoutItem) {
	code := hdDim // the header and length prefixes: framing, not content
	if !strings.HasSuffix(it.Name, " length") && !(it.Start == 0 && it.Name == "msg_type") &&
		!(it.Start == 1 && it.Name == "length") {
		code = hdPalette[d.leaves%len(hdPalette)]
		d.leaves++
	}
	d.bytes(it.Start, it.End, code, it.depth, it.Name, it.Value, d.opts.MaxFieldBytes)
}

// gap prints bytes that no field covers.
func (d *hexDumper) gap(start, end int) {
	d.bytes(start, end, hdDim, 0, "(not annotated)", hdSize(end-start), -1)
}

// bytes prints raw[start:end] as lines of hex, the first one carrying
// the name and value, showing at most limit bytes unless limit < 0.
func (d *hexDumper) bytes(start, end int, code string, depth int, name, value string, limit int) {
	shown := end
	if limit >= 0 && end-start > limit {
		shown = start + limit
	}
	for off := start; off < shown; off += hdBytesPerLine {
		b := d.raw[off:min(off+hdBytesPerLine, shown)]
		if off == start {
			d.line(off, b, code, depth, name, code, value)
		} else {
			d.line(off, b, code, 0, "", "", "")
		}
	}
	if shown < end {
		d.offset(shown)
		d.paint(hdDim, "… "+strconv.Itoa(end-shown)+" more bytes")
		d.buf.WriteByte('\n')
	}
}

// offset starts a line with the offset of its first byte.
func (d *hexDumper) offset(off int) {
	o := strconv.FormatInt(int64(off), 16)
	d.paint(hdDim, strings.Repeat("0", d.offsetWidth-len(o))+o)
	d.buf.WriteString("  ")
}

// line writes one line: offset, hex bytes in colour hexCode, and, if
// name is set, the name indented by depth in nameCode and the value.
func (d *hexDumper) line(off int, b []byte, hexCode string, depth int, name, nameCode, value string) {
	d.offset(off)
	hex := hexBytes(b)
	d.paint(hexCode, hex)
	if name != "" {
		d.buf.WriteString(strings.Repeat(" ", hdHexWidth-len(hex)+2+depth*hdIndent))
		d.paint(nameCode, name)
	}
	if value != "" {
		pad := d.nameWidth - depth*hdIndent - utf8.RuneCountInString(name)
		d.buf.WriteString(strings.Repeat(" ", max(pad, 0)+2))
		d.buf.WriteString(value)
	}
	d.buf.WriteByte('\n')
}

// paint writes s, in the colour code if colours are on.
func (d *hexDumper) paint(code, s string) {
	if d.color && code != "" && s != "" {
		d.buf.WriteString(code + s + hdReset)
		return
	}
	d.buf.WriteString(s)
}

// hexBytes formats b as "xx xx xx".
func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	s := make([]byte, 0, 3*len(b))
	for i, c := range b {
		if i > 0 {
			s = append(s, ' ')
		}
		s = append(s, digits[c>>4], digits[c&15])
	}
	return string(s)
}

// hdSize formats a byte count.
func hdSize(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}
