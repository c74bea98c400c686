package wire

import "golang.org/x/crypto/cryptobyte"

// EncryptedExtensions carries the TLS 1.3 server's extensions that are not
// needed to set up the handshake keys (RFC 8446 section 4.3.1).
type EncryptedExtensions struct {
	ServerNameAck   bool   // empty server_name: the server used the client's name (RFC 6066 section 3)
	ALPNProtocol    string // the one selected protocol (RFC 7301 section 3.1)
	SupportedGroups []uint16
	EarlyData       bool   // empty early_data: 0-RTT accepted (RFC 8446 section 4.2.10)
	RecordSizeLimit uint16 // RFC 8449; 0 means absent
	// ECHRetryConfigs is the ECHConfigList of an encrypted_client_hello
	// extension: the keys a server that could not decrypt the client's
	// ClientHelloInner offers for a retry (draft-ietf-tls-esni section
	// 5). Unmarshal checks that it parses; nil means absent.
	ECHRetryConfigs []byte

	// Extensions lists, after Unmarshal, every extension in wire order.
	// Marshal ignores it.
	Extensions []Extension

	// Raw is the complete message that Unmarshal decoded.
	Raw []byte
}

// Type returns TypeEncryptedExtensions.
func (m *EncryptedExtensions) Type() uint8 { return TypeEncryptedExtensions }

// Marshal returns the complete EncryptedExtensions message, its
// extensions in the order of RFC 8448's traces.
func (m *EncryptedExtensions) Marshal() []byte { return marshalWith(64, m.build) }

// build writes the complete message.
func (m *EncryptedExtensions) build(b *builder) {
	b.message(TypeEncryptedExtensions, func(b *builder) {
		b.AddUint16LengthPrefixed(m.addExtensions)
	})
}

// addExtensions writes the extension block's contents.
func (m *EncryptedExtensions) addExtensions(b *builder) {
	if len(m.SupportedGroups) > 0 {
		addExtension(b, ExtSupportedGroups, func(b *builder) { addUint16s(b, m.SupportedGroups) })
	}
	if m.RecordSizeLimit != 0 {
		addExtension(b, ExtRecordSizeLimit, func(b *builder) { b.AddUint16(m.RecordSizeLimit) })
	}
	if m.ServerNameAck {
		addEmptyExtension(b, ExtServerName)
	}
	if m.EarlyData {
		addEmptyExtension(b, ExtEarlyData)
	}
	if m.ALPNProtocol != "" {
		addExtension(b, ExtALPN, func(b *builder) { addProtocolNames(b, m.ALPNProtocol) })
	}
	if m.ECHRetryConfigs != nil {
		addRawExtension(b, ExtEncryptedClientHello, m.ECHRetryConfigs)
	}
}

// Unmarshal decodes a complete EncryptedExtensions message into m,
// replacing all of its fields. The fields alias msg.
func (m *EncryptedExtensions) Unmarshal(msg []byte) error {
	*m = EncryptedExtensions{}
	if err := m.unmarshal(msg); err != nil {
		*m = EncryptedExtensions{}
		return err
	}
	m.Raw = msg[:len(msg):len(msg)]
	return nil
}

func (m *EncryptedExtensions) unmarshal(msg []byte) error {
	s, err := readBody(msg, TypeEncryptedExtensions)
	if err != nil {
		return err
	}
	if m.Extensions, err = readExtensions(&s, "EncryptedExtensions", dupDecode); err != nil {
		return err
	}
	for _, e := range m.Extensions {
		data := cryptobyte.String(e.Data)
		ok, err := m.parseExtension(e.Type, &data)
		if err := extensionError(ok, err, data, "EncryptedExtensions", e.Type); err != nil {
			return err
		}
	}
	return nil
}

// parseExtension decodes one EncryptedExtensions extension into its typed field.
func (m *EncryptedExtensions) parseExtension(typ uint16, data *cryptobyte.String) (bool, error) {
	switch typ {
	case ExtServerName:
		m.ServerNameAck = true
	case ExtALPN:
		return readSelectedProtocol(data, &m.ALPNProtocol), nil
	case ExtSupportedGroups:
		return readUint16s(data, &m.SupportedGroups), nil
	case ExtEarlyData:
		m.EarlyData = true
	case ExtRecordSizeLimit:
		return readRecordSizeLimit(data, &m.RecordSizeLimit)
	case ExtEncryptedClientHello:
		// Section 6.1.6: a retry_configs that does not parse is a
		// decode_error.
		m.ECHRetryConfigs = readRest(data)
		if _, err := ParseECHConfigList(m.ECHRetryConfigs); err != nil {
			return false, nil
		}
	default:
		readRest(data) // unknown: only recorded in Extensions
	}
	return true, nil
}
