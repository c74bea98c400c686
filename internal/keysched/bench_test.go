package keysched

import (
	"crypto"
	"testing"
)

// fullSchedule13 derives everything a 1-RTT handshake with resumption
// needs, as client or server would.
func fullSchedule13(h crypto.Hash, ecdhe, th []byte, keyLen int) {
	s := NewSchedule13(h, nil)
	s.SetSharedSecret(ecdhe)
	cHS := s.ClientHandshakeTrafficSecret(th)
	sHS := s.ServerHandshakeTrafficSecret(th)
	TrafficKeys(h, cHS, keyLen, 12)
	TrafficKeys(h, sHS, keyLen, 12)
	FinishedVerifyData(h, sHS, th)
	FinishedVerifyData(h, cHS, th)
	s.DeriveMaster()
	TrafficKeys(h, s.ClientApplicationTrafficSecret(th), keyLen, 12)
	TrafficKeys(h, s.ServerApplicationTrafficSecret(th), keyLen, 12)
	s.ExporterMasterSecret(th)
	ResumptionPSK(h, s.ResumptionMasterSecret(th), []byte{0, 0})
}

func BenchmarkSchedule13(b *testing.B) {
	for _, bc := range []struct {
		name   string
		hash   crypto.Hash
		keyLen int
	}{{"SHA256", crypto.SHA256, 16}, {"SHA384", crypto.SHA384, 32}} {
		b.Run(bc.name, func(b *testing.B) {
			ecdhe := make([]byte, 32)
			th := make([]byte, bc.hash.Size())
			b.ReportAllocs()
			for b.Loop() {
				fullSchedule13(bc.hash, ecdhe, th, bc.keyLen)
			}
		})
	}
}

// BenchmarkSchedule12 derives the TLS 1.2 secrets of a full handshake:
// extended master secret, key block, both Finished.
func BenchmarkSchedule12(b *testing.B) {
	const h = crypto.SHA256
	th := make([]byte, 32)
	b.ReportAllocs()
	for b.Loop() {
		master := ExtendedMasterSecret12(h, premaster12, th)
		KeyBlock12(h, master, clientRandom, serverRandom, 16, 4)
		VerifyData12(h, master, "client finished", th)
		VerifyData12(h, master, "server finished", th)
	}
}
