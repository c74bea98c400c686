package wire

import "golang.org/x/crypto/cryptobyte"

// Certificate12 is the TLS 1.2 Certificate message (RFC 5246 section
// 7.4.2): a chain of DER certificates, leaf first.
type Certificate12 struct {
	Certificates [][]byte
}

// Type returns TypeCertificate.
func (m *Certificate12) Type() uint8 { return TypeCertificate }

// Marshal returns the complete Certificate message.
func (m *Certificate12) Marshal() []byte {
	n := 7
	for _, c := range m.Certificates {
		n += 3 + len(c)
	}
	return marshalWith(n, m.build)
}

// build writes the complete message.
func (m *Certificate12) build(b *builder) {
	b.message(TypeCertificate, func(b *builder) {
		b.AddUint24LengthPrefixed(func(b *builder) {
			for _, c := range m.Certificates {
				addOpaque24(b, c)
			}
		})
	})
}

// Unmarshal decodes a complete TLS 1.2 Certificate message into m,
// replacing all of its fields: certificate_list<0..2^24-1> of ASN.1Cert
// opaque<1..2^24-1>. The certificates alias msg.
func (m *Certificate12) Unmarshal(msg []byte) error {
	*m = Certificate12{}
	s, err := readBody(msg, TypeCertificate)
	if err != nil {
		return err
	}
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return decodeError("Certificate", "certificate_list")
	}
	var certs [][]byte
	for !list.Empty() {
		var c []byte
		if !readOpaque24(&list, 1, &c) {
			return decodeError("Certificate", "ASN.1Cert")
		}
		certs = append(certs, c)
	}
	m.Certificates = certs
	return nil
}

// CertificateStatus is the TLS 1.2 CertificateStatus message that staples
// an OCSP response (RFC 6066 section 8).
type CertificateStatus struct {
	OCSPResponse []byte // DER OCSPResponse
}

// Type returns TypeCertificateStatus.
func (m *CertificateStatus) Type() uint8 { return TypeCertificateStatus }

// Marshal returns the complete CertificateStatus message.
func (m *CertificateStatus) Marshal() []byte { return marshalWith(8+len(m.OCSPResponse), m.build) }

// build writes the complete message.
func (m *CertificateStatus) build(b *builder) {
	b.message(TypeCertificateStatus, func(b *builder) {
		b.AddUint8(statusTypeOCSP)
		addOpaque24(b, m.OCSPResponse)
	})
}

// Unmarshal decodes a complete CertificateStatus message into m,
// replacing all of its fields: status_type ocsp, then ocsp_response
// <1..2^24-1>. OCSPResponse aliases msg.
func (m *CertificateStatus) Unmarshal(msg []byte) error {
	*m = CertificateStatus{}
	s, err := readBody(msg, TypeCertificateStatus)
	if err != nil {
		return err
	}
	var st uint8
	var resp []byte
	if !s.ReadUint8(&st) || st != statusTypeOCSP || !readOpaque24(&s, 1, &resp) || !s.Empty() {
		return decodeError("CertificateStatus", "body")
	}
	m.OCSPResponse = resp
	return nil
}
