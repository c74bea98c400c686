package padlock

import (
	"slices"

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

// emit stamps e with the connection, time and side and hands it to the tracer, or
// queues it until the flight is written (Config.TraceAfterFlight).
func (c *Conn) emit(e trace.Event) {
	e.Conn = c.id
	e.Time = c.config.now().Sub(c.start)
	e.Side = c.side()
	if c.traceQueue != nil {
		c.traceQueue.events = append(c.traceQueue.events, queuedEvent{e: e})
		return
	}
	c.config.Trace(e)
}

// traceMessage reports a handshake message sent or received. With
// Config.TraceAfterFlight only the time is taken now: the description,
// the costly part, is built when the queue is drained.
func (c *Conn) traceMessage(dir trace.Direction, raw []byte, m wire.Message) {
	if !c.tracing() {
		return
	}
	tls13 := c.vers != VersionTLS12
	if q := c.traceQueue; q != nil {
		e := trace.Event{Conn: c.id, Dir: dir, Time: c.config.now().Sub(c.start), Side: c.side()}
		q.events = append(q.events, queuedEvent{e: e, raw: raw, msg: m, tls13: tls13})
		return
	}
	c.config.Trace(c.messageEvent(trace.Event{Conn: c.id, Dir: dir, Time: c.config.now().Sub(c.start), Side: c.side()}, raw, m, tls13))
}

// messageEvent completes e, stamped with direction, time and side, with
// the description of the message raw, parsed as m, of TLS 1.3 or not.
func (c *Conn) messageEvent(e trace.Event, raw []byte, m wire.Message, tls13 bool) trace.Event {
	e = c.messageHead(e, raw, m, tls13)
	e.Complete()
	return e
}

// messageHead is messageEvent with the message's fields and byte map
// deferred (trace.Defer) until the event is completed: the name, step
// and explanation are cheap, parsing and mapping the bytes are not.
func (c *Conn) messageHead(e trace.Event, raw []byte, m wire.Message, tls13 bool) trace.Event {
	dir := e.Dir
	e.Name, e.Step, e.Explain = describeMessage(m, c.isClient == (dir == trace.Sent))
	e.Kind = trace.KindMessage
	e.Raw = raw
	return trace.Defer(e, func(e *trace.Event) {
		if dir == trace.Sent {
			// Describe what went on the wire, extensions included,
			// not the struct it was built from.
			if parsed, err := wire.Parse(raw, tls13); err == nil {
				m = parsed
			}
		}
		e.Fields = messageFields(m)
		e.Layout = messageLayout(raw, tls13)
	})
}

// traceQueue holds the events of a flight until it is on the wire
// (Config.TraceAfterFlight).
type traceQueue struct {
	events []queuedEvent
}

// queuedEvent is an event, stamped; for a message, its description is
// built when the queue is drained, from raw and msg.
type queuedEvent struct {
	e     trace.Event
	raw   []byte
	msg   wire.Message
	tls13 bool
}

// startTraceQueue makes the handshake queue its events, when the Config
// asks for it.
func (c *Conn) startTraceQueue() {
	if c.tracing() && c.config.TraceAfterFlight {
		c.traceQueue = &traceQueue{}
	}
}

// drainTrace hands the queued events to the tracer, in order; called
// once each flight is written and when the handshake ends. stop ends the
// queueing: later events go to the tracer at once.
func (c *Conn) drainTrace(stop bool) {
	q := c.traceQueue
	if q == nil {
		return
	}
	if stop {
		c.traceQueue = nil
	}
	for i := 0; i < len(q.events); i++ { // building an event may queue none, but be safe
		qe := q.events[i]
		switch {
		case qe.msg != nil && c.config.TraceDetailOnDemand:
			qe.e = c.messageHead(qe.e, qe.raw, qe.msg, qe.tls13)
		case qe.msg != nil:
			qe.e = c.messageEvent(qe.e, qe.raw, qe.msg, qe.tls13)
		}
		c.config.Trace(qe.e)
	}
	q.events = q.events[:0]
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
//
// The fields are copied, so that they do not escape: the compiler then
// builds the variadic slice on the caller's stack, and a handshake with
// no tracer allocates nothing for its trace. Callers whose arguments cost
// something to compute (concatenations, names looked up) check
// c.tracing() first.
func (c *Conn) traceStep(step trace.Step, kind trace.Kind, name, explain string, fields ...trace.Field) {
	if !c.tracing() {
		return
	}
	c.emit(trace.Event{Dir: trace.Local, Step: step, Kind: kind, Name: name, Explain: explain, Fields: slices.Clone(fields)})
}

func (c *Conn) traceAlert(dir trace.Direction, d alert.Description) {
	c.traceAlertEnds(dir, d, true)
}

// traceAlertEnds is traceAlert for an alert that may not end the
// connection: a warning, sent or received, that it goes on after.
func (c *Conn) traceAlertEnds(dir trace.Direction, d alert.Description, ends bool) {
	if !c.tracing() {
		return
	}
	explain := "The connection ends: " + d.String() + "."
	switch {
	case d == alert.CloseNotify:
		explain = "An orderly close: no more data will be sent in this direction."
	case !ends:
		explain = "A warning, " + d.String() + ": the connection goes on."
	}
	c.emit(trace.Event{
		Dir: dir, Step: trace.StepAlert, Kind: trace.KindAlert, Name: "Alert",
		Explain: explain,
		Fields:  []trace.Field{{Name: "description", Value: d.String()}},
	})
}

// field is shorthand for a trace field without a byte range.
func field(name, value string) trace.Field { return trace.Field{Name: name, Value: value} }
