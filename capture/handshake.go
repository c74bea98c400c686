package capture

import (
	"crypto/x509"

	"padlock"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// maxHandshakeMessage bounds a handshake message being assembled from
// records; TLS implementations use limits of this order.
const maxHandshakeMessage = 1 << 18

// handshake adds a record's handshake bytes to the sender's and explains
// each message that is now whole (messages may span records, and a
// record may hold several; RFC 8446 section 5.1).
func (e *explainer) handshake(from int, body []byte, r *record) {
	buf := append(e.hs[from], body...)
	for {
		n, ok := wire.SplitMessage(buf)
		if !ok || len(buf) < n {
			break
		}
		e.message(from, append([]byte(nil), buf[:n]...), r)
		buf = buf[n:]
	}
	if n, ok := wire.SplitMessage(buf); ok && n > maxHandshakeMessage {
		e.note("the %s sent a handshake message of %d bytes, more than padlock reads; it and the rest of the %s's handshake are skipped", sideName(from), n, sideName(from))
		buf = nil
	}
	e.hs[from] = append([]byte(nil), buf...)
}

// message explains one handshake message and takes from it what the
// rest of the connection needs: randoms, version, suite, key changes.
func (e *explainer) message(from int, raw []byte, r *record) {
	ev, err := padlock.DescribeMessage(raw, side(from), e.tls13)
	if err != nil {
		e.note("the %s's %s does not parse: %v", sideName(from), ev.Name, err)
	}
	e.emit(ev, r)
	if err != nil {
		return
	}
	m, _ := wire.Parse(raw, e.tls13)
	switch m := m.(type) {
	case *wire.ClientHello:
		e.sawHello = true
		e.clientRandom = m.Random
		e.x.ServerName = m.ServerName
		if m.EarlyData {
			e.offered13 = m.CipherSuites
		}
	case *wire.ServerHello:
		e.serverHello(m, r)
	case *wire.EncryptedExtensions:
		e.x.ALPN = m.ALPNProtocol
	case *wire.Certificate12:
		if from == 1 && len(m.Certificates) > 0 {
			if c, err := x509.ParseCertificate(m.Certificates[0]); err == nil {
				e.certSubject = c.Subject.String()
			}
		}
	case *wire.Finished:
		if e.tls13 {
			e.installApplication13(from, r)
		}
	case *wire.EndOfEarlyData:
		e.switchFromEarly(r)
	case *wire.KeyUpdate:
		if e.tls13 {
			e.keyUpdate(from, r)
		}
	}
}

// serverHello takes the server's choices. A HelloRetryRequest chooses
// nothing yet: a second ClientHello and ServerHello follow.
func (e *explainer) serverHello(m *wire.ServerHello, r *record) {
	if m.IsHelloRetryRequest() {
		return
	}
	e.serverRandom = m.Random
	e.x.CipherSuite = m.CipherSuite
	e.x.Version = m.Vers
	if m.SupportedVersion != 0 {
		e.x.Version = m.SupportedVersion
	}
	if m.ALPNProtocol != "" {
		e.x.ALPN = m.ALPNProtocol
	}
	e.suite = suites.SuiteByID(m.CipherSuite)
	e.emit(trace.Event{Side: trace.Server, Dir: trace.Local, Step: trace.StepServerHello, Kind: trace.KindNegotiated,
		Name:    "version and cipher suite chosen",
		Explain: "What the server picked from the client's offer, in the clear for anyone on the path to read.",
		Fields: []trace.Field{
			{Name: "version", Value: padlock.VersionName(e.x.Version)},
			{Name: "cipher suite", Value: padlock.CipherSuiteName(m.CipherSuite)},
		}}, r)
	if e.suite == nil && e.kl != nil {
		e.note("the cipher suite %s is not one padlock implements: its records cannot be decrypted", padlock.CipherSuiteName(m.CipherSuite))
	}
	if e.x.Version == padlock.VersionTLS13 {
		e.tls13 = true
		e.installHandshake13(r)
	}
}
