package keysched

import "crypto"

// Derivation is one step of a key schedule with its inputs and output,
// reported by a schedule made with NewSchedule13Revealed. It exists for
// teaching and debugging tools: the slices are the schedule's own and
// may be wiped after the call, so a receiver copies what it keeps.
type Derivation struct {
	Name    string // the output's name in RFC 8446, e.g. "handshake_secret"
	Func    string // "HKDF-Extract" or "Derive-Secret"
	Secret  []byte // Derive-Secret's Secret; HKDF-Extract's salt
	IKM     []byte // HKDF-Extract's input keying material
	Label   string // Derive-Secret's label, without "tls13 "
	Context []byte // Derive-Secret's transcript hash
	Output  []byte
}

// secretNames name the outputs of Derive-Secret by label, as the
// diagram of RFC 8446 section 7.1 does.
var secretNames = map[string]string{
	"ext binder":   "binder_key",
	"res binder":   "binder_key",
	"c e traffic":  "client_early_traffic_secret",
	"e exp master": "early_exporter_master_secret",
	"derived":      "derived",
	"c hs traffic": "client_handshake_traffic_secret",
	"s hs traffic": "server_handshake_traffic_secret",
	"c ap traffic": "client_application_traffic_secret_0",
	"s ap traffic": "server_application_traffic_secret_0",
	"exp master":   "exporter_master_secret",
	"res master":   "resumption_master_secret",
}

// stageSecretNames name the secret each stage of the schedule holds.
var stageSecretNames = [...]string{
	stageEarly:     "early_secret",
	stageHandshake: "handshake_secret",
	stageMaster:    "master_secret",
}

// NewSchedule13Revealed is NewSchedule13 for a schedule that reports
// every derivation, the Early Secret's first, to reveal. Only a caller
// that was explicitly asked to show secrets may use it.
func NewSchedule13Revealed(h crypto.Hash, psk []byte, reveal func(Derivation)) *Schedule13 {
	s := NewSchedule13(h, psk)
	s.reveal = reveal
	ikm := psk
	if len(ikm) == 0 {
		ikm = zeros[:h.Size()]
	}
	reveal(Derivation{Name: stageSecretNames[stageEarly], Func: "HKDF-Extract", Secret: zeros[:h.Size()], IKM: ikm, Output: s.secret})
	return s
}
