package main

import (
	"encoding/hex"
	"strings"

	"padlock/trace"
)

// maxRevealBytes is how much of a hex value demo --reveal shows before
// cutting it: enough for every secret and key block of TLS.
const maxRevealBytes = 80

// revealNote is what demo --reveal says about the secrets it shows.
const revealNote = "With --reveal, every secret and key is shown as it is derived, with the inputs of the function that made it, and each record with the nonce that sealed it. " +
	"The demo can show them only because both sides belong to it and its keys are thrown away when it ends: padlock connect and serve never show secrets (--keylog writes them, for Wireshark)."

// revealSecret is both sides' Config.RevealSecrets: it shows one
// secret as a step of the trace, where it was derived, unless the other
// side derived it first.
func (d *demoRun) revealSecret(s trace.Secret) {
	key := s.Name + " " + hex.EncodeToString(s.Value)
	d.revealedMu.Lock()
	seen := d.revealed[key]
	if d.revealed == nil {
		d.revealed = map[string]bool{}
	}
	d.revealed[key] = true
	d.revealedMu.Unlock()
	if !seen {
		// The diagram shows the messages; the secrets stay in the text.
		d.tracer.trace(secretEvent(s), false)
	}
}

// secretEvent is a revealed secret as a local step of the demo's trace:
// the function and its inputs, the value, and its key log label. Only
// the demo makes such events; the library's never hold a secret.
func secretEvent(s trace.Secret) trace.Event {
	names := make([]string, len(s.Inputs))
	for i, in := range s.Inputs {
		names[i] = in.Name
	}
	explain := s.Name + " = " + s.Func + "(" + strings.Join(names, ", ") + ")"
	switch s.Func {
	case "Derive-Secret":
		explain = s.Name + " = Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Length) (RFC 8446 section 7.1)"
	case "HKDF-Extract":
		explain += " (RFC 8446 section 7.1)"
	}
	if s.Func == "key_block slice" {
		explain = s.Name + " is bytes " + s.Input("bytes") + " of key_block (RFC 5246 section 6.3)"
	} else if s.Func == "key exchange" {
		explain = "pre_master_secret, the key exchange's result, which the PRF turns into master_secret"
	}
	f := append([]trace.Field(nil), s.Inputs...)
	f = append(f, trace.Field{Name: "value", Value: hex.EncodeToString(s.Value)})
	if s.KeyLog != "" {
		f = append(f, trace.Field{Name: "key log", Value: s.KeyLog})
	}
	return trace.Event{
		Conn: s.Conn, Side: s.Side, Dir: trace.Local, Step: trace.StepKeyDerivation, Kind: trace.KindSecret,
		Name: "revealed " + s.Name, Explain: explain, Fields: f,
	}
}
