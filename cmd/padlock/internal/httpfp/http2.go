package httpfp

import (
	"encoding/binary"
	"strconv"
	"strings"

	"golang.org/x/net/http2/hpack"
)

// h2Preface is the client connection preface (RFC 9113 section 3.4).
const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// maxHeaderBytes bounds what the HPACK decoder may expand the first
// HEADERS into: a few small frames could otherwise name large values
// from the dynamic table again and again.
const maxHeaderBytes = 16 << 10

// HTTP2 is what an HTTP/2 client sent before its first request.
type HTTP2 struct {
	// Settings are the parameters of its first SETTINGS frame, in order.
	Settings []Setting `json:"settings"`
	// WindowUpdate is the increment of its first connection-level
	// WINDOW_UPDATE before the first HEADERS, 0 when it sent none.
	WindowUpdate uint32 `json:"window_update"`
	// Priority are the PRIORITY frames before the first HEADERS.
	Priority []Priority `json:"priority"`
	// PseudoHeaderOrder are the first HEADERS' pseudo-headers in order,
	// such as ":method", ":authority", ":scheme", ":path".
	PseudoHeaderOrder []string `json:"pseudo_header_order"`
	// Akamai is the fingerprint "SETTINGS|WINDOW_UPDATE|PRIORITY|
	// PSEUDO_HEADER_ORDER", such as Chrome's
	// "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p"; "" until the
	// first HEADERS is read.
	Akamai string `json:"akamai"`
}

// Setting is one SETTINGS parameter (RFC 9113 section 6.5.2).
type Setting struct {
	ID    uint16 `json:"id"`
	Name  string `json:"name"`
	Value uint32 `json:"value"`
}

// Priority is one PRIORITY frame (RFC 9113 section 6.3).
type Priority struct {
	StreamID  uint32 `json:"stream_id"`
	Exclusive bool   `json:"exclusive"`
	DependsOn uint32 `json:"depends_on"`
	// Weight is the stream's weight, 1 to 256: the byte on the wire
	// plus one.
	Weight int `json:"weight"`
}

func newHTTP2() *HTTP2 {
	return &HTTP2{Settings: []Setting{}, Priority: []Priority{}, PseudoHeaderOrder: []string{}}
}

// parseHTTP2 reads frames after the preface up to the end of the first
// HEADERS (and its CONTINUATIONs).
func parseHTTP2(b []byte) Layer {
	h := newHTTP2()
	l := Layer{Protocol: "HTTP/2", HTTP2: h}
	var block []byte // the first header block, as it arrives
	inHeaders, seenSettings := false, false
	for {
		f, rest, ok := readFrame(b)
		if !ok {
			return l // cut short: the copy is bounded
		}
		b = rest
		switch {
		case inHeaders && f.typ != frameContinuation:
			return l // RFC 9113 section 6.10: a protocol error
		case f.typ == frameSettings && !seenSettings && f.flags&flagAck == 0:
			seenSettings = true
			h.Settings = parseSettings(f.payload)
		case f.typ == frameWindowUpdate && f.stream == 0 && h.WindowUpdate == 0 && len(f.payload) == 4:
			h.WindowUpdate = binary.BigEndian.Uint32(f.payload) & 0x7fffffff
		case f.typ == framePriority && len(f.payload) == 5:
			h.Priority = append(h.Priority, parsePriority(f.stream, f.payload))
		case f.typ == frameHeaders:
			frag, ok := headerFragment(f)
			if !ok {
				return l
			}
			block, inHeaders = frag, true
		case f.typ == frameContinuation && inHeaders:
			if len(block)+len(f.payload) > maxHeaderBytes {
				return l
			}
			block = append(block[:len(block):len(block)], f.payload...)
		}
		if inHeaders && f.flags&flagEndHeaders != 0 {
			return l.withHeaders(block)
		}
	}
}

// withHeaders decodes the first header block into l.
func (l Layer) withHeaders(block []byte) Layer {
	h := l.HTTP2
	size := 0
	dec := hpack.NewDecoder(4096, func(hf hpack.HeaderField) {
		size += len(hf.Name) + len(hf.Value) + 32 // RFC 9113 section 6.5.2's measure
		if size > maxHeaderBytes {
			return
		}
		if strings.HasPrefix(hf.Name, ":") {
			h.PseudoHeaderOrder = append(h.PseudoHeaderOrder, hf.Name)
		}
		l.Headers = append(l.Headers, newHeader(hf.Name, hf.Value))
	})
	dec.SetMaxStringLength(maxHeaderBytes)
	if _, err := dec.Write(block); err != nil || dec.Close() != nil || size > maxHeaderBytes {
		return l
	}
	l.UserAgent = userAgent(l.Headers)
	l.Complete = true
	h.Akamai = h.akamai()
	return l
}

// HTTP/2 frame types and flags (RFC 9113 section 6).
const (
	frameHeaders      = 0x1
	framePriority     = 0x2
	frameSettings     = 0x4
	frameWindowUpdate = 0x8
	frameContinuation = 0x9

	flagAck        = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

// frame is one HTTP/2 frame (RFC 9113 section 4.1).
type frame struct {
	typ, flags byte
	stream     uint32
	payload    []byte
}

// readFrame splits the first frame off b; ok is false when b ends first.
func readFrame(b []byte) (f frame, rest []byte, ok bool) {
	if len(b) < 9 {
		return frame{}, nil, false
	}
	n := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
	if len(b) < 9+n {
		return frame{}, nil, false
	}
	f = frame{typ: b[3], flags: b[4], stream: binary.BigEndian.Uint32(b[5:9]) & 0x7fffffff, payload: b[9 : 9+n]}
	return f, b[9+n:], true
}

// headerFragment strips a HEADERS frame's padding and priority fields
// (RFC 9113 section 6.2).
func headerFragment(f frame) ([]byte, bool) {
	p := f.payload
	pad := 0
	if f.flags&flagPadded != 0 {
		if len(p) < 1 {
			return nil, false
		}
		pad, p = int(p[0]), p[1:]
	}
	if f.flags&flagPriority != 0 {
		if len(p) < 5 {
			return nil, false
		}
		p = p[5:]
	}
	if pad > len(p) {
		return nil, false
	}
	return p[:len(p)-pad], true
}

// parseSettings reads a SETTINGS payload: 6-byte identifier-value pairs
// (RFC 9113 section 6.5.1).
func parseSettings(p []byte) []Setting {
	var out []Setting
	for ; len(p) >= 6; p = p[6:] {
		id := binary.BigEndian.Uint16(p)
		out = append(out, Setting{ID: id, Name: settingName(id), Value: binary.BigEndian.Uint32(p[2:])})
	}
	return out
}

// parsePriority reads a PRIORITY payload (RFC 9113 section 6.3).
func parsePriority(stream uint32, p []byte) Priority {
	dep := binary.BigEndian.Uint32(p)
	return Priority{StreamID: stream, Exclusive: dep>>31 == 1, DependsOn: dep & 0x7fffffff, Weight: int(p[4]) + 1}
}

// settingNames are the SETTINGS parameters of RFC 9113 section 6.5.2,
// RFC 8441 (8) and RFC 9218 (9).
var settingNames = map[uint16]string{
	1: "HEADER_TABLE_SIZE", 2: "ENABLE_PUSH", 3: "MAX_CONCURRENT_STREAMS", 4: "INITIAL_WINDOW_SIZE",
	5: "MAX_FRAME_SIZE", 6: "MAX_HEADER_LIST_SIZE", 8: "ENABLE_CONNECT_PROTOCOL", 9: "NO_RFC7540_PRIORITIES",
}

func settingName(id uint16) string {
	if n, ok := settingNames[id]; ok {
		return n
	}
	return "UNKNOWN_" + strconv.Itoa(int(id))
}

// akamai writes the fingerprint: settings as id:value joined by ";";
// the window increment, "00" for none; the PRIORITY frames as
// stream:exclusive:depends_on:weight joined by ",", "0" for none; the
// pseudo-headers by their second letter joined by ",".
func (h *HTTP2) akamai() string {
	var b strings.Builder
	for i, s := range h.Settings {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(int(s.ID)) + ":" + strconv.FormatUint(uint64(s.Value), 10))
	}
	b.WriteByte('|')
	if h.WindowUpdate == 0 {
		b.WriteString("00")
	} else {
		b.WriteString(strconv.FormatUint(uint64(h.WindowUpdate), 10))
	}
	b.WriteByte('|')
	if len(h.Priority) == 0 {
		b.WriteByte('0')
	}
	for i, p := range h.Priority {
		if i > 0 {
			b.WriteByte(',')
		}
		excl := "0"
		if p.Exclusive {
			excl = "1"
		}
		b.WriteString(strconv.FormatUint(uint64(p.StreamID), 10) + ":" + excl + ":" +
			strconv.FormatUint(uint64(p.DependsOn), 10) + ":" + strconv.Itoa(p.Weight))
	}
	b.WriteByte('|')
	for i, p := range h.PseudoHeaderOrder {
		if i > 0 {
			b.WriteByte(',')
		}
		if len(p) > 1 {
			b.WriteByte(p[1])
		}
	}
	return b.String()
}
