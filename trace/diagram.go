package trace

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"time"
)

// DiagramOptions says how SequenceDiagram draws a handshake.
type DiagramOptions struct {
	// Title is drawn above the diagram when set.
	Title string
	// NoNotes leaves out the local steps, to draw only what crosses the
	// wire.
	NoNotes bool
	// NoTime leaves out the times, for output that must not change from
	// one run to the next.
	NoTime bool
}

// SequenceDiagram draws events as an SVG sequence diagram: a lifeline for
// the client and one for the server, an arrow from sender to receiver for
// each message (alerts and application data too), and each local step
// (a check passed, a secret derived, keys installed) as a note beside the
// party that took it. Messages protected by traffic keys are drawn dashed
// with a padlock; the time of each row, since the handshake began, is on
// the left.
//
// events may hold one side's trace or both merged in one stream: a
// message that one side sent and the other received is drawn once, at
// the sender's time. The SVG is self-contained (no fonts, scripts or
// links to fetch) and its text is escaped.
func SequenceDiagram(w io.Writer, events []Event, opts DiagramOptions) error {
	events = slices.Clone(events)
	for i := range events {
		events[i].Complete()
	}
	var b bytes.Buffer
	drawDiagram(&b, diagramRows(events, opts), opts)
	_, err := w.Write(b.Bytes())
	return err
}

// diagramRow is one row of the diagram: an arrow or a note.
type diagramRow struct {
	time   time.Duration
	arrow  bool
	side   Side     // the sender of an arrow, the party of a note
	kind   Kind     // colours the row
	label  string   // the message's name
	detail string   // its size, after the name
	locked bool     // sent under traffic keys
	lines  []string // a note's text, wrapped
}

// diagramRows turns events into rows, in order, dropping the receipts of
// messages whose sending is also in events.
func diagramRows(events []Event, opts DiagramOptions) []diagramRow {
	receipt := matchReceipts(events)
	var writing, reading [2]bool // traffic keys installed, per side
	var rows []diagramRow
	for i := range events {
		e := &events[i]
		switch {
		case e.Kind == KindRecord:
			// The diagram shows messages; records would double it.
		case e.Dir == Local:
			if e.Kind == KindKeys {
				markKeys(e, &writing, &reading)
			}
			if !opts.NoNotes {
				rows = append(rows, noteRow(e))
			}
		case receipt[i]:
			// drawn with its sending
		default:
			rows = append(rows, arrowRow(e, &writing, &reading))
		}
	}
	return rows
}

// markKeys records which direction of which side a KindKeys event
// switched to traffic keys, by its "direction" field.
func markKeys(e *Event, writing, reading *[2]bool) {
	s := e.Side & 1
	switch dir := e.Field("direction"); {
	case dir == "writing" || dir == "" && strings.Contains(e.Name, "writing"):
		writing[s] = true
	case dir == "reading" || dir == "" && strings.Contains(e.Name, "reading"):
		reading[s] = true
	}
}

// arrowRow draws an event that crossed the wire. It is protected if its
// sender had installed keys for writing or, for a receipt whose sending
// is not in the events, if its receiver had installed keys for reading. ChangeCipherSpec never is:
// it is what announces the keys, and TLS 1.3 sends it in the clear
// (RFC 8446 section 5).
func arrowRow(e *Event, writing, reading *[2]bool) diagramRow {
	from := e.Side & 1
	if e.Dir == Received {
		from = 1 - from
	}
	locked := writing[from]
	if e.Dir == Received { // the sender's events are not given
		locked = reading[1-from]
	}
	r := diagramRow{time: e.Time, arrow: true, side: from, kind: e.Kind, label: Printable(e.Name),
		locked: locked && e.Name != "ChangeCipherSpec"}
	if e.Kind == KindAlert {
		if d := e.Field("description"); d != "" {
			r.label = "Alert: " + Printable(d)
		}
	}
	if len(e.Raw) > 0 {
		r.detail = hdSize(len(e.Raw))
	}
	return r
}

// noteRow draws a local step: its name and, for a decision, the value
// decided.
func noteRow(e *Event) diagramRow {
	text := e.Name
	if e.Kind == KindNegotiated && len(e.Fields) > 0 && e.Fields[0].Value != "" {
		text += ": " + e.Fields[0].Value
	}
	return diagramRow{time: e.Time, side: e.Side & 1, kind: e.Kind, lines: wrapNote(Printable(text), noteChars)}
}

// matchReceipts marks the Received events whose message the other side
// is shown sending in events, earlier or later in the stream.
func matchReceipts(events []Event) []bool {
	receipt := make([]bool, len(events))
	taken := make([]bool, len(events)) // sendings already matched
	for i := range events {
		if events[i].Dir != Received {
			continue
		}
		j := findSending(events, taken, i)
		if j >= 0 {
			receipt[i], taken[j] = true, true
		}
	}
	return receipt
}

// findSending returns the index of the unmatched sending of received
// message r, the nearest before it if any, else the first after it, or
// -1.
func findSending(events []Event, taken []bool, r int) int {
	for j := r - 1; j >= 0; j-- {
		if !taken[j] && sameCrossing(&events[j], &events[r]) {
			return j
		}
	}
	for j := r + 1; j < len(events); j++ {
		if !taken[j] && sameCrossing(&events[j], &events[r]) {
			return j
		}
	}
	return -1
}

// sameCrossing reports whether s is the sending of the message r
// received: the other side, the same kind, name and bytes, or the same
// fields when there are no bytes.
func sameCrossing(s, r *Event) bool {
	if s.Dir != Sent || s.Side == r.Side || s.Kind != r.Kind || s.Name != r.Name || !bytes.Equal(s.Raw, r.Raw) {
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

// wrapNote breaks text into lines of at most width characters at spaces,
// cutting words longer than a line.
func wrapNote(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for len([]rune(word)) > width {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(word)
			lines, word = append(lines, string(r[:width])), string(r[width:])
		}
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
