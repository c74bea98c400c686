package trace

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Geometry of the diagram, in SVG user units (pixels). Text widths are
// estimated, since the SVG names no font it could measure.
const (
	dgWidth     = 860
	dgTimeX     = 64  // right edge of the time column
	dgClientX   = 300 // the client's lifeline
	dgServerX   = 600 // the server's lifeline
	dgHeadY     = 24  // top of the participant boxes, below any title
	dgTitleH    = 32  // room for a title
	dgFirstRow  = 84  // first row, below the participant boxes
	dgArrowH    = 44  // height of an arrow's row
	dgLineH     = 15  // height of one line of a note
	dgNotePad   = 6   // padding inside a note
	dgNoteGap   = 12  // between a lifeline and its notes
	dgLegendH   = 56  // room for the legend below the rows
	dgCharW2    = 12  // twice the estimated width of a note character
	noteChars   = 33  // characters in a line of a note
	noteLines   = 6   // lines of a note at most; the rest is in its tooltip
	arrowChars  = 40  // characters of an arrow's label and detail, which fit between the lifelines
	dgArrowTail = 10  // length of an arrowhead
)

// dgStyle is the diagram's stylesheet: generic font families only.
const dgStyle = `
text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 11px; fill: #202124; }
.title { font-size: 16px; font-weight: bold; }
.party { font-size: 14px; font-weight: bold; text-anchor: middle; }
.partybox { fill: #f1f3f4; stroke: #5f6368; }
.lifeline { stroke: #9aa0a6; stroke-dasharray: 4 4; }
.time { fill: #5f6368; text-anchor: end; font-variant-numeric: tabular-nums; }
.label { font-size: 13px; text-anchor: middle; }
.detail { fill: #5f6368; font-size: 11px; }
.wire { stroke: #202124; stroke-width: 1.5; }
.locked { stroke-dasharray: 6 4; }
.wire-alert { stroke: #d93025; }
.wire-data { stroke: #80868b; }
.lock { fill: #5f6368; stroke: #5f6368; }
.dot { fill: #5f6368; }
.note { stroke-width: 1; }
.note-verified { fill: #e6f4ea; stroke: #34a853; }
.note-secret { fill: #ede7f6; stroke: #7e57c2; }
.note-keys { fill: #e3f2fd; stroke: #1e88e5; }
.note-negotiated { fill: #fff8e1; stroke: #f9a825; }
.note-alert { fill: #fdecea; stroke: #d93025; }
.note-info, .note-message, .note-data, .note-unknown { fill: #f1f3f4; stroke: #9aa0a6; }
`

// dgMarkers are the arrowheads, one per colour of wire.
const dgMarkers = `<defs>
<marker id="head" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" refX="10" refY="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#202124"/></marker>
<marker id="head-alert" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" refX="10" refY="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#d93025"/></marker>
<marker id="head-data" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" refX="10" refY="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#80868b"/></marker>
</defs>
`

// svgDrawer writes the SVG of a diagram into buf.
type svgDrawer struct {
	buf  *bytes.Buffer
	opts DiagramOptions
}

// drawDiagram writes the whole SVG document for rows.
func drawDiagram(buf *bytes.Buffer, rows []diagramRow, opts DiagramOptions) {
	d := svgDrawer{buf: buf, opts: opts}
	top := 0
	if opts.Title != "" {
		top = dgTitleH
	}
	height := top + dgFirstRow
	for _, r := range rows {
		height += rowHeight(r)
	}
	bottom := height
	height += dgLegendH
	d.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		dgWidth, height, dgWidth, height)
	d.element("title", "", orDefault(opts.Title, "TLS handshake"))
	d.buf.WriteString("<style>" + dgStyle + "</style>\n") // no markup in it: not escaped, so it also works inline in HTML
	d.buf.WriteString(dgMarkers)
	d.printf(`<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", dgWidth, height)
	if opts.Title != "" {
		d.text(dgWidth/2, 22, "title", "middle", opts.Title)
	}
	d.parties(top+dgHeadY, bottom)
	y := top + dgFirstRow
	for _, r := range rows {
		if r.arrow {
			d.arrow(r, y)
		} else {
			d.note(r, y)
		}
		y += rowHeight(r)
	}
	d.legend(bottom + 24)
	d.buf.WriteString("</svg>\n")
}

// rowHeight is the height a row takes.
func rowHeight(r diagramRow) int {
	if r.arrow {
		return dgArrowH
	}
	return min(len(r.lines), noteLines)*dgLineH + 2*dgNotePad + 8
}

// parties draws the two participants and their lifelines down to bottom.
func (d *svgDrawer) parties(y, bottom int) {
	for _, p := range []struct {
		x    int
		name string
	}{{dgClientX, "Client"}, {dgServerX, "Server"}} {
		d.printf(`<line class="lifeline" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", p.x, y+32, p.x, bottom)
		d.printf(`<rect class="partybox" x="%d" y="%d" width="120" height="32" rx="4"/>`+"\n", p.x-60, y)
		d.text(p.x, y+21, "party", "", p.name)
	}
}

// arrow draws a message from its sender's lifeline to the receiver's.
func (d *svgDrawer) arrow(r diagramRow, y int) {
	from, to := dgClientX, dgServerX
	if r.side == Server {
		from, to = to, from
	}
	lineY := y + 28
	d.time(r.time, lineY+4)
	class, head := "wire", "head"
	switch r.kind {
	case KindAlert:
		class, head = "wire wire-alert", "head-alert"
	case KindData:
		class, head = "wire wire-data", "head-data"
	}
	if r.locked {
		class += " locked"
	}
	d.printf(`<line class="%s" x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#%s)"/>`+"\n",
		class, from, lineY, to, lineY, head)
	if r.locked {
		dir := 1
		if to < from {
			dir = -1
		}
		d.lock(from+dir*18-6, lineY-19)
	}
	d.printf(`<text class="label" x="%d" y="%d">`, (from+to)/2, lineY-8)
	label, cut := arrowLabel(r.label, r.detail)
	if cut { // the whole label, as a tooltip
		d.buf.WriteString("<title>")
		escape(d.buf, r.label)
		d.buf.WriteString("</title>")
	}
	escape(d.buf, label)
	if r.detail != "" {
		d.buf.WriteString(` <tspan class="detail">(`)
		escape(d.buf, r.detail)
		d.buf.WriteString(`)</tspan>`)
	}
	d.buf.WriteString("</text>\n")
}

// noteRoom is the widest a note's text may be, in pixels: what fits
// right of the server's lifeline.
const noteRoom = dgWidth - dgServerX - dgNoteGap - 2*dgNotePad - 4

// textWidth estimates the width of s at a note's 11px, in pixels:
// capitals, digits, '_' and the wide m and w are wider than the rest.
func textWidth(s string) int {
	w2 := 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r) || r == '_' || r == 'm' || r == 'w':
			w2 += 16
		case unicode.IsDigit(r):
			w2 += 13
		default:
			w2 += dgCharW2
		}
	}
	return w2 / 2
}

// arrowLabel cuts a label so that it and its detail fit between the
// lifelines; cut reports whether it did.
func arrowLabel(label, detail string) (string, bool) {
	room := arrowChars
	if detail != "" {
		room -= utf8.RuneCountInString(detail) + 3 // " (" and ")"
	}
	return cutRunes(label, max(room, 8))
}

// cutRunes cuts s to n characters, the last an ellipsis, when it is
// longer; cut reports whether it was.
func cutRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	return string([]rune(s)[:n-1]) + "…", true
}

// note draws a local step beside the lifeline of the party that took it,
// on the outer side, with a dot on the lifeline. A note longer than
// noteLines is cut, and the whole of it is its tooltip.
func (d *svgDrawer) note(r diagramRow, y int) {
	if len(r.lines) > noteLines {
		d.buf.WriteString("<g>")
		d.element("title", "", strings.Join(r.lines, " "))
		defer d.buf.WriteString("</g>\n")
		r.lines = slices.Clone(r.lines[:noteLines])
		last, _ := cutRunes(r.lines[noteLines-1]+" …", noteChars)
		r.lines[noteLines-1] = last
	}
	inner := 0
	for _, l := range r.lines {
		inner = max(inner, textWidth(l))
	}
	inner = min(inner, noteRoom)
	w := inner + 2*dgNotePad
	h := len(r.lines)*dgLineH + 2*dgNotePad
	lifeline, x := dgClientX, dgClientX-dgNoteGap-w
	if r.side == Server {
		lifeline, x = dgServerX, dgServerX+dgNoteGap
	}
	top := y + 4
	d.time(r.time, top+dgNotePad+11)
	d.printf(`<circle class="dot" cx="%d" cy="%d" r="3"/>`+"\n", lifeline, top+h/2)
	d.printf(`<rect class="note note-%s" x="%d" y="%d" width="%d" height="%d" rx="3"/>`+"\n",
		r.kind, x, top, w, h)
	for i, l := range r.lines {
		ty := top + dgNotePad + 11 + i*dgLineH
		if textWidth(l) <= inner {
			d.text(x+dgNotePad, ty, "", "", l)
			continue
		}
		// Wider than the room: squeezed to fit, whatever the font.
		d.printf(`<text x="%d" y="%d" textLength="%d" lengthAdjust="spacingAndGlyphs">`, x+dgNotePad, ty, inner)
		escape(d.buf, l)
		d.buf.WriteString("</text>\n")
	}
}

// legend explains the two kinds of wire under the diagram.
func (d *svgDrawer) legend(y int) {
	x := dgClientX
	d.printf(`<line class="wire" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", x, y, x+40, y)
	d.text(x+48, y+4, "", "", "in the clear")
	x += 150
	d.printf(`<line class="wire locked" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", x, y, x+40, y)
	d.lock(x+48, y-8)
	d.text(x+66, y+4, "", "", "protected by traffic keys")
}

// lock draws a padlock glyph with its top left corner at x, y.
func (d *svgDrawer) lock(x, y int) {
	d.printf(`<g class="lock" transform="translate(%d,%d)">`+
		`<path d="M3 6V4.5a3 3 0 0 1 6 0V6" fill="none" stroke-width="1.5"/>`+
		`<rect x="1" y="6" width="10" height="7" rx="1.5" stroke="none"/></g>`+"\n", x, y)
}

// time writes the time of a row in the left column, unless NoTime.
func (d *svgDrawer) time(t time.Duration, y int) {
	if d.opts.NoTime {
		return
	}
	ms := strconv.FormatFloat(float64(t)/float64(time.Millisecond), 'f', 2, 64)
	d.text(dgTimeX, y, "time", "", ms+" ms")
}

// text writes a text element; anchor overrides the class's alignment.
func (d *svgDrawer) text(x, y int, class, anchor, s string) {
	d.printf(`<text x="%d" y="%d"`, x, y)
	if class != "" {
		d.printf(` class="%s"`, class)
	}
	if anchor != "" {
		d.printf(` text-anchor="%s"`, anchor)
	}
	d.buf.WriteByte('>')
	escape(d.buf, s)
	d.buf.WriteString("</text>\n")
}

// element writes <name class="class">s</name> with s escaped.
func (d *svgDrawer) element(name, class, s string) {
	d.buf.WriteString("<" + name)
	if class != "" {
		d.printf(` class="%s"`, class)
	}
	d.buf.WriteByte('>')
	escape(d.buf, s)
	d.buf.WriteString("</" + name + ">\n")
}

// printf writes formatted markup. Its arguments are numbers and names
// the drawer chose, never text from events.
func (d *svgDrawer) printf(format string, args ...any) {
	fmt.Fprintf(d.buf, format, args...)
}

// escape writes s as XML character data; characters XML cannot hold
// become U+FFFD.
func escape(buf *bytes.Buffer, s string) {
	xml.EscapeText(buf, []byte(s)) // a bytes.Buffer never fails
}

// orDefault returns s, or def if s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
