package padlock

import (
	"padlock/internal/alert"
	"padlock/internal/wire"
	"padlock/trace"
)

// tracing reports whether anyone listens; when not, no event is built.
func (c *Conn) tracing() bool { return c.config.Trace != nil }

func (c *Conn) side() trace.Side {
	if c.isClient {
		return trace.Client
	}
	return trace.Server
}

// emit stamps e with the time and side and hands it to the tracer.
func (c *Conn) emit(e trace.Event) {
	e.Time = c.config.now().Sub(c.start)
	e.Side = c.side()
	c.config.Trace(e)
}

// traceMessage reports a handshake message sent or received.
func (c *Conn) traceMessage(dir trace.Direction, raw []byte, m wire.Message) {
	if !c.tracing() {
		return
	}
	if dir == trace.Sent {
		// Describe what went on the wire, extensions included, not the
		// struct it was built from.
		if parsed, err := wire.Parse(raw, c.vers != VersionTLS12); err == nil {
			m = parsed
		}
	}
	name, step, explain := describeMessage(m, c.isClient == (dir == trace.Sent))
	c.emit(trace.Event{
		Dir:     dir,
		Step:    step,
		Kind:    trace.KindMessage,
		Name:    name,
		Explain: explain,
		Fields:  messageFields(m),
		Raw:     raw,
		Layout:  messageLayout(raw, c.vers != VersionTLS12),
	})
}

// messageLayout maps every byte of a message to the field it belongs to,
// containers before their parts; a message it cannot walk to the end
// keeps the fields walked so far.
func messageLayout(raw []byte, tls13 bool) []trace.Field {
	spans, _ := wire.Annotate(raw, tls13)
	layout := make([]trace.Field, len(spans))
	for i, s := range spans {
		layout[i] = trace.Field{Name: s.Name, Value: s.Value, Start: s.Start, End: s.End}
	}
	return layout
}

// traceStep reports a local step: a check passed, a secret derived, keys
// installed, a parameter chosen.
func (c *Conn) traceStep(step trace.Step, kind trace.Kind, name, explain string, fields ...trace.Field) {
	if !c.tracing() {
		return
	}
	c.emit(trace.Event{Dir: trace.Local, Step: step, Kind: kind, Name: name, Explain: explain, Fields: fields})
}

func (c *Conn) traceAlert(dir trace.Direction, d alert.Description) {
	if !c.tracing() {
		return
	}
	explain := "The connection ends: " + d.String() + "."
	if d == alert.CloseNotify {
		explain = "An orderly close: no more data will be sent in this direction."
	}
	c.emit(trace.Event{
		Dir: dir, Step: trace.StepAlert, Kind: trace.KindAlert, Name: "Alert",
		Explain: explain,
		Fields:  []trace.Field{{Name: "description", Value: d.String()}},
	})
}

// field is shorthand for a trace field without a byte range.
func field(name, value string) trace.Field { return trace.Field{Name: name, Value: value} }
