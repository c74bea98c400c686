package keysched

import (
	"crypto"
	"sync"
)

// stage is the secret a Schedule13 currently holds.
type stage uint8

const (
	stageNone      stage = iota // zero Schedule13: not made by NewSchedule13
	stageEarly                  // Early Secret
	stageHandshake              // Handshake Secret
	stageMaster                 // Master Secret
	stageErased                 // none any more: see Erase
)

var stageNames = [...]string{
	stageNone:      "no secret (use NewSchedule13)",
	stageEarly:     "the Early Secret",
	stageHandshake: "the Handshake Secret",
	stageMaster:    "the Master Secret",
	stageErased:    "no secret (erased after its last use)",
}

// Schedule13 walks the TLS 1.3 key schedule of RFC 8446 section 7.1 one
// stage at a time: NewSchedule13 computes the Early Secret, SetSharedSecret
// the Handshake Secret, DeriveMaster the Master Secret. Each derivation
// method needs the schedule to be at its stage; calling one earlier or
// later, or advancing out of order, panics, since only a bug in the
// handshake code can do that.
//
// Each stage's secret is erased when the next one is derived, as section
// 7.1 recommends, and the last one by Erase once the handshake has derived
// all it needs. The traffic secrets returned are the caller's to keep.
type Schedule13 struct {
	hash   crypto.Hash
	stage  stage
	secret []byte           // the secret of the current stage
	exp    *expander        // derives from secret
	noPSK  bool             // the Early Secret is the constant of a full handshake
	reveal func(Derivation) // nil unless made by NewSchedule13Revealed
}

// NewSchedule13 starts a key schedule for hash h and computes the Early
// Secret, HKDF-Extract(0, PSK). A nil or empty psk stands for the zero
// PSK (Hash.length zero bytes) used when no PSK is negotiated.
func NewSchedule13(h crypto.Hash, psk []byte) *Schedule13 {
	if len(psk) == 0 {
		if c := noPSKConstants(h); c != nil {
			s := &Schedule13{hash: h, stage: stageEarly, noPSK: true, secret: append([]byte(nil), c.early...)}
			s.exp = newExpander(h, s.secret)
			return s
		}
		psk = zeros[:h.Size()]
	}
	s := &Schedule13{hash: h, stage: stageEarly, secret: extract(h, zeros[:h.Size()], psk)}
	s.exp = newExpander(h, s.secret)
	return s
}

// noPSK are the first two secrets of a handshake without a PSK, which
// depend only on the hash: the Early Secret, HKDF-Extract(0, 0), and
// Derive-Secret(Early Secret, "derived", ""). Every full handshake needs
// them; they are computed once per hash.
type noPSK struct{ early, derived []byte }

var (
	noPSK256, noPSK384 = sync.OnceValue(func() *noPSK { return makeNoPSK(crypto.SHA256) }),
		sync.OnceValue(func() *noPSK { return makeNoPSK(crypto.SHA384) })
)

func makeNoPSK(h crypto.Hash) *noPSK {
	early := extract(h, zeros[:h.Size()], zeros[:h.Size()])
	return &noPSK{early, DeriveSecret(h, early, "derived", emptyHash(h))}
}

// noPSKConstants returns the constants of hash h, nil for a hash no
// cipher suite uses.
func noPSKConstants(h crypto.Hash) *noPSK {
	switch h {
	case crypto.SHA256:
		return noPSK256()
	case crypto.SHA384:
		return noPSK384()
	}
	return nil
}

// Hash returns the cipher suite hash the schedule was made with.
func (s *Schedule13) Hash() crypto.Hash { return s.hash }

// need panics unless the schedule is at stage want; name is the method.
func (s *Schedule13) need(want stage, name string) {
	if s.stage != want {
		panic("keysched: Schedule13." + name + " needs " + stageNames[want] +
			" but the schedule holds " + stageNames[s.stage])
	}
}

// advance replaces the current secret by HKDF-Extract(Derive-Secret(.,
// "derived", ""), ikm) and erases the old one. A nil or empty ikm stands
// for the 0-value.
func (s *Schedule13) advance(ikm []byte) {
	var derived []byte
	if s.stage == stageEarly && s.noPSK {
		derived = append([]byte(nil), noPSKConstants(s.hash).derived...)
		if s.reveal != nil {
			s.reveal(Derivation{Name: "derived", Func: "Derive-Secret", Secret: s.secret, Label: "derived", Context: emptyHash(s.hash), Output: derived})
		}
	} else {
		derived = s.derive("derived", emptyHash(s.hash))
	}
	if len(ikm) == 0 {
		ikm = zeros[:s.hash.Size()]
	}
	next := extract(s.hash, derived, ikm)
	if s.reveal != nil {
		s.reveal(Derivation{Name: stageSecretNames[s.stage+1], Func: "HKDF-Extract", Secret: derived, IKM: ikm, Output: next})
	}
	clear(derived)
	clear(s.secret)
	s.secret = next
	s.exp = newExpander(s.hash, next)
	s.stage++
}

// derive is Derive-Secret(current secret, label, Messages), given the
// transcript hash of the Messages.
func (s *Schedule13) derive(label string, transcriptHash []byte) []byte {
	out := s.exp.expandNew(label, transcriptHash, s.hash.Size())
	if s.reveal != nil {
		s.reveal(Derivation{Name: secretNames[label], Func: "Derive-Secret", Secret: s.secret, Label: label, Context: transcriptHash, Output: out})
	}
	return out
}

// BinderKey returns binder_key, the base key of the PSK binders (RFC 8446
// sections 4.2.11.2 and 7.1): label "ext binder" for an external PSK,
// "res binder" for a resumption PSK, so one cannot stand for the other.
// Needs the Early Secret.
func (s *Schedule13) BinderKey(external bool) []byte {
	s.need(stageEarly, "BinderKey")
	label := "res binder"
	if external {
		label = "ext binder"
	}
	return s.derive(label, emptyHash(s.hash))
}

// ClientEarlyTrafficSecret returns client_early_traffic_secret, which
// protects 0-RTT data; th is the hash of the ClientHello. Needs the Early
// Secret.
func (s *Schedule13) ClientEarlyTrafficSecret(th []byte) []byte {
	s.need(stageEarly, "ClientEarlyTrafficSecret")
	return s.derive("c e traffic", th)
}

// EarlyExporterMasterSecret returns early_exporter_master_secret; th is
// the hash of the ClientHello. Needs the Early Secret.
func (s *Schedule13) EarlyExporterMasterSecret(th []byte) []byte {
	s.need(stageEarly, "EarlyExporterMasterSecret")
	return s.derive("e exp master", th)
}

// SetSharedSecret mixes in the (EC)DHE shared secret and moves the
// schedule from the Early to the Handshake Secret. A nil or empty ecdhe
// stands for the 0-value used by psk_ke, which has no (EC)DHE.
func (s *Schedule13) SetSharedSecret(ecdhe []byte) {
	s.need(stageEarly, "SetSharedSecret")
	s.advance(ecdhe)
}

// ClientHandshakeTrafficSecret returns client_handshake_traffic_secret; th
// is the hash of ClientHello...ServerHello. Needs the Handshake Secret.
func (s *Schedule13) ClientHandshakeTrafficSecret(th []byte) []byte {
	s.need(stageHandshake, "ClientHandshakeTrafficSecret")
	return s.derive("c hs traffic", th)
}

// ServerHandshakeTrafficSecret returns server_handshake_traffic_secret; th
// is the hash of ClientHello...ServerHello. Needs the Handshake Secret.
func (s *Schedule13) ServerHandshakeTrafficSecret(th []byte) []byte {
	s.need(stageHandshake, "ServerHandshakeTrafficSecret")
	return s.derive("s hs traffic", th)
}

// DeriveMaster moves the schedule from the Handshake to the Master Secret,
// whose input secret is always the 0-value.
func (s *Schedule13) DeriveMaster() {
	s.need(stageHandshake, "DeriveMaster")
	s.advance(nil)
}

// ClientApplicationTrafficSecret returns
// client_application_traffic_secret_0; th is the hash of
// ClientHello...server Finished. Needs the Master Secret.
func (s *Schedule13) ClientApplicationTrafficSecret(th []byte) []byte {
	s.need(stageMaster, "ClientApplicationTrafficSecret")
	return s.derive("c ap traffic", th)
}

// ServerApplicationTrafficSecret returns
// server_application_traffic_secret_0; th is the hash of
// ClientHello...server Finished. Needs the Master Secret.
func (s *Schedule13) ServerApplicationTrafficSecret(th []byte) []byte {
	s.need(stageMaster, "ServerApplicationTrafficSecret")
	return s.derive("s ap traffic", th)
}

// ExporterMasterSecret returns exporter_master_secret; th is the hash of
// ClientHello...server Finished. Needs the Master Secret.
func (s *Schedule13) ExporterMasterSecret(th []byte) []byte {
	s.need(stageMaster, "ExporterMasterSecret")
	return s.derive("exp master", th)
}

// ResumptionMasterSecret returns resumption_master_secret; th is the hash
// of ClientHello...client Finished (with any EndOfEarlyData and client
// Certificate/CertificateVerify in between). Needs the Master Secret.
func (s *Schedule13) ResumptionMasterSecret(th []byte) []byte {
	s.need(stageMaster, "ResumptionMasterSecret")
	return s.derive("res master", th)
}

// Erase zeroes the secret the schedule holds, whatever its stage, and
// leaves it used up: every method but Erase then panics. A handshake calls
// it when it ends, so that no Early, Handshake or Master Secret outlives
// it (RFC 8446 section 7.1; every secret a connection keeps derives from
// them). Erasing twice, or a nil schedule, does nothing.
func (s *Schedule13) Erase() {
	if s == nil {
		return
	}
	clear(s.secret)
	s.secret, s.exp, s.stage = nil, nil, stageErased
}
