package trace

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDiagramLongLabels: a long message name is cut to fit between the
// lifelines and a long note to noteLines lines, each with the whole text
// as its tooltip, so that no label spills out of its place.
func TestDiagramLongLabels(t *testing.T) {
	long := strings.Repeat("very-long-name.", 12) + "example"
	events := []Event{
		{Side: Client, Dir: Sent, Kind: KindMessage, Name: "ClientHello for " + long, Raw: make([]byte, 300)},
		{Side: Server, Dir: Local, Kind: KindNegotiated, Name: "server name", Fields: []Field{{Name: "server_name", Value: long + long}}},
	}
	var b bytes.Buffer
	if err := SequenceDiagram(&b, events, DiagramOptions{}); err != nil {
		t.Fatal(err)
	}
	s := checkXML(t, b.Bytes())
	for _, text := range s.texts {
		if n := utf8.RuneCountInString(text); n > arrowChars+len(long)+20 {
			t.Errorf("a text of %d characters: %q", n, text)
		}
	}
	doc := b.String()
	if !strings.Contains(doc, "<title>ClientHello for "+long+"</title>") {
		t.Error("the cut arrow label has no tooltip with the whole name")
	}
	if !strings.Contains(doc, "<g><title>server name: "+long[:20]) {
		t.Error("the cut note has no tooltip")
	}
	if got := strings.Count(doc, `<text x="`) - strings.Count(doc, `class="time"`); got > noteLines+3+2 {
		t.Errorf("%d text lines: the note was not cut", got)
	}
}
