package trace

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// handshakeEvents is a TLS 1.3 handshake as both sides trace it, merged
// in one stream in the order things happened: every message appears as
// sent and as received.
func handshakeEvents() []Event {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	msg := func(t float64, side Side, dir Direction, name string, raw []byte) Event {
		return Event{Time: ms(t), Side: side, Dir: dir, Kind: KindMessage, Name: name, Raw: raw}
	}
	local := func(t float64, side Side, kind Kind, name string, fields ...Field) Event {
		return Event{Time: ms(t), Side: side, Dir: Local, Kind: kind, Name: name, Fields: fields}
	}
	keys := func(t float64, side Side, which, dir string) Event {
		return local(t, side, KindKeys, which+" keys installed for "+dir,
			Field{Name: "keys", Value: which}, Field{Name: "direction", Value: dir})
	}
	ch, sh, ee := seq(1, 196), seq(2, 90), seq(3, 10)
	cert, cv, sfin, cfin := seq(4, 445), seq(5, 136), seq(6, 36), seq(7, 36)
	return []Event{
		msg(0, Client, Sent, "ClientHello", ch),
		msg(0.2, Server, Received, "ClientHello", ch),
		local(0.3, Server, KindNegotiated, "version negotiated", Field{Name: "version", Value: "TLS 1.3"}),
		msg(0.5, Server, Sent, "ServerHello", sh),
		local(0.6, Server, KindSecret, "handshake secrets derived"),
		keys(0.7, Server, "handshake", "writing"),
		keys(0.7, Server, "handshake", "reading"),
		msg(0.8, Server, Sent, "EncryptedExtensions", ee),
		msg(0.9, Server, Sent, "Certificate", cert),
		msg(1.4, Server, Sent, "CertificateVerify", cv),
		msg(1.5, Server, Sent, "Finished", sfin),
		msg(1.6, Client, Received, "ServerHello", sh),
		keys(1.7, Client, "handshake", "reading"),
		msg(1.8, Client, Received, "EncryptedExtensions", ee),
		msg(1.9, Client, Received, "Certificate", cert),
		local(2.4, Client, KindVerified, "certificate chain verified",
			Field{Name: "chain", Value: "CN=localhost <- CN=padlock demo CA"}),
		msg(2.5, Client, Received, "CertificateVerify", cv),
		local(2.6, Client, KindVerified, "CertificateVerify signature verified"),
		msg(2.7, Client, Received, "Finished", sfin),
		keys(2.8, Client, "handshake", "writing"),
		msg(2.9, Client, Sent, "Finished", cfin),
		msg(3.2, Server, Received, "Finished", cfin),
		local(3.3, Server, KindVerified, "client Finished verified"),
		{Time: ms(4), Side: Client, Dir: Sent, Kind: KindData, Name: "application data",
			Fields: []Field{{Name: "data", Value: `"GET / <HTTP/1.1> & more"`}}},
		{Time: ms(4.2), Side: Server, Dir: Received, Kind: KindData, Name: "application data",
			Fields: []Field{{Name: "data", Value: `"GET / <HTTP/1.1> & more"`}}},
		{Time: ms(5), Side: Server, Dir: Sent, Kind: KindAlert, Name: "Alert",
			Fields: []Field{{Name: "description", Value: "close_notify"}}},
	}
}

func TestSequenceDiagramGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts DiagramOptions
	}{
		{"diagram.svg", DiagramOptions{Title: "TLS 1.3 handshake <RFC 8446> & friends"}},
		{"diagram_wire_only.svg", DiagramOptions{NoNotes: true, NoTime: true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := SequenceDiagram(&b, handshakeEvents(), tc.opts); err != nil {
				t.Fatal(err)
			}
			checkXML(t, b.Bytes())
			goldenFile(t, tc.file, b.Bytes())
		})
	}
}

// svgSummary is what a test reads back from a diagram.
type svgSummary struct {
	texts  []string // the character data of each text element
	wires  int      // arrows
	locked int      // arrows drawn as protected
}

// checkXML decodes an SVG document with encoding/xml, failing the test
// if it is not well-formed, and returns its text and arrows.
func checkXML(t *testing.T, doc []byte) svgSummary {
	t.Helper()
	var s svgSummary
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var text *strings.Builder
	root := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root && (tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element %v", tok.Name)
			}
			root = false
			if tok.Name.Local == "text" {
				text = new(strings.Builder)
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "class" && strings.HasPrefix(a.Value, "wire") && hasAttr(tok, "marker-end") {
					s.wires++
					if strings.Contains(a.Value, "locked") {
						s.locked++
					}
				}
				if a.Name.Local == "href" || strings.HasPrefix(a.Value, "http") && a.Name.Local != "xmlns" {
					t.Errorf("external reference %v=%q", a.Name, a.Value)
				}
			}
			if tok.Name.Local == "script" || tok.Name.Local == "image" || tok.Name.Local == "foreignObject" {
				t.Errorf("element %s in a self-contained diagram", tok.Name.Local)
			}
		case xml.CharData:
			if text != nil {
				text.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && text != nil {
				s.texts = append(s.texts, text.String())
				text = nil
			}
		}
	}
	return s
}

func hasAttr(e xml.StartElement, name string) bool {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}

// TestSequenceDiagramArrows checks that each message is drawn once, from
// its sender, whichever side's events are given and in whatever order,
// and which ones are protected.
func TestSequenceDiagramArrows(t *testing.T) {
	all := handshakeEvents()
	var client, server, reversed []Event
	for _, e := range all {
		if e.Side == Client {
			client = append(client, e)
		} else {
			server = append(server, e)
		}
	}
	reversed = append(append(reversed, client...), server...) // receipts before sendings
	for name, tc := range map[string]struct {
		events []Event
		wires  int
		locked int
	}{
		// 7 messages, application data and an alert; all after
		// ServerHello are protected. The client's trace lacks the
		// server's alert.
		"merged":         {all, 9, 7},
		"client only":    {client, 8, 6},
		"server only":    {server, 9, 7},
		"client, server": {reversed, 9, 7},
	} {
		var b bytes.Buffer
		if err := SequenceDiagram(&b, tc.events, DiagramOptions{}); err != nil {
			t.Fatal(err)
		}
		s := checkXML(t, b.Bytes())
		if s.wires != tc.wires || s.locked != tc.locked {
			t.Errorf("%s: %d arrows, %d protected; want %d and %d", name, s.wires, s.locked, tc.wires, tc.locked)
		}
	}
}

func TestSequenceDiagramRows(t *testing.T) {
	rows := diagramRows(handshakeEvents(), DiagramOptions{NoNotes: true})
	var got []string
	for _, r := range rows {
		s := r.side.String() + " " + r.label
		if r.locked {
			s += " (locked)"
		}
		got = append(got, s+" @"+r.time.String())
	}
	want := []string{
		"client ClientHello @0s",
		"server ServerHello @500µs",
		"server EncryptedExtensions (locked) @800µs",
		"server Certificate (locked) @900µs",
		"server CertificateVerify (locked) @1.4ms",
		"server Finished (locked) @1.5ms",
		"client Finished (locked) @2.9ms",
		"client application data (locked) @4ms",
		"server Alert: close_notify (locked) @5ms",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSequenceDiagramEscapes checks that text from events reaches the
// SVG escaped, and comes back unchanged when decoded.
func TestSequenceDiagramEscapes(t *testing.T) {
	evil := `</text><script>alert("x")</script> & "quotes" ]]>`
	events := []Event{
		{Side: Client, Dir: Sent, Kind: KindMessage, Name: evil, Raw: []byte{1}},
		{Side: Server, Dir: Local, Kind: KindInfo, Name: "ctl\x00\x1b chars"},
	}
	var b bytes.Buffer
	if err := SequenceDiagram(&b, events, DiagramOptions{Title: evil}); err != nil {
		t.Fatal(err)
	}
	s := checkXML(t, b.Bytes())
	found := false
	for _, text := range s.texts {
		if strings.HasPrefix(text, evil) {
			found = true
		}
	}
	if !found {
		t.Errorf("the label did not survive escaping: %q", s.texts)
	}
	// Control characters, which XML cannot hold, show as their escapes,
	// as in the text renderers.
	if !slices.Contains(s.texts, `ctl\x00\x1b chars`) {
		t.Errorf("the control characters are not shown escaped: %q", s.texts)
	}
}

func TestSequenceDiagramEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := SequenceDiagram(&b, nil, DiagramOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := checkXML(t, b.Bytes()); s.wires != 0 {
		t.Errorf("%d arrows in an empty diagram", s.wires)
	}
	if err := SequenceDiagram(brokenWriter{}, handshakeEvents(), DiagramOptions{}); err == nil {
		t.Error("no error from a failing writer")
	}
}

func TestWrapNote(t *testing.T) {
	got := wrapNote("certificate chain verified with a veryveryveryverylongword", 10)
	want := []string{"certificat", "e chain", "verified", "with a", "veryveryve", "ryverylong", "word"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapNote = %q, want %q", got, want)
	}
}

// FuzzRenderers draws an event built from arbitrary bytes: a name, the
// message bytes, and a layout whose ranges come in pairs of bytes. The
// hex dump must not panic, and the diagram must stay well-formed XML
// whatever the name holds.
func FuzzRenderers(f *testing.F) {
	f.Add("ClientHello", []byte{1, 0, 0, 2, 3, 3}, []byte{0, 1, 1, 4, 4, 6, 2, 9})
	f.Add("<&\x00\x1b>", []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, name string, raw, spec []byte) {
		e := Event{Side: Client, Dir: Sent, Kind: KindMessage, Name: name, Raw: raw}
		for i := 0; i+1 < len(spec); i += 2 {
			e.Layout = append(e.Layout, Field{Name: name, Value: name, Start: int(spec[i]), End: int(spec[i+1])})
		}
		var b bytes.Buffer
		if err := HexDump(&b, e, HexOptions{Color: true}); err != nil && len(raw) > 0 {
			t.Fatal(err)
		}
		b.Reset()
		local := Event{Side: Server, Dir: Local, Kind: KindInfo, Name: name}
		if err := SequenceDiagram(&b, []Event{e, local}, DiagramOptions{Title: name}); err != nil {
			t.Fatal(err)
		}
		checkXML(t, b.Bytes())
	})
}
