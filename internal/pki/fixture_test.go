package pki

import (
	"crypto/x509"
	"testing"
)

func TestTestChain(t *testing.T) {
	ca, server := TestChain(ECDSAP256)
	ca2, server2 := TestChain(ECDSAP256)
	if ca != ca2 || server != server2 {
		t.Error("TestChain is not memoized")
	}
	if ca3, _ := TestChain(Ed25519); ca3 == ca {
		t.Error("key types share a chain")
	}
	for _, h := range TestHosts {
		if err := verify(ca, server.Cert, h, x509.ExtKeyUsageServerAuth); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if d := server.Cert.NotAfter.Sub(server.Cert.NotBefore); d < caLifetime {
		t.Errorf("lifetime %v", d)
	}
	client := TestClient(ECDSAP256)
	if client != TestClient(ECDSAP256) {
		t.Error("TestClient is not memoized")
	}
	if err := verify(ca, client.Cert, "", x509.ExtKeyUsageClientAuth); err != nil {
		t.Error(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("TestChain of an unknown key type did not panic")
		}
	}()
	TestChain("dsa-1024")
}
