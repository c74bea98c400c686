package wire

import (
	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// CertificateRequest13 is the TLS 1.3 CertificateRequest (RFC 8446
// section 4.3.2).
type CertificateRequest13 struct {
	Context                   []byte   // certificate_request_context
	SignatureAlgorithms       []uint16 // mandatory
	SignatureAlgorithmsCert   []uint16
	CertificateAuthorities    [][]byte // DER distinguished names
	CertCompressionAlgorithms []uint16 // compress_certificate (RFC 8879 section 3)

	// Extensions lists, after Unmarshal, every extension in wire order.
	// Marshal ignores it.
	Extensions []Extension
}

// Type returns TypeCertificateRequest.
func (m *CertificateRequest13) Type() uint8 { return TypeCertificateRequest }

// Marshal returns the complete CertificateRequest message.
func (m *CertificateRequest13) Marshal() []byte { return marshalWith(64, m.build) }

// build writes the complete message.
func (m *CertificateRequest13) build(b *builder) {
	b.message(TypeCertificateRequest, func(b *builder) {
		addOpaque8(b, m.Context)
		b.AddUint16LengthPrefixed(func(b *builder) {
			addExtension(b, ExtSignatureAlgorithms, func(b *builder) { addUint16s(b, m.SignatureAlgorithms) })
			if len(m.SignatureAlgorithmsCert) > 0 {
				addExtension(b, ExtSignatureAlgorithmsCert, func(b *builder) { addUint16s(b, m.SignatureAlgorithmsCert) })
			}
			if len(m.CertificateAuthorities) > 0 {
				addExtension(b, ExtCertificateAuthorities, func(b *builder) { addDistinguishedNames(b, m.CertificateAuthorities) })
			}
			if len(m.CertCompressionAlgorithms) > 0 {
				addCertCompressionAlgorithms(b, m.CertCompressionAlgorithms)
			}
		})
	})
}

// Unmarshal decodes a complete TLS 1.3 CertificateRequest message into m,
// replacing all of its fields. The fields alias msg. A request without
// signature_algorithms fails with missing_extension (RFC 8446 section
// 4.3.2: "The signature_algorithms extension MUST be specified").
func (m *CertificateRequest13) Unmarshal(msg []byte) error {
	*m = CertificateRequest13{}
	if err := m.unmarshal(msg); err != nil {
		*m = CertificateRequest13{}
		return err
	}
	return nil
}

func (m *CertificateRequest13) unmarshal(msg []byte) error {
	s, err := readBody(msg, TypeCertificateRequest)
	if err != nil {
		return err
	}
	if !readOpaque8(&s, 0, &m.Context) {
		return decodeError("CertificateRequest", "certificate_request_context")
	}
	if m.Extensions, err = readExtensions(&s, "CertificateRequest", dupIllegal); err != nil {
		return err
	}
	for _, e := range m.Extensions {
		data := cryptobyte.String(e.Data)
		ok, err := m.parseExtension(e.Type, &data)
		if err := extensionError(ok, err, data, "CertificateRequest", e.Type); err != nil {
			return err
		}
	}
	if m.SignatureAlgorithms == nil {
		return alert.New(alert.MissingExtension, "wire: CertificateRequest without signature_algorithms")
	}
	return nil
}

// parseExtension decodes one CertificateRequest extension into its typed field.
func (m *CertificateRequest13) parseExtension(typ uint16, data *cryptobyte.String) (bool, error) {
	switch typ {
	case ExtSignatureAlgorithms:
		return readUint16s(data, &m.SignatureAlgorithms), nil
	case ExtSignatureAlgorithmsCert:
		return readUint16s(data, &m.SignatureAlgorithmsCert), nil
	case ExtCertificateAuthorities:
		return readDistinguishedNames(data, false, &m.CertificateAuthorities), nil
	case ExtCompressCertificate:
		return readCertCompressionAlgorithms(data, &m.CertCompressionAlgorithms), nil
	default:
		readRest(data) // unknown: only recorded in Extensions
	}
	return true, nil
}

// CertificateRequest12 is the TLS 1.2 CertificateRequest (RFC 5246
// section 7.4.4).
type CertificateRequest12 struct {
	CertificateTypes       []uint8  // certificate_types<1..2^8-1>
	SignatureAlgorithms    []uint16 // supported_signature_algorithms<2..2^16-2>
	CertificateAuthorities [][]byte // DER distinguished names, possibly none
}

// Type returns TypeCertificateRequest.
func (m *CertificateRequest12) Type() uint8 { return TypeCertificateRequest }

// Marshal returns the complete CertificateRequest message.
func (m *CertificateRequest12) Marshal() []byte { return marshalWith(64, m.build) }

// build writes the complete message.
func (m *CertificateRequest12) build(b *builder) {
	b.message(TypeCertificateRequest, func(b *builder) {
		addUint8s(b, m.CertificateTypes)
		addUint16s(b, m.SignatureAlgorithms)
		addDistinguishedNames(b, m.CertificateAuthorities)
	})
}

// Unmarshal decodes a complete TLS 1.2 CertificateRequest message into
// m, replacing all of its fields. The fields alias msg.
func (m *CertificateRequest12) Unmarshal(msg []byte) error {
	*m = CertificateRequest12{}
	s, err := readBody(msg, TypeCertificateRequest)
	if err != nil {
		return err
	}
	var r CertificateRequest12
	if !readUint8s(&s, &r.CertificateTypes) || !readUint16s(&s, &r.SignatureAlgorithms) ||
		!readDistinguishedNames(&s, true, &r.CertificateAuthorities) || !s.Empty() {
		return decodeError("CertificateRequest", "body")
	}
	*m = r
	return nil
}
