package padlock

import (
	"crypto"
	"encoding/hex"
	"slices"
	"strconv"

	"padlock/internal/keysched"
	"padlock/trace"
)

// keyLogLabels are the NSS key log labels of the secrets that go to the
// key log, by their RFC names, so that a revealed secret says where it
// can be found there too.
var keyLogLabels = map[string]string{
	"client_early_traffic_secret":         keyLogClientEarly,
	"client_handshake_traffic_secret":     keyLogClientHandshake,
	"server_handshake_traffic_secret":     keyLogServerHandshake,
	"client_application_traffic_secret_0": keyLogClientTraffic,
	"server_application_traffic_secret_0": keyLogServerTraffic,
	"exporter_master_secret":              keyLogExporter,
}

// revealing reports whether the user asked to see the secrets
// (Config.RevealSecrets); when not, none is described.
func (c *Conn) revealing() bool { return c.config.RevealSecrets != nil }

// reveal hands one derived value to Config.RevealSecrets: the one place,
// with logKey, where a secret leaves padlock, and only on request. The
// value is copied, since the handshake wipes its own.
func (c *Conn) reveal(name, fn string, value []byte, inputs ...trace.Field) {
	c.revealLogged(keyLogLabels[name], name, fn, value, inputs...)
}

// revealLogged is reveal for a value the key log has under label.
func (c *Conn) revealLogged(label, name, fn string, value []byte, inputs ...trace.Field) {
	if !c.revealing() {
		return
	}
	c.config.RevealSecrets(trace.Secret{
		Conn: c.id, Side: c.side(), Name: name, Func: fn, Inputs: inputs,
		KeyLog: label, Value: append([]byte(nil), value...),
	})
}

// hexInput is a byte input of a revealed derivation.
func hexInput(name string, b []byte) trace.Field {
	return trace.Field{Name: name, Value: hex.EncodeToString(b)}
}

// newSchedule13 starts a TLS 1.3 key schedule that reveals its steps
// when the user asked for them.
func (c *Conn) newSchedule13(h crypto.Hash, psk []byte) *keysched.Schedule13 {
	if !c.revealing() {
		return keysched.NewSchedule13(h, psk)
	}
	return keysched.NewSchedule13Revealed(h, psk, func(d keysched.Derivation) {
		if d.Func == "HKDF-Extract" {
			c.reveal(d.Name, d.Func, d.Output, hexInput("salt", d.Secret), hexInput("IKM", d.IKM))
			return
		}
		// Derive-Secret is HKDF-Expand-Label(Secret, Label,
		// Transcript-Hash(Messages), Hash.length): Length says so.
		c.reveal(d.Name, d.Func, d.Output, hexInput("Secret", d.Secret),
			trace.Field{Name: "Label", Value: strconv.Quote(d.Label)}, hexInput("Messages hash", d.Context),
			trace.Field{Name: "Length", Value: strconv.Itoa(len(d.Output))})
	})
}

// revealTrafficKeys reveals the key and IV derived from the traffic
// secret called name (RFC 8446 section 7.3).
func (c *Conn) revealTrafficKeys(name string, secret, key, iv []byte) {
	if !c.revealing() {
		return
	}
	for _, k := range []struct {
		label string
		b     []byte
	}{{"key", key}, {"iv", iv}} {
		c.reveal(name+" write_"+k.label, "HKDF-Expand-Label", k.b, hexInput("Secret", secret),
			trace.Field{Name: "Label", Value: strconv.Quote(k.label)}, trace.Field{Name: "Context", Value: `""`},
			trace.Field{Name: "Length", Value: strconv.Itoa(len(k.b))})
	}
}

// revealUpdate reveals the next application traffic secret of sender,
// derived from the current one for a KeyUpdate (RFC 8446 section 7.2).
func (c *Conn) revealUpdate(sender string, current, next []byte) {
	if !c.revealing() {
		return
	}
	c.reveal(sender+"_application_traffic_secret_N+1", "HKDF-Expand-Label", next, hexInput("Secret", current),
		trace.Field{Name: "Label", Value: `"traffic upd"`}, trace.Field{Name: "Context", Value: `""`},
		trace.Field{Name: "Length", Value: strconv.Itoa(len(next))})
}

// revealMaster12 reveals the TLS 1.2 premaster secret and the master
// secret made from it with the PRF (RFC 5246 section 8.1, RFC 7627
// section 4), given the PRF's label and seed.
func (c *Conn) revealMaster12(premaster, master []byte, label string, seed ...[]byte) {
	if !c.revealing() {
		return
	}
	c.reveal("pre_master_secret", "key exchange", premaster)
	c.revealLogged(keyLogTLS12, "master_secret", "PRF", master, hexInput("secret", premaster),
		trace.Field{Name: "label", Value: strconv.Quote(label)}, hexInput("seed", slices.Concat(seed...)))
}

// revealKeyBlock12 reveals the TLS 1.2 key block and the keys and IVs
// cut from it (RFC 5246 section 6.3). master is nil when the conn no
// longer holds the master secret, revealed above it anyway.
func (c *Conn) revealKeyBlock12(master []byte, ck, sk, civ, siv []byte) {
	if !c.revealing() {
		return
	}
	secret := trace.Field{Name: "secret", Value: "master_secret"}
	if master != nil {
		secret = hexInput("secret", master)
	}
	c.reveal("key_block", "PRF", slices.Concat(ck, sk, civ, siv), secret,
		trace.Field{Name: "label", Value: `"key expansion"`}, hexInput("seed", slices.Concat(c.random[1][:], c.random[0][:])))
	off := 0
	for _, p := range []struct {
		name string
		b    []byte
	}{{"client_write_key", ck}, {"server_write_key", sk}, {"client_write_IV", civ}, {"server_write_IV", siv}} {
		c.reveal(p.name, "key_block slice", p.b,
			trace.Field{Name: "bytes", Value: strconv.Itoa(off) + "-" + strconv.Itoa(off+len(p.b)-1)})
		off += len(p.b)
	}
}

// resumptionPSK derives the PSK a NewSessionTicket with ticket_nonce
// nonce stands for (RFC 8446 section 4.6.1), revealing it when asked.
func (c *Conn) resumptionPSK(h crypto.Hash, resumptionMaster, nonce []byte) []byte {
	psk := keysched.ResumptionPSK(h, resumptionMaster, nonce)
	if c.revealing() {
		c.reveal("PSK (resumption)", "HKDF-Expand-Label", psk, hexInput("Secret", resumptionMaster),
			trace.Field{Name: "Label", Value: `"resumption"`}, trace.Field{Name: "Context", Value: hex.EncodeToString(nonce)},
			trace.Field{Name: "Length", Value: strconv.Itoa(len(psk))})
	}
	return psk
}
