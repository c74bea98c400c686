package scan

import (
	"padlock/internal/alert"
	"padlock/internal/wire"
	"padlock/trace"
)

// Events returns the probe's exchange as trace events, one per
// handshake message or alert, each with its bytes and their field map,
// for trace's renderers (trace.HexDump). An SSL 2.0 exchange or a
// garbage answer gives events without a field map.
func (p *ProbeBytes) Events() []trace.Event {
	evs := recordEvents(p.Sent, trace.Client, trace.Sent)
	return append(evs, recordEvents(p.Received, trace.Server, trace.Received)...)
}

// recordEvents splits plaintext records into message events; what does
// not parse as records becomes one event of raw bytes.
func recordEvents(b []byte, side trace.Side, dir trace.Direction) []trace.Event {
	var evs []trace.Event
	var hs []byte
	rest := b
	for len(rest) >= 5 && rest[1] == 3 {
		n := int(rest[3])<<8 | int(rest[4])
		if len(rest) < 5+n {
			break
		}
		body := rest[5 : 5+n]
		switch rest[0] {
		case recordHandshake:
			hs = append(hs, body...)
			for {
				m, ok := wire.SplitMessage(hs)
				if !ok || m > len(hs) {
					break
				}
				msg := hs[:m:m]
				hs = hs[m:]
				spans, _ := wire.Annotate(msg, false)
				evs = append(evs, trace.Event{Side: side, Dir: dir, Kind: trace.KindMessage,
					Name: wire.TypeName(msg[0]), Raw: msg, Layout: layout(spans)})
			}
		case recordAlert:
			name := "alert"
			if n >= 2 {
				name = "alert " + alert.Description(body[1]).String()
			}
			evs = append(evs, trace.Event{Side: side, Dir: dir, Kind: trace.KindAlert, Name: name, Raw: body})
		default:
			evs = append(evs, trace.Event{Side: side, Dir: dir, Kind: trace.KindInfo, Name: "record", Raw: body})
		}
		rest = rest[5+n:]
	}
	if len(rest) > 0 {
		evs = append(evs, trace.Event{Side: side, Dir: dir, Kind: trace.KindInfo, Name: "bytes", Raw: rest})
	}
	return evs
}

// layout turns wire's spans into trace fields.
func layout(spans []wire.Span) []trace.Field {
	out := make([]trace.Field, len(spans))
	for i, s := range spans {
		out[i] = trace.Field{Name: s.Name, Value: s.Value, Start: s.Start, End: s.End}
	}
	return out
}
