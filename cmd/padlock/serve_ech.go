package main

import (
	"padlock"
	"padlock/internal/wire"
)

// ECH statuses of a visit, as /api/handshake names them.
const (
	echStatusAccepted     = "accepted"      // the server opened the ClientHelloInner
	echStatusNotDecrypted = "not_decrypted" // an outer ECH extension no key opened
	echStatusNone         = "none"          // no encrypted_client_hello at all
)

// echVisit is what Encrypted Client Hello did for a visitor: whether
// their client used it, and what it hid from the network.
type echVisit struct {
	// Status is "accepted", "not_decrypted" (GREASE ECH, or a real ECH
	// for a key this server does not hold: the two look the same to the
	// server) or "none".
	Status string `json:"status"`
	// OuterServerName is the SNI of the ClientHello the network saw: with
	// ECH accepted, the config's public name.
	OuterServerName string `json:"outer_server_name"`
	// InnerServerName is, with ECH accepted, the name the visitor really
	// asked for, which only the server saw.
	InnerServerName string `json:"inner_server_name,omitempty"`
	// Explanation says the same in plain words.
	Explanation string `json:"explanation"`
}

// newECHVisit reads a visit's ECH from its state and the outer
// ClientHello (nil if unknown); serving says whether the server has
// ECH keys.
func newECHVisit(st padlock.ConnectionState, outer *wire.ClientHello, serving bool) echVisit {
	v := echVisit{Status: echStatusNone}
	if outer != nil {
		v.OuterServerName = outer.ServerName
	}
	switch {
	case st.ECHAccepted:
		v.Status, v.InnerServerName = echStatusAccepted, st.ServerName
		v.Explanation = "Your client used Encrypted Client Hello: the network saw only the public name " + quoteOrNone(v.OuterServerName) +
			"; the name you asked for, " + quoteOrNone(v.InnerServerName) + ", and the rest of your real ClientHello travelled encrypted to this server's ECH key."
	case outer != nil && outer.ECH != nil:
		v.Status = echStatusNotDecrypted
		v.Explanation = "Your client sent GREASE ECH: an encrypted_client_hello extension of random bytes, so that clients that do use ECH do not stand out. " +
			"(A real ECH for a key this server does not hold would look the same from here"
		if serving {
			v.Explanation += "; the server answered with its current ECH config, so such a client can retry with it"
		}
		v.Explanation += ".) The network saw your server name " + quoteOrNone(v.OuterServerName) + " in the clear."
	default:
		v.Explanation = "Your client sent no encrypted_client_hello: the network saw your server name " + quoteOrNone(v.OuterServerName) + " in the clear, with the rest of your ClientHello."
	}
	return v
}

// quoteOrNone quotes a name, or says there was none.
func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return `"` + s + `"`
}
