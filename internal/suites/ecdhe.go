package suites

import (
	"crypto/ecdh"
	"errors"
	"io"
)

// ecdhParams is the elliptic-curve half of a group.
type ecdhParams struct {
	curve     ecdh.Curve
	scalarLen int // private key bytes
	pointLen  int // key_exchange bytes (RFC 8446 section 4.2.8.2)
	// excessBits are the top bits of the scalar's first byte beyond
	// the bit length of the curve's order, which generate clears
	// before testing the candidate: 7 for P-521, whose 521-bit order
	// fills 66 bytes but one bit of the first.
	excessBits uint
}

var (
	ecdhX25519 = &ecdhParams{curve: ecdh.X25519(), scalarLen: 32, pointLen: 32}
	// The NIST curves use the uncompressed form 0x04 || X || Y; no
	// other form exists in TLS 1.3, and RFC 8422 section 5.1.2 leaves
	// only it for TLS 1.2.
	ecdhP256 = &ecdhParams{curve: ecdh.P256(), scalarLen: 32, pointLen: 1 + 2*32}
	ecdhP384 = &ecdhParams{curve: ecdh.P384(), scalarLen: 48, pointLen: 1 + 2*48}
	ecdhP521 = &ecdhParams{curve: ecdh.P521(), scalarLen: 66, pointLen: 1 + 2*66, excessBits: 7}
)

// maxScalarTries bounds rejection sampling. A uniform candidate fails
// with probability below 2^-32 on P-256, 2^-190 on P-384 and, its excess
// bits cleared, 2^-260 on P-521, so running out means rand is broken
// (for example, it yields only zeros).
const maxScalarTries = 16

// generate makes an ephemeral private key from bytes read from rand, so
// a deterministic rand gives a deterministic key. (Since Go 1.26,
// ecdh.Curve.GenerateKey ignores its rand argument.) Any 32 bytes are an
// X25519 key (RFC 7748 section 5); a NIST scalar must lie in [1, n-1],
// so candidates out of range are drawn again, which keeps the result
// uniform (FIPS 186-5 appendix A.4.2). A P-521 candidate keeps only the
// low bit of its first byte: drawn whole, seven in eight would exceed n.
func (p *ecdhParams) generate(rand io.Reader) (*ecdh.PrivateKey, error) {
	buf := make([]byte, p.scalarLen)
	defer clear(buf)
	for range maxScalarTries {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, err
		}
		buf[0] &= 0xFF >> p.excessBits
		if k, err := p.curve.NewPrivateKey(buf); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("random source yields no valid private key")
}

// parse validates a peer's public value. crypto/ecdh rejects wrong
// lengths and, for the NIST curves, compressed points, the point at
// infinity, coordinates out of range and points not on the curve: the
// checks of RFC 8446 section 4.2.8.2.
func (p *ecdhParams) parse(b []byte) (*ecdh.PublicKey, error) {
	return p.curve.NewPublicKey(b)
}
