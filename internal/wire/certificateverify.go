package wire

// CertificateVerify proves possession of the certificate's private key
// (RFC 8446 section 4.4.3; the same digitally-signed form in TLS 1.2,
// RFC 5246 section 7.4.8).
type CertificateVerify struct {
	Scheme    uint16 // SignatureScheme
	Signature []byte // opaque<0..2^16-1>
}

// Type returns TypeCertificateVerify.
func (m *CertificateVerify) Type() uint8 { return TypeCertificateVerify }

// Marshal returns the complete CertificateVerify message.
func (m *CertificateVerify) Marshal() []byte { return marshalWith(8+len(m.Signature), m.build) }

// build writes the complete message.
func (m *CertificateVerify) build(b *builder) {
	b.message(TypeCertificateVerify, func(b *builder) {
		b.AddUint16(m.Scheme)
		addOpaque16(b, m.Signature)
	})
}

// Unmarshal decodes a complete CertificateVerify message into m,
// replacing all of its fields. Signature aliases msg.
func (m *CertificateVerify) Unmarshal(msg []byte) error {
	*m = CertificateVerify{}
	s, err := readBody(msg, TypeCertificateVerify)
	if err != nil {
		return err
	}
	var r CertificateVerify
	if !s.ReadUint16(&r.Scheme) || !readOpaque16(&s, 0, &r.Signature) || !s.Empty() {
		return decodeError("CertificateVerify", "body")
	}
	*m = r
	return nil
}
