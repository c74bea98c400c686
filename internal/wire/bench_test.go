package wire

import "testing"

func BenchmarkClientHelloUnmarshal(b *testing.B) {
	raw := loadHex(b, "s4_clienthello")
	var m ClientHello
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if err := m.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientHelloMarshal(b *testing.B) {
	var m ClientHello
	if err := m.Unmarshal(loadHex(b, "s4_clienthello")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Marshal()
	}
}

func BenchmarkCertificateUnmarshal(b *testing.B) {
	raw := loadHex(b, "s3_certificate")
	var m Certificate13
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}
