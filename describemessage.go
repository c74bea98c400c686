package padlock

import (
	"padlock/internal/wire"
	"padlock/trace"
)

// DescribeMessage explains the handshake message raw, header included, as
// sender sent it: the event padlock's own tracer would emit for it, with
// its name, step, explanation, parsed fields and byte map, Dir Sent and
// Kind KindMessage. tls13 chooses the TLS 1.3 form of the messages whose
// form depends on the version (Certificate, CertificateRequest,
// NewSessionTicket). It lets a program explain handshakes padlock did
// not take part in, such as those of a packet capture.
//
// A message that does not parse fails with the decode error; the event
// then still carries the raw bytes and as much of the byte map as could
// be walked.
func DescribeMessage(raw []byte, sender trace.Side, tls13 bool) (trace.Event, error) {
	e := trace.Event{Side: sender, Dir: trace.Sent, Kind: trace.KindMessage, Raw: raw, Layout: messageLayout(raw, tls13)}
	m, err := wire.Parse(raw, tls13)
	if err != nil {
		e.Name = "handshake message"
		if len(raw) > 0 {
			e.Name = wire.TypeName(raw[0])
		}
		return e, err
	}
	e.Name, e.Step, e.Explain = describeMessage(m, sender == trace.Client)
	e.Fields = messageFields(m)
	return e, nil
}
