package wire

import (
	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// curveTypeNamedCurve is the only ECCurveType TLS 1.2 still allows
// (RFC 8422 section 5.4).
const curveTypeNamedCurve = 3

// ServerKeyExchange is the TLS 1.2 ECDHE ServerKeyExchange (RFC 8422
// section 5.4, with the signature_algorithm of RFC 5246 section 7.4.3).
type ServerKeyExchange struct {
	CurveType uint8  // always 3, named_curve
	Group     uint16 // NamedCurve
	PublicKey []byte // ECPoint point<1..2^8-1>
	Scheme    uint16 // SignatureAndHashAlgorithm
	Signature []byte // opaque<0..2^16-1>
}

// Type returns TypeServerKeyExchange.
func (m *ServerKeyExchange) Type() uint8 { return TypeServerKeyExchange }

// Params returns the encoded ServerECDHParams (curve_type, namedcurve and
// the length-prefixed public point) that the signature covers, after the
// two randoms.
func (m *ServerKeyExchange) Params() []byte {
	b := builder{buf: make([]byte, 0, 4+len(m.PublicKey))}
	m.addParams(&b)
	return b.bytesOrPanic()
}

// addParams writes the ServerECDHParams.
func (m *ServerKeyExchange) addParams(b *builder) {
	b.AddUint8(m.CurveType)
	b.AddUint16(m.Group)
	addOpaque8(b, m.PublicKey)
}

// Marshal returns the complete ServerKeyExchange message.
func (m *ServerKeyExchange) Marshal() []byte {
	return marshalWith(12+len(m.PublicKey)+len(m.Signature), m.build)
}

// build writes the complete message.
func (m *ServerKeyExchange) build(b *builder) {
	b.message(TypeServerKeyExchange, func(b *builder) {
		m.addParams(b)
		b.AddUint16(m.Scheme)
		addOpaque16(b, m.Signature)
	})
}

// Unmarshal decodes a complete ServerKeyExchange message into m,
// replacing all of its fields. The fields alias msg. A curve_type other
// than named_curve leaves the rest unparseable and fails with
// handshake_failure: padlock negotiates nothing else.
func (m *ServerKeyExchange) Unmarshal(msg []byte) error {
	*m = ServerKeyExchange{}
	s, err := readBody(msg, TypeServerKeyExchange)
	if err != nil {
		return err
	}
	var r ServerKeyExchange
	if !s.ReadUint8(&r.CurveType) {
		return decodeError("ServerKeyExchange", "curve_type")
	}
	if r.CurveType != curveTypeNamedCurve {
		return alert.New(alert.HandshakeFailure, "wire: ServerKeyExchange: curve_type %d", r.CurveType)
	}
	if !s.ReadUint16(&r.Group) || !readOpaque8(&s, 1, &r.PublicKey) ||
		!s.ReadUint16(&r.Scheme) || !readOpaque16(&s, 0, &r.Signature) || !s.Empty() {
		return decodeError("ServerKeyExchange", "body")
	}
	*m = r
	return nil
}

// ClientKeyExchange is the TLS 1.2 ClientKeyExchange (RFC 5246 section
// 7.4.7). Its body depends on the negotiated key exchange, which wire does
// not know, so Data keeps it raw; ECDHEPublic and RSAEncrypted decode it.
type ClientKeyExchange struct {
	Data []byte // the whole body
}

// NewClientKeyExchangeECDHE returns the ClientKeyExchange carrying the
// client's ECDHE public point (RFC 8422 section 5.7).
func NewClientKeyExchangeECDHE(pub []byte) *ClientKeyExchange {
	b := builder{buf: make([]byte, 0, 1+len(pub))}
	addOpaque8(&b, pub)
	return &ClientKeyExchange{Data: b.bytesOrPanic()}
}

// NewClientKeyExchangeRSA returns the ClientKeyExchange carrying the
// RSA-encrypted premaster secret (RFC 5246 section 7.4.7.1).
func NewClientKeyExchangeRSA(encrypted []byte) *ClientKeyExchange {
	b := builder{buf: make([]byte, 0, 2+len(encrypted))}
	addOpaque16(&b, encrypted)
	return &ClientKeyExchange{Data: b.bytesOrPanic()}
}

// ECDHEPublic decodes Data as ClientECDiffieHellmanPublic, the point
// opaque<1..2^8-1> filling the whole body.
func (m *ClientKeyExchange) ECDHEPublic() ([]byte, error) {
	s := cryptobyte.String(m.Data)
	var pub []byte
	if !readOpaque8(&s, 1, &pub) || !s.Empty() {
		return nil, decodeError("ClientKeyExchange", "ECDHE public key")
	}
	return pub, nil
}

// RSAEncrypted decodes Data as EncryptedPreMasterSecret,
// opaque<0..2^16-1> filling the whole body.
func (m *ClientKeyExchange) RSAEncrypted() ([]byte, error) {
	s := cryptobyte.String(m.Data)
	var enc []byte
	if !readOpaque16(&s, 0, &enc) || !s.Empty() {
		return nil, decodeError("ClientKeyExchange", "EncryptedPreMasterSecret")
	}
	return enc, nil
}

// Type returns TypeClientKeyExchange.
func (m *ClientKeyExchange) Type() uint8 { return TypeClientKeyExchange }

// Marshal returns the complete ClientKeyExchange message.
func (m *ClientKeyExchange) Marshal() []byte { return marshalWith(4+len(m.Data), m.build) }

// build writes the complete message.
func (m *ClientKeyExchange) build(b *builder) {
	b.message(TypeClientKeyExchange, func(b *builder) {
		b.AddBytes(m.Data)
	})
}

// Unmarshal decodes a complete ClientKeyExchange message into m, which
// keeps the body, non-empty, in Data (aliasing msg).
func (m *ClientKeyExchange) Unmarshal(msg []byte) error {
	*m = ClientKeyExchange{}
	s, err := readBody(msg, TypeClientKeyExchange)
	if err != nil {
		return err
	}
	if s.Empty() {
		return decodeError("ClientKeyExchange", "empty body")
	}
	m.Data = readRest(&s)
	return nil
}
