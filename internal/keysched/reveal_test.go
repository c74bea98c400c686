package keysched

import (
	"bytes"
	"crypto"
	"testing"
)

// TestRevealedScheduleRFC8448 walks the schedule of RFC 8448 section 3
// with NewSchedule13Revealed and checks what it reports: every stage and
// traffic secret in order, each with the inputs the RFC names, equal to
// what the plain schedule derives.
func TestRevealedScheduleRFC8448(t *testing.T) {
	const h = crypto.SHA256
	m := readOneRTT(t)
	var got []Derivation
	keep := func(d Derivation) {
		d.Secret, d.IKM, d.Context, d.Output = bytes.Clone(d.Secret), bytes.Clone(d.IKM), bytes.Clone(d.Context), bytes.Clone(d.Output)
		got = append(got, d)
	}
	ecdhe := rfcHex(t, `IKM (32 octets):  8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d
         35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d`)
	s, plain := NewSchedule13Revealed(h, nil, keep), NewSchedule13(h, nil)
	s.SetSharedSecret(ecdhe)
	plain.SetSharedSecret(ecdhe)
	th := transcript(m.ch, m.sh)
	chts := s.ClientHandshakeTrafficSecret(th)
	if !bytes.Equal(chts, plain.ClientHandshakeTrafficSecret(th)) {
		t.Fatal("the revealed schedule derives another client_handshake_traffic_secret")
	}
	s.DeriveMaster()
	want := []string{"early_secret", "derived", "handshake_secret", "client_handshake_traffic_secret", "derived", "master_secret"}
	if len(got) != len(want) {
		t.Fatalf("%d derivations revealed, want %d", len(got), len(want))
	}
	for i, d := range got {
		if d.Name != want[i] {
			t.Errorf("derivation %d is %s, want %s", i, d.Name, want[i])
		}
	}
	expect(t, "early secret", got[0].Output, `secret (32 octets):  33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c
         e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a`)
	expect(t, "handshake secret", got[2].Output, `secret (32 octets):  1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b
         01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac`)
	if !bytes.Equal(got[2].Secret, got[1].Output) || !bytes.Equal(got[2].IKM, ecdhe) {
		t.Error("handshake_secret's salt and IKM are not the derived secret and the shared secret")
	}
	if d := got[3]; d.Label != "c hs traffic" || !bytes.Equal(d.Context, th) || !bytes.Equal(d.Secret, got[2].Output) || !bytes.Equal(d.Output, chts) {
		t.Errorf("client_handshake_traffic_secret: %+v", d)
	}
	if !bytes.Equal(got[5].Secret, got[4].Output) || !bytes.Equal(got[5].IKM, make([]byte, 32)) {
		t.Error("master_secret's inputs are not the derived secret and zeros")
	}
}
