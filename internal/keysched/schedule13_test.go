package keysched

import (
	"bytes"
	"crypto"
	"crypto/hkdf"
	"crypto/sha256"
	"strings"
	"testing"
)

// panics reports whether f panics.
func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}

// TestScheduleOrder calls every stage method at every stage and checks
// that it panics exactly when the schedule is not at its stage.
func TestScheduleOrder(t *testing.T) {
	const h = crypto.SHA256
	th := make([]byte, h.Size())
	at := map[stage]func() *Schedule13{
		stageNone:  func() *Schedule13 { return new(Schedule13) },
		stageEarly: func() *Schedule13 { return NewSchedule13(h, nil) },
		stageHandshake: func() *Schedule13 {
			s := NewSchedule13(h, nil)
			s.SetSharedSecret(th)
			return s
		},
		stageMaster: func() *Schedule13 {
			s := NewSchedule13(h, nil)
			s.SetSharedSecret(th)
			s.DeriveMaster()
			return s
		},
		stageErased: func() *Schedule13 {
			s := NewSchedule13(h, nil)
			s.SetSharedSecret(th)
			s.DeriveMaster()
			s.Erase()
			return s
		},
	}
	methods := []struct {
		name  string
		stage stage
		call  func(*Schedule13)
	}{
		{"BinderKey", stageEarly, func(s *Schedule13) { s.BinderKey(true) }},
		{"ClientEarlyTrafficSecret", stageEarly, func(s *Schedule13) { s.ClientEarlyTrafficSecret(th) }},
		{"EarlyExporterMasterSecret", stageEarly, func(s *Schedule13) { s.EarlyExporterMasterSecret(th) }},
		{"SetSharedSecret", stageEarly, func(s *Schedule13) { s.SetSharedSecret(th) }},
		{"ClientHandshakeTrafficSecret", stageHandshake, func(s *Schedule13) { s.ClientHandshakeTrafficSecret(th) }},
		{"ServerHandshakeTrafficSecret", stageHandshake, func(s *Schedule13) { s.ServerHandshakeTrafficSecret(th) }},
		{"DeriveMaster", stageHandshake, func(s *Schedule13) { s.DeriveMaster() }},
		{"ClientApplicationTrafficSecret", stageMaster, func(s *Schedule13) { s.ClientApplicationTrafficSecret(th) }},
		{"ServerApplicationTrafficSecret", stageMaster, func(s *Schedule13) { s.ServerApplicationTrafficSecret(th) }},
		{"ExporterMasterSecret", stageMaster, func(s *Schedule13) { s.ExporterMasterSecret(th) }},
		{"ResumptionMasterSecret", stageMaster, func(s *Schedule13) { s.ResumptionMasterSecret(th) }},
	}
	for st, newAt := range at {
		for _, m := range methods {
			if got, want := panics(func() { m.call(newAt()) }), st != m.stage; got != want {
				t.Errorf("%s at %s: panicked %v, want %v", m.name, stageNames[st], got, want)
			}
		}
	}
}

func TestScheduleZeroInputs(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		zero := make([]byte, h.Size())
		a, b, c := NewSchedule13(h, nil), NewSchedule13(h, []byte{}), NewSchedule13(h, zero)
		if a.Hash() != h {
			t.Errorf("Hash() = %v, want %v", a.Hash(), h)
		}
		if !bytes.Equal(a.secret, b.secret) || !bytes.Equal(a.secret, c.secret) || len(a.secret) != h.Size() {
			t.Errorf("%v: nil, empty and zero PSK give different Early Secrets", h)
		}
		a.SetSharedSecret(nil)
		c.SetSharedSecret(zero)
		if !bytes.Equal(a.secret, c.secret) {
			t.Errorf("%v: nil and zero (EC)DHE give different Handshake Secrets", h)
		}
	}
}

// TestScheduleErasesSecrets checks that advancing wipes the old secret,
// and Erase the last one.
func TestScheduleErasesSecrets(t *testing.T) {
	s := NewSchedule13(crypto.SHA256, nil)
	early := s.secret
	s.SetSharedSecret([]byte("shared"))
	hs := s.secret
	s.DeriveMaster()
	master := s.secret
	s.Erase()
	zero := make([]byte, 32)
	if !bytes.Equal(early, zero) || !bytes.Equal(hs, zero) || !bytes.Equal(master, zero) {
		t.Errorf("old secrets not erased: early %x, handshake %x, master %x", early, hs, master)
	}
	if s.secret != nil || s.exp != nil || s.stage != stageErased {
		t.Errorf("erased schedule still refers to a secret, or is at %s", stageNames[s.stage])
	}
	s.Erase() // twice is harmless
	(*Schedule13)(nil).Erase()
	// Erasing a schedule without a PSK must not touch the shared
	// constants it started from.
	e := NewSchedule13(crypto.SHA256, nil)
	e.Erase()
	if n := NewSchedule13(crypto.SHA256, nil); bytes.Equal(n.secret, zero) {
		t.Error("Erase zeroed the shared Early Secret of handshakes without a PSK")
	}
}

func TestBinderLabels(t *testing.T) {
	s := NewSchedule13(crypto.SHA256, []byte("psk"))
	if bytes.Equal(s.BinderKey(true), s.BinderKey(false)) {
		t.Error(`"ext binder" and "res binder" give the same key`)
	}
}

// TestLabels checks the HkdfLabel of the functions whose labels no RFC
// 8448 value covers, against HkdfLabel structures written out by hand
// (RFC 8446 section 7.1).
func TestLabels(t *testing.T) {
	const h = crypto.SHA256
	secret := bytes.Repeat([]byte{7}, 32)
	expand := func(info string, n int) []byte {
		out, err := hkdf.Expand(sha256.New, secret, info, n)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := NextTrafficSecret(h, secret), expand("\x00\x20\x11tls13 traffic upd\x00", 32); !bytes.Equal(got, want) {
		t.Errorf("NextTrafficSecret: got %x, want %x", got, want)
	}
	if got, want := ResumptionPSK(h, secret, []byte{1, 2}), expand("\x00\x20\x10tls13 resumption\x02\x01\x02", 32); !bytes.Equal(got, want) {
		t.Errorf("ResumptionPSK: got %x, want %x", got, want)
	}
	// TLS-Exporter: Derive-Secret(Secret, label, "") then "exporter" with
	// Hash(context) (RFC 8446 section 7.5).
	empty := sha256.Sum256(nil)
	derived := expand("\x00\x20\x0dtls13 EXPTEST\x20"+string(empty[:]), 32)
	ctxHash := sha256.Sum256([]byte("ctx"))
	want, _ := hkdf.Expand(sha256.New, derived, "\x00\x2a\x0etls13 exporter\x20"+string(ctxHash[:]), 42)
	if got := Exporter(h, secret, "EXPTEST", []byte("ctx"), 42); !bytes.Equal(got, want) {
		t.Errorf("Exporter: got %x, want %x", got, want)
	}
	if !bytes.Equal(Exporter(h, secret, "x", nil, 16), Exporter(h, secret, "x", []byte{}, 16)) {
		t.Error("Exporter: no context and empty context differ")
	}
}

func TestExpandLabelLimits(t *testing.T) {
	const h = crypto.SHA256
	secret := make([]byte, 32)
	ok := []func(){
		func() { ExpandLabel(h, secret, strings.Repeat("a", 249), nil, 32) },
		func() { ExpandLabel(h, secret, "l", make([]byte, 255), 32) },
		func() { ExpandLabel(h, secret, "l", nil, 255*32) },
	}
	bad := []func(){
		func() { ExpandLabel(h, secret, strings.Repeat("a", 250), nil, 32) },
		func() { ExpandLabel(h, secret, "l", make([]byte, 256), 32) },
		func() { ExpandLabel(h, secret, "l", nil, 255*32+1) },
		func() { ExpandLabel(h, secret, "l", nil, -1) },
		func() { Exporter12(h, secret, nil, nil, "l", make([]byte, 1<<16), 8) },
	}
	for i, f := range ok {
		if panics(f) {
			t.Errorf("ok case %d panicked", i)
		}
	}
	for i, f := range bad {
		if !panics(f) {
			t.Errorf("bad case %d did not panic", i)
		}
	}
}

func TestEqual(t *testing.T) {
	if !Equal([]byte{1, 2}, []byte{1, 2}) || Equal([]byte{1, 2}, []byte{1, 3}) || Equal([]byte{1}, []byte{1, 2}) {
		t.Error("Equal is wrong")
	}
}
