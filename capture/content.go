package capture

import (
	"fmt"
	"strconv"

	"padlock/internal/alert"
	"padlock/trace"
)

// maxDataShown is how much of a run of application data an event quotes.
const maxDataShown = 512

// alert explains an alert record (RFC 8446 section 6).
func (e *explainer) alert(from int, body []byte, r *record) {
	if len(body) != 2 {
		e.note("the %s sent an alert record of %d bytes (an alert is 2)", sideName(from), len(body))
		return
	}
	d := alert.Description(body[1])
	explain := "The connection ends: " + d.String() + "."
	switch {
	case d == alert.CloseNotify:
		explain = "An orderly close: the " + sideName(from) + " will send no more data."
	case body[0] == 1:
		explain = "A warning, " + d.String() + ": the connection may go on."
	}
	e.emit(trace.Event{Side: side(from), Dir: trace.Sent, Step: trace.StepAlert, Kind: trace.KindAlert,
		Name: "Alert", Explain: explain, Raw: body,
		Fields: []trace.Field{{Name: "level", Value: alertLevel(body[0])}, {Name: "description", Value: d.String()}}}, r)
}

func alertLevel(b byte) string {
	switch b {
	case 1:
		return "warning"
	case 2:
		return "fatal"
	}
	return strconv.Itoa(int(b))
}

// data shows decrypted (or, before any keys, plaintext) application
// data; consecutive records of one sender are one event, which quotes
// the first maxDataShown bytes of the run.
func (e *explainer) data(from int, plain []byte, r *record) {
	if keep := MaxDataKept - len(e.x.Data[from]); keep > 0 {
		e.x.Data[from] = append(e.x.Data[from], plain[:min(len(plain), keep)]...)
	}
	if l := e.last; l != nil && l.Kind == trace.KindData && l.Side == side(from) && l.Name == "application data" {
		e.run = append(e.run, plain[:min(len(plain), maxDataShown-len(e.run))]...)
		records, _ := strconv.Atoi(l.Field("records"))
		l.Fields = dataFields(e.run, records+1, lengthOf(l)+len(plain))
		return
	}
	e.run = append(e.run[:0], plain[:min(len(plain), maxDataShown)]...)
	e.emit(trace.Event{Side: side(from), Dir: trace.Sent, Step: trace.StepApplicationData, Kind: trace.KindData,
		Name:    "application data",
		Explain: "What the " + sideName(from) + " sent, decrypted with the key log's keys: on the wire it was sealed, and an observer sees only its size.",
		Fields:  dataFields(e.run, 1, len(plain))}, r)
}

// dataFields are the fields of a data event: the data quoted, its
// length and how many records carried it.
func dataFields(shown []byte, records, total int) []trace.Field {
	q := strconv.Quote(string(shown))
	if total > len(shown) {
		q += fmt.Sprintf(" … (%d more bytes)", total-len(shown))
	}
	return []trace.Field{{Name: "data", Value: q}, {Name: "length", Value: strconv.Itoa(total)}, {Name: "records", Value: strconv.Itoa(records)}}
}

func lengthOf(ev *trace.Event) int {
	n, _ := strconv.Atoi(ev.Field("length"))
	return n
}

// sealed shows a record padlock cannot open, as an observer sees it: its
// size, and what it must hold given where it comes.
func (e *explainer) sealed(r *record) {
	name, step, explain := e.sealedKind(r)
	size := len(r.header) + len(r.body)
	if l := e.last; l != nil && l.Kind == trace.KindData && l.Side == side(r.from) && l.Name == name {
		records, _ := strconv.Atoi(l.Field("records"))
		l.Fields = sealedFields(records+1, lengthOf(l)+size)
		return
	}
	e.emit(trace.Event{Side: side(r.from), Dir: trace.Sent, Step: step, Kind: trace.KindData,
		Name: name, Explain: explain, Fields: sealedFields(1, size)}, r)
}

func sealedFields(records, size int) []trace.Field {
	return []trace.Field{{Name: "records", Value: strconv.Itoa(records)}, {Name: "length", Value: strconv.Itoa(size)}}
}

// sealedKind names a sealed record by where it comes: in TLS 1.3 the
// server's records before the client's first sealed one are the rest of
// its handshake, and the client's first is its Finished; in TLS 1.2 each
// side's first after ChangeCipherSpec is its Finished.
func (e *explainer) sealedKind(r *record) (string, trace.Step, string) {
	who := sideName(r.from)
	first := e.protectedSeen[r.from] == 1
	switch {
	case e.sawHello && e.serverRandom == nil && r.from == 0:
		return "encrypted early data", trace.StepApplicationData,
			"0-RTT data the client sent with its ClientHello, encrypted with a key from an earlier session's ticket: an observer sees its size, not its content."
	case !e.tls13 && r.typ == recordAlert:
		return "encrypted alert", trace.StepAlert, "An alert, encrypted: an observer sees that the " + who + " sent one, not which."
	case e.tls13 && r.from == 1 && e.protectedSeen[0] == 0:
		return "encrypted handshake", trace.StepCertificate,
			"The rest of the server's handshake (EncryptedExtensions, Certificate, CertificateVerify, Finished), encrypted with the server handshake key: an observer sees only the records' sizes, not even the certificate."
	case first && (e.tls13 || e.encrypted[r.from]):
		return "encrypted Finished", trace.StepFinished,
			"The " + who + "'s Finished (and, in mutual TLS, its certificate), encrypted: an observer sees that the handshake went on, not its content."
	}
	return "encrypted application data", trace.StepApplicationData,
		"Application data sealed with the " + who + "'s traffic key: an observer sees its size and timing, not its content."
}
