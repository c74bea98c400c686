package padlock

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"slices"
	"testing"

	"padlock/internal/pki"
	"padlock/internal/suites"
)

// TestDefaultGroupsOfferP521: secp521r1 is offered last by default, with
// no key share of its own (the shares stay X25519MLKEM768 and x25519).
func TestDefaultGroupsOfferP521(t *testing.T) {
	c := Client(nil, &Config{ServerName: "localhost"})
	h, shares, err := c.makeClientHello()
	if err != nil {
		t.Fatal(err)
	}
	want := []uint16{uint16(X25519MLKEM768), uint16(X25519), uint16(CurveP256), uint16(CurveP384), uint16(CurveP521)}
	if !slices.Equal(h.SupportedGroups, want) {
		t.Errorf("supported_groups %v, want %v", h.SupportedGroups, want)
	}
	for _, s := range shares {
		if s.Group().ID == suites.Secp521r1 {
			t.Errorf("key share for secp521r1 by default")
		}
	}
}

// TestTLS12P521ServerKey: RFC 8422 section 5.3 lets a TLS 1.2 server use
// an ECDSA key only on a curve the client offered; the defaults offer
// P-521, and a handshake where the client leaves it out fails.
func TestTLS12P521ServerKey(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	key, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost"}, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	sc := &Config{MaxVersion: VersionTLS12, Certificates: []Certificate{{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}}}
	cc := &Config{ServerName: "localhost", RootCAs: ca.Pool(), MaxVersion: VersionTLS12}
	if _, _, cerr, serr := runPair(t, cc, sc); cerr != nil || serr != nil {
		t.Fatalf("default client with a P-521 server key: client %v, server %v", cerr, serr)
	}
	// Without P-521 offered, the server has no certificate to choose.
	cc.CurvePreferences = []CurveID{X25519, CurveP256, CurveP384}
	if _, _, cerr, _ := runPair(t, cc, sc); cerr == nil {
		t.Fatal("client without P-521 accepted a P-521 server key")
	}
}
