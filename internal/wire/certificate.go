package wire

import "golang.org/x/crypto/cryptobyte"

// Certificate13 is the TLS 1.3 Certificate message (RFC 8446 section
// 4.4.2).
type Certificate13 struct {
	RequestContext []byte // certificate_request_context
	Entries        []CertificateEntry
}

// CertificateEntry is one certificate of a Certificate13 with its
// extensions.
type CertificateEntry struct {
	Data       []byte   // cert_data: DER X.509 certificate (or raw public key)
	OCSPStaple []byte   // status_request: the OCSPResponse (RFC 8446 section 4.4.2.1)
	SCTs       [][]byte // signed_certificate_timestamp: SerializedSCT values (RFC 6962 section 3.3)

	// Extensions lists, after Unmarshal, every extension of the entry in
	// wire order. Marshal ignores it.
	Extensions []Extension
}

// Type returns TypeCertificate.
func (m *Certificate13) Type() uint8 { return TypeCertificate }

// Marshal returns the complete Certificate message.
func (m *Certificate13) Marshal() []byte { return marshalWith(m.sizeHint(), m.build) }

// build writes the complete message.
func (m *Certificate13) build(b *builder) {
	b.message(TypeCertificate, func(b *builder) {
		addOpaque8(b, m.RequestContext)
		b.AddUint24LengthPrefixed(func(b *builder) {
			for i := range m.Entries {
				m.Entries[i].add(b)
			}
		})
	})
}

// sizeHint estimates the encoded size, to allocate once.
func (m *Certificate13) sizeHint() int {
	n := 8 + len(m.RequestContext)
	for _, e := range m.Entries {
		n += 5 + len(e.Data) + 9 + len(e.OCSPStaple)
		for _, sct := range e.SCTs {
			n += 2 + len(sct)
		}
	}
	return n + 6
}

// add writes one CertificateEntry.
func (e *CertificateEntry) add(b *builder) {
	addOpaque24(b, e.Data)
	b.AddUint16LengthPrefixed(func(b *builder) {
		if len(e.OCSPStaple) > 0 {
			addExtension(b, ExtStatusRequest, func(b *builder) {
				b.AddUint8(statusTypeOCSP)
				addOpaque24(b, e.OCSPStaple)
			})
		}
		if len(e.SCTs) > 0 {
			addExtension(b, ExtSCT, func(b *builder) {
				b.AddUint16LengthPrefixed(func(b *builder) {
					for _, sct := range e.SCTs {
						addOpaque16(b, sct)
					}
				})
			})
		}
	})
}

// Unmarshal decodes a complete TLS 1.3 Certificate message into m,
// replacing all of its fields. The fields alias msg.
func (m *Certificate13) Unmarshal(msg []byte) error {
	*m = Certificate13{}
	if err := m.unmarshal(msg); err != nil {
		*m = Certificate13{}
		return err
	}
	return nil
}

func (m *Certificate13) unmarshal(msg []byte) error {
	s, err := readBody(msg, TypeCertificate)
	if err != nil {
		return err
	}
	var list cryptobyte.String
	if !readOpaque8(&s, 0, &m.RequestContext) || !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return decodeError("Certificate", "certificate_list")
	}
	for !list.Empty() {
		var e CertificateEntry
		if err := e.read(&list); err != nil {
			return err
		}
		m.Entries = append(m.Entries, e)
	}
	return nil
}

// read reads one CertificateEntry, cert_data<1..2^24-1> then
// extensions<0..2^16-1>.
func (e *CertificateEntry) read(s *cryptobyte.String) error {
	var exts cryptobyte.String
	if !readOpaque24(s, 1, &e.Data) || !s.ReadUint16LengthPrefixed(&exts) {
		return decodeError("Certificate", "CertificateEntry")
	}
	var err error
	if e.Extensions, err = readExtensionList(exts, "Certificate", dupIllegal); err != nil {
		return err
	}
	for _, x := range e.Extensions {
		data := cryptobyte.String(x.Data)
		ok, err := e.parseExtension(x.Type, &data)
		if err := extensionError(ok, err, data, "Certificate", x.Type); err != nil {
			return err
		}
	}
	return nil
}

// parseExtension decodes one CertificateEntry extension into its typed field.
func (e *CertificateEntry) parseExtension(typ uint16, data *cryptobyte.String) (bool, error) {
	switch typ {
	case ExtStatusRequest:
		// CertificateStatus: status_type ocsp, then
		// OCSPResponse ocsp_response<1..2^24-1> (RFC 6066 section 8).
		var st uint8
		return data.ReadUint8(&st) && st == statusTypeOCSP && readOpaque24(data, 1, &e.OCSPStaple), nil
	case ExtSCT:
		return readSCTList(data, &e.SCTs), nil
	default:
		readRest(data) // unknown: only recorded in Extensions
	}
	return true, nil
}

// readSCTList reads a SignedCertificateTimestampList, SerializedSCT
// sct_list<1..2^16-1> with SerializedSCT opaque<1..2^16-1> (RFC 6962
// section 3.3).
func readSCTList(s *cryptobyte.String, out *[][]byte) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	var scts [][]byte
	for !list.Empty() {
		var sct []byte
		if !readOpaque16(&list, 1, &sct) {
			return false
		}
		scts = append(scts, sct)
	}
	*out = scts
	return true
}
