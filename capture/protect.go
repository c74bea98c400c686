package capture

import (
	"fmt"

	"padlock/internal/keysched"
	"padlock/internal/suites"
	"padlock/trace"
)

// TLS 1.3 key log labels by sender: the client's first.
var (
	handshakeLabels   = [2]string{labelClientHandshake, labelServerHandshake}
	applicationLabels = [2]string{labelClientApplication, labelServerApplication}
)

// installHandshake13 keys both directions for the encrypted part of a
// TLS 1.3 handshake, which starts right after the ServerHello. A client
// still sending 0-RTT data switches later: at its EndOfEarlyData, or at
// its first record that opens only with the handshake keys (the server
// rejected the early data).
func (e *explainer) installHandshake13(r *record) {
	if o := e.open[0]; o != nil && o.early {
		e.pending, _ = e.opener13(0, e.kl.secret(e.clientRandom, labelClientHandshake), "handshake")
		e.install13(1, e.kl.secret(e.clientRandom, labelServerHandshake), "handshake", r)
		return
	}
	for from := range 2 {
		e.install13(from, e.kl.secret(e.clientRandom, handshakeLabels[from]), "handshake", r)
	}
}

// switchFromEarly moves the client from its early traffic keys to its
// handshake keys.
func (e *explainer) switchFromEarly(r *record) bool {
	if e.pending == nil {
		return false
	}
	e.open[0], e.pending = e.pending, nil
	e.keysEvent(0, "client handshake", true, r)
	return true
}

// openEarly tries the client's early traffic secret on r with each TLS
// 1.3 suite the ClientHello offered: the suite of 0-RTT is the one of the
// ticket, which the capture does not show, and only the right one opens.
func (e *explainer) openEarly(r *record) (*opener, uint8, []byte, bool) {
	secret := e.kl.secret(e.clientRandom, labelClientEarly)
	if secret == nil {
		return nil, 0, nil, false
	}
	for _, id := range e.offered13 {
		s := suites.SuiteByID(id)
		if s == nil || !s.TLS13 {
			continue
		}
		o, err := newOpener13(s, secret)
		if err != nil {
			continue
		}
		if typ, plain, err := o.open(r); err == nil {
			o.early = true
			return o, typ, plain, true
		}
	}
	return nil, 0, nil, false
}

// installApplication13 switches sender from to its application traffic
// keys after its Finished (RFC 8446 section 7.2).
func (e *explainer) installApplication13(from int, r *record) {
	e.install13(from, e.kl.secret(e.clientRandom, applicationLabels[from]), "application traffic", r)
}

// keyUpdate moves sender from to its next traffic secret (RFC 8446
// section 7.2).
func (e *explainer) keyUpdate(from int, r *record) {
	var next []byte
	if e.secret[from] != nil && e.suite != nil {
		next = keysched.NextTrafficSecret(e.suite.Hash, e.secret[from])
	}
	e.install13(from, next, "updated application traffic", r)
}

// install13 keys the records of sender from with secret, or marks them
// closed to padlock when there is none, and says so.
func (e *explainer) install13(from int, secret []byte, name string, r *record) {
	e.open[from], e.secret[from] = e.opener13(from, secret, name)
	e.keysEvent(from, sideName(from)+" "+name, e.open[from] != nil, r)
}

// opener13 keys the records of sender from with secret under the chosen
// suite, and returns it with the secret; nil for both when there is none.
func (e *explainer) opener13(from int, secret []byte, name string) (*opener, []byte) {
	if secret == nil || e.suite == nil || !e.suite.TLS13 {
		return nil, nil
	}
	o, err := newOpener13(e.suite, secret)
	if err != nil {
		e.note("the %s's %s keys: %v", sideName(from), name, err)
		return nil, nil
	}
	e.x.KeyLogged = true
	return o, secret
}

// changeCipherSpec explains a ChangeCipherSpec: in TLS 1.2 the sender's
// next records are protected; in TLS 1.3 it means nothing (it is sent
// only to look like TLS 1.2 to middleboxes, RFC 8446 appendix D.4).
func (e *explainer) changeCipherSpec(r *record) {
	ev := trace.Event{Side: side(r.from), Dir: trace.Sent, Kind: trace.KindMessage, Step: trace.StepKeyDerivation,
		Name: "ChangeCipherSpec", Raw: r.body,
		Explain: "From the next record on, the " + sideName(r.from) + " encrypts with the keys both sides derived."}
	// Before any ServerHello (after a HelloRetryRequest) it can only be
	// TLS 1.3's.
	compat := e.tls13 || e.serverRandom == nil
	if compat {
		ev.Explain = "Sent only so that TLS 1.3 looks like a resumed TLS 1.2 session to middleboxes; it changes nothing."
	}
	e.emit(ev, r)
	if compat || e.encrypted[r.from] {
		return
	}
	e.encrypted[r.from] = true
	e.open[r.from] = e.opener12(r.from)
	e.keysEvent(r.from, sideName(r.from)+" write", e.open[r.from] != nil, r)
}

// opener12 keys the TLS 1.2 records of sender from from the master
// secret the key log holds for the connection, or returns nil.
func (e *explainer) opener12(from int) *opener {
	master := e.kl.secret(e.clientRandom, labelClientRandom)
	if master == nil || e.suite == nil || e.suite.TLS13 || e.serverRandom == nil {
		return nil
	}
	o, err := newOpeners12(e.suite, master, e.clientRandom, e.serverRandom)
	if err != nil {
		e.note("the TLS 1.2 keys: %v", err)
		return nil
	}
	e.x.KeyLogged = true
	return o[from]
}

// keysEvent says that sender from now protects its records with the keys
// called name, and that its peer reads them with the same keys; and
// whether padlock holds them.
func (e *explainer) keysEvent(from int, name string, known bool, r *record) {
	sealed := "The key log holds it, so padlock opens them."
	if !known {
		sealed = "It never crosses the wire: without it (a key log) they stay sealed."
	}
	for _, v := range []struct {
		side      int
		direction string
		verb      string
	}{{from, "writing", "sends"}, {1 - from, "reading", "receives"}} {
		e.emit(trace.Event{Side: side(v.side), Dir: trace.Local, Step: trace.StepKeyDerivation, Kind: trace.KindKeys,
			Name:    name + " keys in use for " + v.direction,
			Explain: "From here on, records the " + sideName(v.side) + " " + v.verb + " are protected with the " + name + " key. " + sealed,
			Fields: []trace.Field{{Name: "keys", Value: name}, {Name: "direction", Value: v.direction},
				{Name: "in the key log", Value: fmt.Sprint(known)}}}, r)
	}
}

// protected opens an encrypted record when padlock holds its keys, and
// otherwise shows what an observer sees of it.
func (e *explainer) protected(r *record) {
	e.protectedSeen[r.from]++
	o := e.open[r.from]
	if o == nil && r.from == 0 && e.serverRandom == nil && len(e.offered13) > 0 {
		if eo, typ, plain, ok := e.openEarly(r); ok {
			e.open[0] = eo
			e.keysEvent(0, "client early traffic", true, r)
			e.x.Decrypted = true
			e.content(0, typ, plain, r)
			return
		}
	}
	if o == nil {
		e.sealed(r)
		return
	}
	typ, plain, err := o.open(r)
	if err != nil && o.early && e.switchFromEarly(r) {
		// The server rejected the early data: the client is on to its
		// handshake keys.
		o = e.open[0]
		typ, plain, err = o.open(r)
	}
	if err != nil {
		// A record that does not open leaves the sequence number where it
		// was: it is most likely 0-RTT data the server skipped (RFC 8446
		// section 4.2.10), which the receiver discards the same way.
		o.seq--
		if !e.openFailed[r.from] {
			e.openFailed[r.from] = true
			e.note("the %s's record at byte %d of its stream does not open with the key log's keys (%v); it may be 0-RTT early data the server skipped. It and any others that do not open are shown sealed", sideName(r.from), r.off, err)
		}
		e.sealed(r)
		return
	}
	e.x.Decrypted = true
	e.content(r.from, typ, plain, r)
}
