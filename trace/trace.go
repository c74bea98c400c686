// Package trace describes what a TLS handshake does, step by step, as
// values that a program can print, store, render or serve.
//
// padlock feeds a Tracer (Config.Trace) with one Event for every handshake
// message sent or received, and for every decision taken between messages:
// a certificate chain verified, a secret derived, keys installed, an alert.
// Events carry the parsed fields and the raw bytes of each message, but
// never a secret value: keys go only to the key log, and only when the user
// asks for one (Config.KeyLogWriter), or, as Secret values, to a teaching
// tool that asked for them (Config.RevealSecrets). With
// Config.TraceRecords a Tracer also gets one event per record, of
// KindRecord, with the record's bytes, its nonce and its decrypted
// content.
//
// With no tracer configured padlock builds no events, so tracing costs
// nothing unless it is used.
package trace

import (
	"sync"
	"time"
)

// Side is the party whose view an event describes.
type Side uint8

// The two parties of a connection.
const (
	Client Side = iota
	Server
)

// String returns "client" or "server".
func (s Side) String() string {
	if s == Client {
		return "client"
	}
	return "server"
}

// Direction says whether an event is a message that crossed the wire, and
// which way, or a step that happened inside one party.
type Direction uint8

// The directions of an event.
const (
	Sent     Direction = iota // the party wrote a message to its peer
	Received                  // the party read a message from its peer
	Local                     // a computation or decision inside the party
)

// String returns "sent", "received" or "local".
func (d Direction) String() string {
	switch d {
	case Sent:
		return "sent"
	case Received:
		return "received"
	}
	return "local"
}

// Step is the stage of the handshake an event belongs to, in the terms an
// explanation of TLS uses.
type Step uint8

// The stages of a handshake.
const (
	StepHello           Step = iota // the client's offer: ClientHello
	StepServerHello                 // the server's choice: ServerHello, HelloRetryRequest, EncryptedExtensions
	StepCertificate                 // certificates, their verification, CertificateVerify
	StepKeyExchange                 // key shares, ServerKeyExchange, ClientKeyExchange
	StepKeyDerivation               // secrets derived and keys installed
	StepFinished                    // the Finished messages that confirm the handshake
	StepApplicationData             // protected application data and post-handshake messages
	StepAlert                       // alerts sent or received
	StepResumption                  // session tickets and resumed sessions
	StepRecord                      // the record layer under the handshake and the data
)

var stepNames = [...]string{
	StepHello:           "hello",
	StepServerHello:     "server hello",
	StepCertificate:     "certificate",
	StepKeyExchange:     "key exchange",
	StepKeyDerivation:   "key derivation",
	StepFinished:        "finished",
	StepApplicationData: "application data",
	StepAlert:           "alert",
	StepResumption:      "resumption",
	StepRecord:          "record",
}

// String returns the step's name, such as "key exchange".
func (s Step) String() string {
	if int(s) < len(stepNames) {
		return stepNames[s]
	}
	return "unknown"
}

// Kind says what sort of thing an event records.
type Kind uint8

// The kinds of event.
const (
	KindMessage    Kind = iota // a handshake message (or ChangeCipherSpec) sent or received
	KindVerified               // a check passed: certificate chain, signature, Finished
	KindSecret                 // a secret was derived (its name only, never its value)
	KindKeys                   // traffic keys were installed for one direction
	KindNegotiated             // a parameter was decided: version, suite, group, ...
	KindAlert                  // an alert was sent or received
	KindData                   // application data crossed the connection
	KindInfo                   // anything else worth telling
	KindWarning                // something that weakens the connection's security
	// KindRecord is one record as it crossed the wire, with what it
	// carried (Config.TraceRecords): Raw is the record, Layout its
	// header, nonce, encrypted_record and tag, Fields its values and its
	// decrypted content. Renderers show it briefly unless asked for bytes.
	KindRecord
)

var kindNames = [...]string{
	KindMessage:    "message",
	KindVerified:   "verified",
	KindSecret:     "secret",
	KindKeys:       "keys",
	KindNegotiated: "negotiated",
	KindAlert:      "alert",
	KindData:       "data",
	KindInfo:       "info",
	KindWarning:    "warning",
	KindRecord:     "record",
}

// String returns the kind's name, such as "message".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Field is one named value of an event, such as a message field. Start
// and End give the byte range of the field in the event's Raw bytes when
// it has one (End > Start); both are zero otherwise.
type Field struct {
	Name  string
	Value string
	Start int
	End   int
}

// Event is one step of a handshake, as one party saw it.
type Event struct {
	// Conn identifies the connection the event belongs to: unique per
	// connection in the process (padlock numbers them from 1 as they are
	// made), so that events of many connections traced into one Tracer
	// can be told apart. Zero when the event names no connection.
	Conn    uint64
	Time    time.Duration // since the handshake began
	Side    Side          // whose view this is
	Dir     Direction     // sent, received, or local
	Step    Step          // the stage of the handshake
	Kind    Kind          // what sort of event
	Name    string        // e.g. "ClientHello", "certificate chain verified"
	Explain string        // one sentence saying what this step is for
	Fields  []Field       // the parsed values, in wire order for messages
	Raw     []byte        // the message bytes as on the wire (messages only)
	// Layout is the byte map of Raw: every field of the message with its
	// byte range, in wire order, nested fields after their container.
	Layout []Field

	// detail, when set, computes Fields and Layout from Raw: see Defer.
	detail func(*Event)
}

// Defer returns e with its Fields and Layout left to be computed by
// detail, from its Raw bytes, when Complete is first called. A tracer that
// keeps every handshake but shows few of them (a server's page) so pays
// for parsing and mapping bytes only for the ones it shows: padlock's
// Config.TraceDetailOnDemand asks for such events.
func Defer(e Event, detail func(*Event)) Event {
	e.detail = detail
	return e
}

// Complete computes the Fields and Layout of an event Defer made and
// does nothing to another one. Recorder.Events, the renderers and
// MarshalJSON call it; a Tracer that reads Fields or Layout of events
// from a Config with TraceDetailOnDemand calls it first.
func (e *Event) Complete() {
	if d := e.detail; d != nil {
		e.detail = nil
		d(e)
	}
}

// Field returns the value of the first field named name, or "".
func (e *Event) Field(name string) string {
	for _, f := range e.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// Tracer receives the events of a connection, in order, from the
// goroutine that runs the handshake. It must not block for long.
type Tracer func(Event)

// Recorder collects the events of one or more connections. Its Trace
// method is a Tracer; it is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

// Trace records e.
func (r *Recorder) Trace(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// Events returns a copy of the events recorded so far, complete (see
// Event.Complete).
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.events {
		r.events[i].Complete()
	}
	return append([]Event(nil), r.events...)
}
