package suites

import (
	"crypto"
	"crypto/ecdh"
	"io"

	"padlock/internal/alert"
)

// PrivateKeyShare is the secret half of a key share made by the side
// that speaks first: the TLS 1.3 client (key_share in ClientHello) or
// the TLS 1.2 server (ServerKeyExchange).
type PrivateKeyShare struct {
	group  *Group
	ecdh   *ecdh.PrivateKey
	kem    crypto.Decapsulator // nil unless the group is a hybrid
	public []byte
}

// GenerateKeyShare makes a fresh key share for g from bytes read from
// rand: the ECDH scalar, then (for hybrids) the 64-byte ML-KEM seed. The
// same rand bytes give the same share, which deterministic tests rely on.
func (g *Group) GenerateKeyShare(rand io.Reader) (*PrivateKeyShare, error) {
	return g.GenerateKeyShareWith(nil, rand)
}

// Curve returns the elliptic curve of g's ECDH part.
func (g *Group) Curve() ecdh.Curve { return g.ecdh.curve }

// NewECDHKey makes a private key on g's curve from rand, for a key share
// made later with GenerateKeyShareWith or RespondWith: a server can make
// it while it has nothing else to do.
func (g *Group) NewECDHKey(rand io.Reader) (*ecdh.PrivateKey, error) {
	return g.ecdh.generate(rand)
}

// ecdhKey returns priv when it is a key on g's curve, else a new one.
func (g *Group) ecdhKey(priv *ecdh.PrivateKey, rand io.Reader) (*ecdh.PrivateKey, error) {
	if priv != nil && priv.Curve() == g.ecdh.curve {
		return priv, nil
	}
	return g.ecdh.generate(rand)
}

// GenerateKeyShareWith is GenerateKeyShare with priv, from NewECDHKey,
// as the ECDH private key when it is on g's curve.
func (g *Group) GenerateKeyShareWith(priv *ecdh.PrivateKey, rand io.Reader) (*PrivateKeyShare, error) {
	priv, err := g.ecdhKey(priv, rand)
	if err != nil {
		return nil, alert.New(alert.InternalError, "%s key share: %v", g.Name, err)
	}
	k := &PrivateKeyShare{group: g, ecdh: priv}
	var ek []byte
	if g.kem != nil {
		if k.kem, err = g.kem.generate(rand); err != nil {
			return nil, alert.New(alert.InternalError, "%s key share: %v", g.Name, err)
		}
		ek = k.kem.Encapsulator().Bytes()
	}
	k.public = g.concat(ek, priv.PublicKey().Bytes())
	return k, nil
}

// Group returns the group the share belongs to.
func (k *PrivateKeyShare) Group() *Group { return k.group }

// Public returns the key_exchange bytes to send: the public value of
// RFC 8446 section 4.2.8.2 or, for hybrids, the concatenation of
// draft-ietf-tls-ecdhe-mlkem section 3.1.1. The caller must not modify it.
func (k *PrivateKeyShare) Public() []byte { return k.public }

// SharedSecret combines the share with the peer's reply. Hybrids
// decapsulate the ML-KEM ciphertext and concatenate the two secrets in
// the group's order (draft-ietf-tls-ecdhe-mlkem section 3.1.3).
//
// A malformed reply fails with illegal_parameter; a decapsulation
// failure of a well-sized ciphertext, which ML-KEM's implicit rejection
// should make impossible, with internal_error (draft section 3.1.2).
func (k *PrivateKeyShare) SharedSecret(peer []byte) ([]byte, error) {
	g := k.group
	var ctLen int
	if g.kem != nil {
		ctLen = g.kem.ciphertextLen
	}
	ct, point, err := g.split(peer, ctLen)
	if err != nil {
		return nil, err
	}
	pub, err := g.ecdh.parse(point)
	if err != nil {
		return nil, alert.New(alert.IllegalParameter, "%s key share: %v", g.Name, err)
	}
	ecdhSecret, err := k.ecdh.ECDH(pub)
	if err != nil {
		return nil, alert.New(alert.IllegalParameter, "%s key share: %v", g.Name, err)
	}
	if k.kem == nil {
		return ecdhSecret, nil
	}
	kemSecret, err := k.kem.Decapsulate(ct)
	if err != nil {
		return nil, alert.New(alert.InternalError, "%s decapsulation: %v", g.Name, err)
	}
	return g.concat(kemSecret, ecdhSecret), nil
}

// Respond answers the peer's key share: it is the TLS 1.3 server's
// key_share and the TLS 1.2 client's ClientKeyExchange. It returns the
// bytes to send and the shared secret. The ECDH scalar is read from
// rand; the ML-KEM encapsulation of hybrids draws its randomness from
// the system's secure source (crypto/mlkem offers no other outside
// tests), so a hybrid reply is deterministic only under
// testing/cryptotest.SetGlobalRandom.
//
// A malformed peer share fails with illegal_parameter: wrong length,
// invalid point, all-zero X25519 result, or an ML-KEM encapsulation key
// that fails the FIPS 203 section 7.2 check (draft section 3.1.2).
func (g *Group) Respond(rand io.Reader, peer []byte) (public, secret []byte, err error) {
	return g.RespondWith(nil, rand, peer)
}

// RespondWith is Respond with priv, from NewECDHKey, as the ECDH private
// key when it is on g's curve.
func (g *Group) RespondWith(priv *ecdh.PrivateKey, rand io.Reader, peer []byte) (public, secret []byte, err error) {
	var ekLen int
	if g.kem != nil {
		ekLen = g.kem.encapsulationKeyLen
	}
	ekBytes, point, err := g.split(peer, ekLen)
	if err != nil {
		return nil, nil, err
	}
	pub, err := g.ecdh.parse(point)
	if err != nil {
		return nil, nil, alert.New(alert.IllegalParameter, "%s key share: %v", g.Name, err)
	}
	var ek crypto.Encapsulator
	if g.kem != nil {
		if ek, err = g.kem.parseKey(ekBytes); err != nil {
			return nil, nil, alert.New(alert.IllegalParameter, "%s key share: %v", g.Name, err)
		}
	}
	priv, err = g.ecdhKey(priv, rand)
	if err != nil {
		return nil, nil, alert.New(alert.InternalError, "%s key share: %v", g.Name, err)
	}
	ecdhSecret, err := priv.ECDH(pub)
	if err != nil {
		return nil, nil, alert.New(alert.IllegalParameter, "%s key share: %v", g.Name, err)
	}
	if ek == nil {
		return priv.PublicKey().Bytes(), ecdhSecret, nil
	}
	kemSecret, ct := ek.Encapsulate()
	return g.concat(ct, priv.PublicKey().Bytes()), g.concat(kemSecret, ecdhSecret), nil
}

// split cuts a peer's key share into its ML-KEM part (kemLen bytes, none
// for plain curves) and its ECDH point, in the group's order. The length
// must be exact (draft-ietf-tls-ecdhe-mlkem section 3.1.2).
func (g *Group) split(share []byte, kemLen int) (kemPart, point []byte, err error) {
	if want := kemLen + g.ecdh.pointLen; len(share) != want {
		return nil, nil, alert.New(alert.IllegalParameter,
			"%s key share: %d bytes, want %d", g.Name, len(share), want)
	}
	if g.kemFirst {
		return share[:kemLen], share[kemLen:], nil
	}
	return share[g.ecdh.pointLen:], share[:g.ecdh.pointLen], nil
}

// concat joins the ML-KEM part (nil for plain curves) and the ECDH part
// in the group's order; it serves for shares and secrets alike.
func (g *Group) concat(kemPart, ecdhPart []byte) []byte {
	if kemPart == nil {
		return ecdhPart
	}
	out := make([]byte, 0, len(kemPart)+len(ecdhPart))
	if g.kemFirst {
		return append(append(out, kemPart...), ecdhPart...)
	}
	return append(append(out, ecdhPart...), kemPart...)
}
