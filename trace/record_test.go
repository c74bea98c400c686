package trace

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// recordEvent is a TLS 1.3 record as padlock traces it.
func recordEvent(side Side, dir Direction) Event {
	raw := append([]byte{23, 3, 3, 0, 22}, seq(0x80, 22)...)
	return Event{
		Side: side, Dir: dir, Step: StepRecord, Kind: KindRecord, Name: "handshake record",
		Explain: "A TLS 1.3 record.", Raw: raw,
		Fields: []Field{
			{Name: "content_type", Value: "application_data", Start: 0, End: 1},
			{Name: "legacy_record_version", Value: "0x0303", Start: 1, End: 3},
			{Name: "length", Value: "22", Start: 3, End: 5},
			{Name: "sequence_number", Value: "0"},
			{Name: "nonce", Value: "000102030405060708090a0b"},
			{Name: "inner_content_type", Value: "handshake"},
			{Name: "padding_length", Value: "0"},
			{Name: "content", Value: "0800000100"},
		},
		Layout: []Field{
			{Name: "content_type", Value: "application_data", Start: 0, End: 1},
			{Name: "legacy_record_version", Value: "0x0303", Start: 1, End: 3},
			{Name: "length", Value: "22", Start: 3, End: 5},
			{Name: "encrypted_record", Value: "6 bytes", Start: 5, End: 11},
			{Name: "auth_tag", Value: hexs(raw[11:]), Start: 11, End: 27},
		},
	}
}

// TestTextRecord checks that a record is one line unless its values or
// bytes are asked for, and that the receiver's record folds into the
// sender's.
func TestTextRecord(t *testing.T) {
	events := []Event{recordEvent(Server, Sent), recordEvent(Client, Received)}
	var plain, values, raw bytes.Buffer
	Text(&plain, events, TextOptions{NoTime: true})
	Text(&values, events, TextOptions{NoTime: true, Records: true})
	Text(&raw, events, TextOptions{NoTime: true, Raw: true})
	want := "  1  client ◀── server  record: handshake, protected, seq 0  (27 bytes)\n\n"
	if plain.String() != want {
		t.Errorf("plain:\n%q\nwant\n%q", plain.String(), want)
	}
	if s := values.String(); !strings.Contains(s, "nonce") || !strings.Contains(s, "inner_content_type") || strings.Contains(s, "A TLS 1.3 record") {
		t.Errorf("with Records:\n%s", s)
	}
	if s := raw.String(); !strings.Contains(s, "A TLS 1.3 record") || !strings.Contains(s, "auth_tag") {
		t.Errorf("with Raw:\n%s", s)
	}
}

// TestDiagramLeavesRecordsOut checks that records add no row to the
// sequence diagram.
func TestDiagramLeavesRecordsOut(t *testing.T) {
	events := handshakeEvents()
	with := append(append([]Event(nil), events...), recordEvent(Server, Sent), recordEvent(Client, Received))
	if a, b := len(diagramRows(events, DiagramOptions{})), len(diagramRows(with, DiagramOptions{})); a != b {
		t.Errorf("%d rows with records, %d without", b, a)
	}
}

func TestJSONRecordRoundTrip(t *testing.T) {
	e := recordEvent(Client, Received)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"kind":"record"`)) || !bytes.Contains(b, []byte(`"step":"record"`)) {
		t.Errorf("JSON: %s", b)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Kind != KindRecord || back.Step != StepRecord || !bytes.Equal(back.Raw, e.Raw) || len(back.Layout) != len(e.Layout) {
		t.Errorf("round trip: %+v", back)
	}
}
