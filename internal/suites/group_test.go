package suites

import (
	"bytes"
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/rand"
	"errors"
	"io"
	"testing"

	"padlock/internal/alert"
)

func TestGroupByName(t *testing.T) {
	for name, want := range map[string]uint16{
		"x25519":             X25519,
		"X25519":             X25519,
		"secp256r1":          Secp256r1,
		"P-256":              Secp256r1,
		"p-256":              Secp256r1,
		"secp384r1":          Secp384r1,
		"P-384":              Secp384r1,
		"secp521r1":          Secp521r1,
		"P-521":              Secp521r1,
		"X25519MLKEM768":     X25519MLKEM768,
		"x25519mlkem768":     X25519MLKEM768,
		"SecP256r1MLKEM768":  SecP256r1MLKEM768,
		"SecP384r1MLKEM1024": SecP384r1MLKEM1024,
	} {
		g := GroupByName(name)
		if g == nil || g.ID != want {
			t.Errorf("GroupByName(%q) = %v, want 0x%04X", name, g, want)
		}
	}
	for _, name := range []string{"", "x448", "P-224", "secp224r1", "ffdhe2048"} {
		if g := GroupByName(name); g != nil {
			t.Errorf("GroupByName(%q) = %v, want nil", name, g)
		}
	}
	for _, id := range DefaultGroups {
		g := GroupByID(id)
		if g == nil || GroupByName(g.Name) != g || GroupName(id) != g.Name {
			t.Errorf("lookups of default group 0x%04X disagree", id)
		}
	}
	if DefaultGroups[0] != X25519MLKEM768 {
		t.Error("the hybrid should lead DefaultGroups")
	}
}

func TestGroupName(t *testing.T) {
	for id, want := range map[uint16]string{
		0x001D: "x25519", 0x0017: "secp256r1", 0x0018: "secp384r1",
		0x11EC: "X25519MLKEM768", 0x11EB: "SecP256r1MLKEM768", 0x11ED: "SecP384r1MLKEM1024",
		0x0019: "secp521r1", 0x001E: "x448", 0x0100: "ffdhe2048", 0x0104: "ffdhe8192",
		0x6399: "X25519Kyber768Draft00", 0x8A8A: "GREASE(0x8A8A)", 0x1234: "0x1234",
	} {
		if got := GroupName(id); got != want {
			t.Errorf("GroupName(0x%04X) = %q, want %q", id, got, want)
		}
	}
}

// The share and secret sizes of draft-ietf-tls-ecdhe-mlkem section 3.1
// and RFC 8446 section 4.2.8.2.
var groupSizes = map[uint16]struct{ client, server, secret int }{
	X25519:             {32, 32, 32},
	Secp256r1:          {65, 65, 32},
	Secp384r1:          {97, 97, 48},
	Secp521r1:          {133, 133, 66},
	X25519MLKEM768:     {1216, 1120, 64},
	SecP256r1MLKEM768:  {1249, 1153, 64},
	SecP384r1MLKEM1024: {1665, 1665, 80},
}

func TestKeyExchange(t *testing.T) {
	for i := range groups {
		g := &groups[i]
		t.Run(g.Name, func(t *testing.T) {
			size := groupSizes[g.ID]
			k, err := g.GenerateKeyShare(detRand(1))
			if err != nil {
				t.Fatal(err)
			}
			if k.Group() != g || len(k.Public()) != size.client {
				t.Fatalf("share: group %v, %d bytes, want %d", k.Group().Name, len(k.Public()), size.client)
			}
			public, secret, err := g.Respond(detRand(2), k.Public())
			if err != nil {
				t.Fatal(err)
			}
			if len(public) != size.server || len(secret) != size.secret {
				t.Fatalf("reply %d bytes, secret %d, want %d and %d", len(public), len(secret), size.server, size.secret)
			}
			got, err := k.SharedSecret(public)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, secret) {
				t.Fatal("the two sides disagree")
			}
			again, err := g.GenerateKeyShare(detRand(1))
			if err != nil || !bytes.Equal(again.Public(), k.Public()) {
				t.Fatal("the same rand gave a different share")
			}
			other, _ := g.GenerateKeyShare(detRand(3))
			if bytes.Equal(other.Public(), k.Public()) {
				t.Fatal("different rand gave the same share")
			}
		})
	}
}

// TestHybridLayout rebuilds the hybrids' shares and secrets from their
// parts with crypto/ecdh and crypto/mlkem directly, checking the order
// of draft-ietf-tls-ecdhe-mlkem sections 3.1.1 to 3.1.3: ML-KEM first
// for X25519MLKEM768, ECDH first for the SecP*r1 hybrids.
func TestHybridLayout(t *testing.T) {
	for _, id := range []uint16{X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024} {
		g := GroupByID(id)
		t.Run(g.Name, func(t *testing.T) {
			// GenerateKeyShare reads the ECDH scalar, then the ML-KEM seed.
			r := detRand(7)
			scalar := make([]byte, g.ecdh.scalarLen)
			seed := make([]byte, mlkem.SeedSize)
			io.ReadFull(r, scalar)
			io.ReadFull(r, seed)
			ecdhKey, err := g.ecdh.curve.NewPrivateKey(scalar)
			if err != nil {
				t.Skip("first scalar out of range; pick another seed")
			}
			dk, _ := g.kem.newKey(seed)
			ek, point := dk.Encapsulator().Bytes(), ecdhKey.PublicKey().Bytes()

			k, err := g.GenerateKeyShare(detRand(7))
			if err != nil {
				t.Fatal(err)
			}
			if want := order(g, ek, point); !bytes.Equal(k.Public(), want) {
				t.Fatal("client share layout wrong")
			}

			reply, secret, err := g.Respond(detRand(8), k.Public())
			if err != nil {
				t.Fatal(err)
			}
			var ct, peerPoint []byte
			if g.kemFirst {
				ct, peerPoint = reply[:g.kem.ciphertextLen], reply[g.kem.ciphertextLen:]
			} else {
				peerPoint, ct = reply[:g.ecdh.pointLen], reply[g.ecdh.pointLen:]
			}
			peer, err := g.ecdh.curve.NewPublicKey(peerPoint)
			if err != nil {
				t.Fatal("server share layout wrong:", err)
			}
			ecdhSecret, _ := ecdhKey.ECDH(peer)
			kemSecret, err := dk.Decapsulate(ct)
			if err != nil {
				t.Fatal(err)
			}
			if want := order(g, kemSecret, ecdhSecret); !bytes.Equal(secret, want) {
				t.Fatal("shared secret layout wrong")
			}
		})
	}
}

// order concatenates as the draft says each hybrid does.
func order(g *Group, kemPart, ecdhPart []byte) []byte {
	if g.ID == X25519MLKEM768 {
		return append(append([]byte{}, kemPart...), ecdhPart...)
	}
	return append(append([]byte{}, ecdhPart...), kemPart...)
}

func TestInvalidShares(t *testing.T) {
	shares := map[uint16]*PrivateKeyShare{}
	replies := map[uint16][]byte{}
	for i := range groups {
		g := &groups[i]
		k, err := g.GenerateKeyShare(detRand(1))
		if err != nil {
			t.Fatal(err)
		}
		shares[g.ID] = k
		replies[g.ID], _, _ = g.Respond(detRand(2), k.Public())
	}
	p256 := shares[Secp256r1].Public()
	offCurve := append([]byte{}, p256...)
	offCurve[64] ^= 1
	compressed := append([]byte{2 | p256[64]&1}, p256[1:33]...)
	compressedPadded := append([]byte{}, p256...)
	compressedPadded[0] = 2
	lowOrder := make([]byte, 32)
	lowOrder[0] = 1 // u = 1 has order 4: the X25519 result is all zeros
	hybrid := shares[X25519MLKEM768].Public()
	badEK := bytes.Repeat([]byte{0xFF}, len(hybrid)) // coefficients >= q
	copy(badEK[mlkem.EncapsulationKeySize768:], hybrid[mlkem.EncapsulationKeySize768:])
	p521 := shares[Secp521r1].Public()
	p521OffCurve := append([]byte{}, p521...)
	p521OffCurve[132] ^= 1
	badPoint := append([]byte{}, shares[SecP256r1MLKEM768].Public()...)
	badPoint[64] ^= 1

	tests := []struct {
		name  string
		group uint16
		share []byte
	}{
		{"empty", X25519, nil},
		{"x25519 short", X25519, make([]byte, 31)},
		{"x25519 long", X25519, make([]byte, 33)},
		{"x25519 all zero", X25519, make([]byte, 32)},
		{"x25519 low order", X25519, lowOrder},
		{"p256 off curve", Secp256r1, offCurve},
		{"p256 compressed", Secp256r1, compressed},
		{"p256 compressed prefix", Secp256r1, compressedPadded},
		{"p256 infinity", Secp256r1, []byte{0}},
		{"p256 zeros", Secp256r1, make([]byte, 65)},
		{"p256 given p384", Secp256r1, shares[Secp384r1].Public()},
		{"p384 given p256", Secp384r1, p256},
		{"p521 given p384", Secp521r1, shares[Secp384r1].Public()},
		{"p521 off curve", Secp521r1, p521OffCurve},
		{"p521 compressed", Secp521r1, append([]byte{2 | p521[132]&1}, p521[1:67]...)},
		{"hybrid short", X25519MLKEM768, hybrid[:len(hybrid)-1]},
		{"hybrid long", X25519MLKEM768, append(append([]byte{}, hybrid...), 0)},
		{"hybrid x25519 only", X25519MLKEM768, shares[X25519].Public()},
		{"hybrid zero x25519", X25519MLKEM768, append(append([]byte{}, hybrid[:mlkem.EncapsulationKeySize768]...), make([]byte, 32)...)},
		{"hybrid 1024 given 768", SecP384r1MLKEM1024, shares[SecP256r1MLKEM768].Public()},
		{"hybrid p256 off curve", SecP256r1MLKEM768, badPoint},
	}
	for _, tt := range tests {
		g := GroupByID(tt.group)
		_, _, err := g.Respond(detRand(2), tt.share)
		t.Run(tt.name+"/Respond", func(t *testing.T) { wantAlert(t, err, alert.IllegalParameter) })
		_, err = shares[tt.group].SharedSecret(tt.share)
		t.Run(tt.name+"/SharedSecret", func(t *testing.T) { wantAlert(t, err, alert.IllegalParameter) })
	}

	// Only the server checks the encapsulation key (FIPS 203 section 7.2).
	_, _, err := GroupByID(X25519MLKEM768).Respond(detRand(2), badEK)
	wantAlert(t, err, alert.IllegalParameter)

	// A client receiving a server share with a valid point but a
	// ciphertext of the wrong size, or the client's own share back.
	_, err = shares[X25519MLKEM768].SharedSecret(hybrid)
	wantAlert(t, err, alert.IllegalParameter)
	_, err = shares[SecP256r1MLKEM768].SharedSecret(replies[X25519MLKEM768])
	wantAlert(t, err, alert.IllegalParameter)
}

// errReader fails every read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

// zeroReader yields only zeros: never a valid NIST scalar.
type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) { clear(b); return len(b), nil }

func TestBrokenRand(t *testing.T) {
	for i := range groups {
		g := &groups[i]
		_, err := g.GenerateKeyShare(errReader{})
		wantAlert(t, err, alert.InternalError)
		k, _ := g.GenerateKeyShare(detRand(1))
		_, _, err = g.Respond(errReader{}, k.Public())
		wantAlert(t, err, alert.InternalError)
	}
	_, err := GroupByID(Secp256r1).GenerateKeyShare(zeroReader{})
	wantAlert(t, err, alert.InternalError)
	_, err = GroupByID(Secp521r1).GenerateKeyShare(zeroReader{})
	wantAlert(t, err, alert.InternalError)
	if _, err := GroupByID(X25519).GenerateKeyShare(zeroReader{}); err != nil {
		t.Errorf("X25519 refused a zero scalar (it is clamped): %v", err)
	}
}

// TestAgainstECDH checks plain ECDHE against crypto/ecdh's own key
// generation on the other side.
func TestAgainstECDH(t *testing.T) {
	for _, id := range []uint16{X25519, Secp256r1, Secp384r1, Secp521r1} {
		g := GroupByID(id)
		peer, err := g.ecdh.curve.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		public, secret, err := g.Respond(detRand(4), peer.PublicKey().Bytes())
		if err != nil {
			t.Fatal(err)
		}
		pub, err := g.ecdh.curve.NewPublicKey(public)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := peer.ECDH(pub)
		if !bytes.Equal(secret, want) {
			t.Errorf("%s: secret differs from crypto/ecdh's", g.Name)
		}
	}
}

// TestP521Scalars: a P-521 key comes from the first 66 bytes rand gives,
// their first byte cut to its low bit, so nearly every draw is a key
// (drawn whole, seven in eight would exceed the order and be drawn
// again, and 16 tries would often run out), and the key is the one
// crypto/ecdh makes from those bytes.
func TestP521Scalars(t *testing.T) {
	g := GroupByID(Secp521r1)
	for seed := range 64 {
		buf := make([]byte, 66)
		io.ReadFull(detRand(byte(seed)), buf)
		buf[0] &= 1
		want, err := ecdh.P521().NewPrivateKey(buf)
		if err != nil {
			continue // above the order: drawn again, rarely
		}
		k, err := g.GenerateKeyShare(detRand(byte(seed)))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !bytes.Equal(k.Public(), want.PublicKey().Bytes()) {
			t.Fatalf("seed %d: the key is not the one of the first draw", seed)
		}
	}
}
