package padlock

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"padlock/internal/record"
	"padlock/trace"
)

// observeRecords has every record traced when the user asked for it
// (Config.TraceRecords); otherwise the record layer observes nothing.
func (c *Conn) observeRecords() {
	if !c.config.TraceRecords || !c.tracing() {
		return
	}
	c.in.r.SetObserver(func(o *record.Observed) { c.emit(recordEvent(trace.Received, o)) })
	c.out.w.SetObserver(func(o *record.Observed) { c.emit(recordEvent(trace.Sent, o)) })
}

// recordEvent describes one record that crossed the wire: its header,
// then what protected it and what it carried.
func recordEvent(dir trace.Direction, o *record.Observed) trace.Event {
	outer := record.ContentType(o.Wire[0])
	e := trace.Event{
		Dir: dir, Step: trace.StepRecord, Kind: trace.KindRecord,
		Name: o.Type.String() + " record",
		Raw:  o.Wire,
		Fields: []trace.Field{
			{Name: "content_type", Value: outer.String(), Start: 0, End: 1},
			{Name: "legacy_record_version", Value: fmt.Sprintf("0x%02x%02x", o.Wire[1], o.Wire[2]), Start: 1, End: 3},
			{Name: "length", Value: strconv.Itoa(len(o.Wire) - record.HeaderLen), Start: 3, End: 5},
		},
	}
	e.Layout = append(e.Layout, e.Fields...)
	if o.Protected {
		describeProtection(&e, o)
	} else {
		e.Explain = "A plaintext record: the header, then the content as it is."
		e.Layout = append(e.Layout, trace.Field{Name: "fragment", Value: o.Type.String(), Start: record.HeaderLen, End: len(o.Wire)})
	}
	e.Fields = append(e.Fields, trace.Field{Name: "content", Value: hex.EncodeToString(o.Content)})
	return e
}

// describeProtection adds to e what protects the record o: its sequence
// number and nonce, the byte map of its nonce_explicit, encrypted_record
// and tag, and in TLS 1.3 the inner content type and padding.
func describeProtection(e *trace.Event, o *record.Observed) {
	e.Fields = append(e.Fields,
		trace.Field{Name: "sequence_number", Value: strconv.FormatUint(o.Seq, 10)},
		trace.Field{Name: "nonce", Value: hex.EncodeToString(o.Nonce)})
	start, end := record.HeaderLen, len(o.Wire)
	if o.Explicit > 0 {
		e.Layout = append(e.Layout, trace.Field{Name: "nonce_explicit", Value: hex.EncodeToString(o.Wire[start : start+o.Explicit]), Start: start, End: start + o.Explicit})
		start += o.Explicit
	}
	e.Layout = append(e.Layout,
		trace.Field{Name: "encrypted_record", Value: byteCount(end - o.TagLen - start), Start: start, End: end - o.TagLen},
		trace.Field{Name: "auth_tag", Value: hex.EncodeToString(o.Wire[end-o.TagLen:]), Start: end - o.TagLen, End: end})
	if o.Version != record.Version13 {
		e.Explain = "A TLS 1.2 record: the header names the content type; the AEAD, under this record's nonce, sealed the content, and the tag authenticates it with the sequence number and the header."
		return
	}
	e.Explain = "A TLS 1.3 record: the header always says application_data; the AEAD, under this record's nonce (the IV XOR the sequence number), sealed the content, the real content type and the zero padding, and the tag authenticates them with the header."
	e.Fields = append(e.Fields,
		trace.Field{Name: "inner_content_type", Value: o.Type.String()},
		trace.Field{Name: "padding_length", Value: strconv.Itoa(o.Padding)})
}

// byteCount is "N bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}
