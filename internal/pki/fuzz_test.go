package pki

import (
	"bytes"
	"testing"
)

func FuzzParseCA(f *testing.F) {
	ca, _ := TestChain(ECDSAP256)
	kp, err := keyPEM(ca.Key)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ca.CertPEM, kp)
	f.Add(ca.CertPEM, []byte("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"), kp)
	f.Fuzz(func(t *testing.T, certData, keyData []byte) {
		got, err := ParseCA(certData, keyData)
		if err != nil {
			return
		}
		// What parses once parses again from its own encoding.
		kp, err := keyPEM(got.Key)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseCA(got.CertPEM, kp)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Cert.Raw, got.Cert.Raw) {
			t.Fatal("certificate changed on round trip")
		}
	})
}

func FuzzParseKeyType(f *testing.F) {
	for _, k := range KeyTypes() {
		f.Add(string(k))
	}
	f.Add("RSA-2048 ")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKeyType(s)
		if err != nil {
			return
		}
		if again, err := ParseKeyType(string(k)); err != nil || again != k {
			t.Fatalf("%q -> %q does not round-trip", s, k)
		}
	})
}
