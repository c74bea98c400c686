package trace

// Secret is one value of a connection's key schedule as it is derived:
// a secret, a traffic key or IV, with the function and the inputs that
// produced it. padlock hands Secrets only to Config.RevealSecrets, an
// explicit opt-in for teaching and debugging tools that own both ends of
// a connection; they never appear in an Event.
type Secret struct {
	Conn uint64 // the connection, as Event.Conn
	Side Side   // the party that derived it
	// Name is the value's name in the RFC, such as "handshake_secret",
	// "client_handshake_traffic_secret", "client_write_key" or
	// "master_secret".
	Name string
	// Func is how it was computed: "HKDF-Extract", "Derive-Secret",
	// "HKDF-Expand-Label" (RFC 8446 section 7.1) or "PRF" (RFC 5246
	// section 5).
	Func string
	// Inputs are the function's arguments in the RFC's order and words:
	// "salt" and "IKM" for HKDF-Extract; "Secret", "Label" and
	// "Context" (a transcript hash) for the expansions; "secret",
	// "label" and "seed" for the PRF. Byte values are in hex.
	Inputs []Field
	// KeyLog is the NSS key log label under which the value is also
	// logged (Config.KeyLogWriter), or "" when it is not logged.
	KeyLog string
	Value  []byte // the output; the receiver's to keep
}

// Input returns the value of the input named name, or "".
func (s *Secret) Input(name string) string {
	for _, f := range s.Inputs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
