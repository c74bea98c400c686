package trace

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// TextOptions says how NewTextWriter and Text print events.
type TextOptions struct {
	// Color adds ANSI colours. Set it only when the output is a terminal
	// and the user did not ask otherwise (NO_COLOR).
	Color bool
	// Width is the column at which explanations and long values wrap;
	// 80 when zero.
	Width int
	// MaxHexBytes is how much of a long hex value is shown before it is
	// cut with "… (N bytes)"; 32 when zero, everything when negative.
	MaxHexBytes int
	// Raw adds each message's bytes, as on the wire, after its fields:
	// a HexDump, annotated field by field where the event has a Layout.
	Raw bool
	// NoTime leaves out the time of each step, for output that must not
	// change from one run to the next.
	NoTime bool
	// Records prints the values of each record (Config.TraceRecords)
	// under its line: sequence number, nonce, inner content type,
	// padding and content. Without it, or Raw, a record is one line.
	Records bool
	// Conn prints each step's connection ID (Event.Conn) on its first
	// line, for a trace of many connections in one writer.
	Conn bool
}

// Layout of a step, in columns. The client's column and the server's
// column of the header ("client ──▶ server") are also where each side's
// local notes begin, so a note sits under the party that made it.
const (
	numWidth       = 3  // the step number, right-aligned
	clientCol      = 5  // numWidth + 2 spaces
	serverCol      = 16 // clientCol + len("client ──▶ ")
	nameCol        = 24 // serverCol + len("server  ")
	fieldIndent    = 2  // fields sit this far inside their step's text
	maxNameWidth   = 22 // longer field names push their value right
	defaultWidth   = 80
	defaultHexMax  = 32
	hexGroup       = 4  // bytes per group of hex digits
	hexGroupsALine = 4  // groups per line
	maxPending     = 64 // sent messages remembered for folding
)

// TextWriter prints events as numbered steps a newcomer can follow: who
// sent what to whom, what it is for, and its values. Its Trace method is
// a Tracer and is safe for concurrent use, so one TextWriter can print
// both sides of a connection as their events happen.
//
// When both sides are traced into one TextWriter, each message appears
// once: the receiver's event for a message the other side was shown
// sending is folded into the sender's.
type TextWriter struct {
	mu      sync.Mutex
	w       io.Writer
	opts    TextOptions
	p       painter
	n       int     // steps printed
	pending []Event // messages shown as sent, not yet seen received
	buf     bytes.Buffer
	err     error
}

// NewTextWriter returns a TextWriter that prints to w.
func NewTextWriter(w io.Writer, opts TextOptions) *TextWriter {
	if opts.Width <= 0 {
		opts.Width = defaultWidth
	}
	if opts.MaxHexBytes == 0 {
		opts.MaxHexBytes = defaultHexMax
	}
	return &TextWriter{w: w, opts: opts, p: painter(opts.Color)}
}

// Text prints events to w as NewTextWriter would.
func Text(w io.Writer, events []Event, opts TextOptions) error {
	t := NewTextWriter(w, opts)
	for _, e := range events {
		t.Trace(e)
	}
	return t.Err()
}

// Trace prints e, unless it is the receipt of a message already shown.
func (t *TextWriter) Trace(e Event) {
	e.Complete()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil || t.fold(e) {
		return
	}
	e = printableEvent(e)
	t.n++
	t.buf.Reset()
	switch {
	case e.Kind == KindRecord:
		t.writeRecord(&e)
	case e.Dir == Local:
		t.writeNote(&e)
	default:
		t.writeWire(&e)
	}
	t.buf.WriteByte('\n')
	_, t.err = t.w.Write(t.buf.Bytes())
}

// Steps returns the number of steps printed so far.
func (t *TextWriter) Steps() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// Err returns the first error writing to the underlying writer; after
// one, nothing more is printed.
func (t *TextWriter) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// fold reports whether e is the other side's receipt of a message already
// shown as sent, and remembers sent messages for that purpose. Each
// direction of a connection is in order, so the match is the first one.
func (t *TextWriter) fold(e Event) bool {
	switch e.Dir {
	case Sent:
		if len(t.pending) == maxPending {
			t.pending = append(t.pending[:0], t.pending[1:]...)
		}
		t.pending = append(t.pending, e)
	case Received:
		for i := range t.pending {
			if sameMessage(&t.pending[i], &e) {
				t.pending = append(t.pending[:i], t.pending[i+1:]...)
				return true
			}
		}
	}
	return false
}

// sameMessage reports whether r, received, is the message s sent: the
// same bytes or, for events without bytes, the same fields.
func sameMessage(s, r *Event) bool {
	if s.Side == r.Side || s.Kind != r.Kind || s.Name != r.Name || !bytes.Equal(s.Raw, r.Raw) {
		return false
	}
	if len(s.Raw) > 0 {
		return true
	}
	if len(s.Fields) != len(r.Fields) {
		return false
	}
	for i := range s.Fields {
		if s.Fields[i].Name != r.Fields[i].Name || s.Fields[i].Value != r.Fields[i].Value {
			return false
		}
	}
	return true
}

// printableEvent returns e with its text passed through Printable: a
// name, an explanation or a value may hold what a peer sent. Fields are
// copied only when one changes; the caller's event is left as it is.
func printableEvent(e Event) Event {
	e.Name, e.Explain = Printable(e.Name), Printable(e.Explain)
	copied := false
	for i, f := range e.Fields {
		name, value := Printable(f.Name), Printable(f.Value)
		if name == f.Name && value == f.Value {
			continue
		}
		if !copied {
			e.Fields, copied = slices.Clone(e.Fields), true
		}
		e.Fields[i].Name, e.Fields[i].Value = name, value
	}
	return e
}

// wireArrow points from the side that sent e to the other.
func wireArrow(e *Event) string {
	from := e.Side
	if e.Dir == Received {
		from = 1 - e.Side
	}
	if from == Server {
		return "◀──"
	}
	return "──▶"
}

// writeWire prints a step that crossed the connection.
func (t *TextWriter) writeWire(e *Event) {
	p := t.p
	arrow := wireArrow(e)
	title, skip := wireTitle(e)
	color := ansiBold
	if e.Kind == KindAlert {
		color = ansiRed + ansiBold
	}
	head := fmt.Sprintf("%*d  %s %s %s  %s", numWidth, t.n,
		p.paint(ansiCyan, "client"), arrow, p.paint(ansiMagenta, "server"), p.paint(color, title))
	visible := numWidth + 2 + utf8.RuneCountInString("client ──▶ server  "+title)
	if len(e.Raw) > 0 {
		size := "  (" + byteCount(len(e.Raw)) + ")"
		head += p.paint(ansiDim, size)
		visible += len(size)
	}
	t.writeHead(head, visible, e)
	t.writeBody(e, clientCol, skip)
}

// writeRecord prints a record in one line, under the messages it
// carries, and its values and bytes only with Raw.
func (t *TextWriter) writeRecord(e *Event) {
	arrow := wireArrow(e)
	title := "record: " + strings.TrimSuffix(e.Name, " record")
	if seq := e.Field("sequence_number"); seq != "" {
		title += ", protected, seq " + seq
	}
	head := fmt.Sprintf("%*d  %s %s %s  %s", numWidth, t.n, "client", arrow, "server", title)
	visible := numWidth + 2 + utf8.RuneCountInString("client ──▶ server  "+title)
	size := "  (" + byteCount(len(e.Raw)) + ")"
	t.writeHead(t.p.paint(ansiDim, head+size), visible+len(size), e)
	switch {
	case t.opts.Raw:
		t.writeBody(e, clientCol, "")
	case t.opts.Records:
		values := *e
		values.Explain = "" // the same for every record
		t.writeBody(&values, clientCol, "")
	}
}

// wireTitle names a step that crossed the connection; for an alert it
// adds the description and returns the field it made redundant.
func wireTitle(e *Event) (title, skip string) {
	if e.Kind == KindAlert {
		if d := e.Field("description"); d != "" {
			return e.Name + ": " + d, "description"
		}
	}
	return e.Name, ""
}

// writeNote prints a local step under the side that took it.
func (t *TextWriter) writeNote(e *Event) {
	p := t.p
	col, who, color := clientCol, "client", ansiCyan
	if e.Side == Server {
		col, who, color = serverCol, "server", ansiMagenta
	}
	mark, markColor := "·", ""
	switch e.Kind {
	case KindVerified:
		mark, markColor = "✓", ansiGreen
	case KindAlert:
		mark, markColor = "✗", ansiRed
	}
	num := fmt.Sprintf("%*d", numWidth, t.n)
	head := num + strings.Repeat(" ", col-numWidth) + p.paint(color, who) + " " + p.paint(markColor, mark) + " " + e.Name
	visible := col + len(who) + 3 + utf8.RuneCountInString(e.Name)
	t.writeHead(head, visible, e)
	t.writeBody(e, col+len(who)+3, "")
}

// writeHead writes a step's first line, with the connection and the
// time, as asked, at the right edge.
func (t *TextWriter) writeHead(head string, visible int, e *Event) {
	t.buf.WriteString(head)
	right := ""
	if t.opts.Conn && e.Conn != 0 {
		right = fmt.Sprintf("conn %d", e.Conn)
	}
	if !t.opts.NoTime {
		if right != "" {
			right += "  "
		}
		right += fmt.Sprintf("%.2f ms", float64(e.Time.Microseconds())/1000)
	}
	if right != "" {
		ms := right
		pad := t.opts.Width - visible - len(ms)
		if pad < 2 {
			pad = 2
		}
		t.buf.WriteString(strings.Repeat(" ", pad))
		t.buf.WriteString(t.p.paint(ansiDim, ms))
	}
	t.buf.WriteByte('\n')
}

// writeBody writes the explanation and fields of a step, starting at
// column indent.
func (t *TextWriter) writeBody(e *Event, indent int, skip string) {
	pad := strings.Repeat(" ", indent)
	if e.Explain != "" {
		for _, line := range wrapWords(e.Explain, t.opts.Width-indent) {
			t.buf.WriteString(pad)
			t.buf.WriteString(line)
			t.buf.WriteByte('\n')
		}
	}
	nameW := 0
	for _, f := range e.Fields {
		if f.Name != skip {
			nameW = max(nameW, min(utf8.RuneCountInString(f.Name), maxNameWidth))
		}
	}
	for _, f := range e.Fields {
		if f.Name != skip {
			t.writeField(indent+fieldIndent, nameW, f.Name, f.Value)
		}
	}
	if t.opts.Raw && len(e.Raw) > 0 {
		// A dump is wider than the indented text: it starts at the margin.
		t.buf.WriteByte('\n')
		HexDump(&t.buf, *e, HexOptions{Color: t.opts.Color, MaxFieldBytes: t.opts.MaxHexBytes})
	}
}

// writeField writes "name  value" with value wrapped under itself.
func (t *TextWriter) writeField(indent, nameW int, name, value string) {
	if isHex(value) {
		b := make([]byte, len(value)/2)
		for i := range b {
			b[i] = unhex(value[2*i])<<4 | unhex(value[2*i+1])
		}
		t.writeHex(indent, nameW, name, b)
		return
	}
	if value == "" {
		value = "(empty)"
	}
	valueCol := t.fieldName(indent, nameW, name)
	lines := wrapList(value, t.opts.Width-valueCol)
	for i, line := range lines {
		if i > 0 {
			t.buf.WriteString(strings.Repeat(" ", valueCol))
		}
		t.buf.WriteString(line)
		t.buf.WriteByte('\n')
	}
}

// writeHex writes b as groups of hex digits, cut at MaxHexBytes.
func (t *TextWriter) writeHex(indent, nameW int, name string, b []byte) {
	valueCol := t.fieldName(indent, nameW, name)
	shown := b
	if t.opts.MaxHexBytes > 0 && len(b) > t.opts.MaxHexBytes {
		shown = b[:t.opts.MaxHexBytes]
	}
	perLine := hexGroup * hexGroupsALine
	if valueCol+perLine*9/4 > t.opts.Width {
		perLine = hexGroup * 2
	}
	for i := 0; i < len(shown); i += perLine {
		if i > 0 {
			t.buf.WriteString(strings.Repeat(" ", valueCol))
		}
		line := shown[i:min(i+perLine, len(shown))]
		for j := 0; j < len(line); j += hexGroup {
			if j > 0 {
				t.buf.WriteByte(' ')
			}
			fmt.Fprintf(&t.buf, "%x", line[j:min(j+hexGroup, len(line))])
		}
		if len(shown) < len(b) && i+perLine >= len(shown) {
			cut := "… (" + byteCount(len(b)) + ")"
			end := valueCol + 2*len(line) + (len(line)-1)/hexGroup
			if end+1+utf8.RuneCountInString(cut) > t.opts.Width {
				t.buf.WriteByte('\n')
				t.buf.WriteString(strings.Repeat(" ", valueCol))
			} else {
				t.buf.WriteByte(' ')
			}
			t.buf.WriteString(t.p.paint(ansiDim, cut))
		}
		t.buf.WriteByte('\n')
	}
}

// fieldName writes the indented, padded field name and returns the
// column where its value starts.
func (t *TextWriter) fieldName(indent, nameW int, name string) int {
	t.buf.WriteString(strings.Repeat(" ", indent))
	t.buf.WriteString(t.p.paint(ansiDim, name))
	n := utf8.RuneCountInString(name)
	gap := 2
	if n < nameW {
		gap += nameW - n
	}
	t.buf.WriteString(strings.Repeat(" ", gap))
	return indent + n + gap
}

// isHex reports whether s is a hex encoding worth laying out as bytes:
// lower-case digits, whole bytes, at least 8 of them.
func isHex(s string) bool {
	if len(s) < 16 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if unhex(s[i]) == 0xff {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return 0xff
}

// byteCount returns "1 byte" or "N bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// wrapWords breaks s into lines of at most width runes at spaces; a word
// longer than width gets a line of its own.
func wrapWords(s string, width int) []string {
	return wrapAt(strings.Fields(s), " ", width)
}

// Wrap breaks s into lines of at most width runes (20 at least) at
// spaces, for text beside a trace: explanations, notes, tables. A word
// longer than width gets a line of its own; an s of no words gives one
// empty line.
func Wrap(s string, width int) []string {
	if lines := wrapWords(s, width); len(lines) > 0 {
		return lines
	}
	return []string{""}
}

// wrapList breaks a comma-separated list at its commas, keeping each item
// whole; a value without ", " is wrapped at spaces.
func wrapList(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	if !strings.Contains(s, ", ") {
		return wrapWords(s, width)
	}
	items := strings.Split(s, ", ")
	for i := range items[:len(items)-1] {
		items[i] += ","
	}
	return wrapAt(items, " ", width)
}

// wrapAt joins words with sep into lines of at most width runes.
func wrapAt(words []string, sep string, width int) []string {
	if width < 20 {
		width = 20
	}
	var lines []string
	var line strings.Builder
	n := 0
	for _, w := range words {
		wn := utf8.RuneCountInString(w)
		if n > 0 && n+len(sep)+wn > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteString(sep)
			n += len(sep)
		}
		line.WriteString(w)
		n += wn
	}
	if n > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// ANSI select graphic rendition codes.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiMagenta = "\x1b[35m"
	ansiCyan    = "\x1b[36m"
)

// painter colours text when on.
type painter bool

func (p painter) paint(code, s string) string {
	if !p || code == "" || s == "" {
		return s
	}
	return code + s + ansiReset
}
