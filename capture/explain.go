package capture

import (
	"fmt"

	"padlock/internal/suites"
	"padlock/trace"
)

// MaxDataKept bounds the decrypted application data kept per sender in
// an Explanation; the events show the start of each run of it.
const MaxDataKept = 1 << 20

// Explanation is one TLS connection of a capture, explained.
type Explanation struct {
	Conn *Conn
	// Events are the connection's steps, in the order they crossed the
	// wire, from both sides' point of view as padlock traces both sides
	// of its own connections: each message as its sender sent it (Dir
	// trace.Sent) and, right after, as the other side received it
	// (trace.Received; trace's renderers show the two once), and each
	// side's local steps (keys in use for writing and for reading, what
	// was negotiated). Event.Conn is Conn.ID; Event.Time counts from the
	// connection's first packet.
	Events []trace.Event
	// Version and CipherSuite are what the ServerHello chose; zero when
	// the capture does not hold it.
	Version, CipherSuite uint16
	ServerName           string // from the ClientHello, when it has one
	ALPN                 string // the protocol the server chose, when seen
	// KeyLogged reports whether the key log held this connection's
	// secrets; Decrypted, whether records were opened with them.
	KeyLogged, Decrypted bool
	// Data holds the decrypted application data each side sent: [0] the
	// client's, [1] the server's, up to MaxDataKept bytes each.
	Data [2][]byte
	// Notes say what could not be read or opened, and why.
	Notes []string
	// Observer lists what anyone on the path sees of the connection;
	// Hidden, what the encryption keeps from them.
	Observer, Hidden []string
}

// Explain explains every TLS connection of c, using the secrets of kl
// when it is not nil. Connections that carry no TLS are left out.
func (c *Capture) Explain(kl *KeyLog) []*Explanation {
	var out []*Explanation
	for _, conn := range c.Conns {
		if x, ok := conn.Explain(kl); ok {
			out = append(out, x)
		}
	}
	return out
}

// Explain explains the TLS in c, using the secrets of kl when it is not
// nil; it reports false when neither side sent a TLS record.
func (c *Conn) Explain(kl *KeyLog) (*Explanation, bool) {
	x := &Explanation{Conn: c, Notes: append([]string(nil), c.Notes...)}
	var recs [2][]record
	found := false
	for from, s := range []*Stream{c.ToServer, c.ToClient} {
		who := sideName(from)
		start, ok := findRecords(s.Data, s.FromStart)
		if !ok {
			continue
		}
		found = true
		if start > 0 {
			x.Notes = append(x.Notes, fmt.Sprintf("the first %d bytes the capture holds of the %s's stream are the end of a record whose start it missed; they are skipped", start, who))
		}
		var notes []string
		recs[from], notes = splitRecords(s, from, start, who)
		x.Notes = append(x.Notes, notes...)
	}
	if !found {
		return nil, false
	}
	if c.guessedDir {
		x.Notes = append(x.Notes, "which side is the client is a guess (the higher port): the capture holds neither the SYN nor a ClientHello")
	}
	e := &explainer{x: x, kl: kl}
	for _, r := range mergeRecords(recs[0], recs[1]) {
		e.record(&r)
	}
	e.finish()
	x.Events = withReceipts(x.Events)
	return x, true
}

// withReceipts adds after each event sent its receipt by the other side.
func withReceipts(events []trace.Event) []trace.Event {
	out := make([]trace.Event, 0, 2*len(events))
	for _, ev := range events {
		out = append(out, ev)
		if ev.Dir == trace.Sent {
			ev.Side, ev.Dir = 1-ev.Side, trace.Received
			out = append(out, ev)
		}
	}
	return out
}

// explainer walks one connection's records in order, as both parties
// would read them.
type explainer struct {
	x  *Explanation
	kl *KeyLog

	clientRandom, serverRandom []byte
	tls13                      bool // the ServerHello chose TLS 1.3
	suite                      *suites.Suite
	hs                         [2][]byte    // handshake bytes awaiting a whole message, per sender
	encrypted                  [2]bool      // TLS 1.2: the sender sent ChangeCipherSpec
	open                       [2]*opener   // nil: records of that sender cannot be opened
	secret                     [2][]byte    // TLS 1.3: the sender's current traffic secret
	openFailed                 [2]bool      // a note was given for a record that did not open
	protectedSeen              [2]int       // protected records seen per sender
	sawHello                   bool         // a ClientHello is in the capture
	certSubject                string       // TLS 1.2: the server certificate, in the clear
	last                       *trace.Event // the last event, for merging runs of data
	run                        []byte       // the start of the last run of data, as its event quotes it
	offered13                  []uint16     // the ClientHello's suites, for 0-RTT's
	pending                    *opener      // the client's handshake keys, while it still sends 0-RTT data
	sent                       [2]int       // record bytes on the wire per sender
}

// sideName names sender from: 0 the client, 1 the server.
func sideName(from int) string {
	if from == 0 {
		return "client"
	}
	return "server"
}

// emit stamps ev with the connection and the time of r, and adds it.
func (e *explainer) emit(ev trace.Event, r *record) {
	ev.Conn = uint64(e.x.Conn.ID)
	if r != nil && !r.t.IsZero() && !e.x.Conn.Start.IsZero() {
		ev.Time = max(r.t.Sub(e.x.Conn.Start), 0)
	}
	e.x.Events = append(e.x.Events, ev)
	e.last = &e.x.Events[len(e.x.Events)-1]
}

// note adds a note about the connection.
func (e *explainer) note(format string, args ...any) {
	e.x.Notes = append(e.x.Notes, fmt.Sprintf(format, args...))
}

// record handles one record, as its receiver would.
func (e *explainer) record(r *record) {
	e.sent[r.from] += len(r.header) + len(r.body)
	switch {
	case r.typ == recordChangeCipherSpec:
		e.changeCipherSpec(r)
	case r.typ == recordApplicationData, e.encrypted[r.from]:
		// TLS never sends application data in the clear: before any
		// keys, such a record is 0-RTT early data.
		e.protected(r)
	default:
		e.content(r.from, r.typ, r.body, r)
	}
}

// content handles the plaintext of a record of type typ.
func (e *explainer) content(from int, typ uint8, body []byte, r *record) {
	switch typ {
	case recordHandshake:
		e.handshake(from, body, r)
	case recordAlert:
		e.alert(from, body, r)
	case recordApplicationData:
		e.data(from, body, r)
	default:
		e.note("the %s sent a record of type %d (%d bytes), which padlock does not explain", sideName(from), typ, len(body))
	}
}

// side is trace's name for sender from.
func side(from int) trace.Side {
	if from == 0 {
		return trace.Client
	}
	return trace.Server
}
