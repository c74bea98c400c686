package wire

import "golang.org/x/crypto/cryptobyte"

// parseExtension decodes one ServerHello extension into its typed field.
func (m *ServerHello) parseExtension(typ uint16, data *cryptobyte.String) (bool, error) {
	switch typ {
	case ExtSupportedVersions:
		return readNonZero16(data, "selected_version", &m.SupportedVersion)
	case ExtKeyShare:
		// RFC 8446 section 4.2.8: a HelloRetryRequest carries only the
		// selected_group, a ServerHello a whole KeyShareEntry.
		if m.IsHelloRetryRequest() {
			return readNonZero16(data, "selected_group", &m.SelectedGroup)
		}
		if !readKeyShare(data, &m.KeyShare) {
			return false, nil
		}
		if m.KeyShare.Group == 0 {
			return false, errZero("key_share group")
		}
	case ExtCookie:
		return readOpaque16(data, 1, &m.Cookie), nil
	case ExtPreSharedKey:
		m.HasSelectedIdentity = true
		return data.ReadUint16(&m.SelectedIdentity), nil
	case ExtALPN:
		return readSelectedProtocol(data, &m.ALPNProtocol), nil
	case ExtExtendedMasterSecret:
		m.ExtendedMasterSecret = true
	case ExtSessionTicket:
		m.SessionTicketSupported = true // empty (RFC 5077 section 3.2)
	case ExtRenegotiationInfo:
		m.SecureRenegotiationSupported = true
		return readOpaque8(data, 0, &m.SecureRenegotiation), nil
	case ExtECPointFormats:
		return readUint8s(data, &m.ECPointFormats), nil
	case ExtStatusRequest:
		m.StatusRequest = true // empty (RFC 6066 section 8)
	case ExtServerName:
		m.ServerNameAck = true // empty (RFC 6066 section 3)
	case ExtRecordSizeLimit:
		return readRecordSizeLimit(data, &m.RecordSizeLimit)
	case ExtEncryptedClientHello:
		// A HelloRetryRequest's confirmation[8] (draft-ietf-tls-esni
		// section 5); another length is a decode_error (section 6.1.4).
		// A ServerHello may not carry the extension at all: it is left
		// in Extensions for the version's rules to refuse (RFC 8446
		// section 4.2, RFC 5246 section 7.4.1.4).
		if !m.IsHelloRetryRequest() {
			readRest(data)
			return true, nil
		}
		m.ECHConfirmation = readRest(data)
		return len(m.ECHConfirmation) == 8, nil
	default:
		readRest(data) // unknown: only recorded in Extensions
	}
	return true, nil
}

// hasExtensions reports whether Marshal writes any extension.
func (m *ServerHello) hasExtensions() bool {
	return m.SupportedVersion != 0 || m.KeyShare.Group != 0 || m.SelectedGroup != 0 ||
		len(m.Cookie) > 0 || m.HasSelectedIdentity || m.ALPNProtocol != "" ||
		m.ExtendedMasterSecret || m.SessionTicketSupported || m.SecureRenegotiationSupported ||
		len(m.ECPointFormats) > 0 || m.StatusRequest || m.ServerNameAck || m.RecordSizeLimit != 0 ||
		m.ECHConfirmation != nil
}

// addExtensions writes the extension block's contents: first the TLS 1.2
// extensions, then the TLS 1.3 ones in the order of RFC 8448's traces.
func (m *ServerHello) addExtensions(b *builder) {
	if m.ServerNameAck {
		addEmptyExtension(b, ExtServerName)
	}
	if m.SecureRenegotiationSupported {
		addExtension(b, ExtRenegotiationInfo, func(b *builder) { addOpaque8(b, m.SecureRenegotiation) })
	}
	if m.ExtendedMasterSecret {
		addEmptyExtension(b, ExtExtendedMasterSecret)
	}
	if m.SessionTicketSupported {
		addEmptyExtension(b, ExtSessionTicket)
	}
	if len(m.ECPointFormats) > 0 {
		addExtension(b, ExtECPointFormats, func(b *builder) { addUint8s(b, m.ECPointFormats) })
	}
	if m.ALPNProtocol != "" {
		addExtension(b, ExtALPN, func(b *builder) { addProtocolNames(b, m.ALPNProtocol) })
	}
	if m.StatusRequest {
		addEmptyExtension(b, ExtStatusRequest)
	}
	if m.RecordSizeLimit != 0 {
		addExtension(b, ExtRecordSizeLimit, func(b *builder) { b.AddUint16(m.RecordSizeLimit) })
	}
	if m.HasSelectedIdentity {
		addExtension(b, ExtPreSharedKey, func(b *builder) { b.AddUint16(m.SelectedIdentity) })
	}
	m.addKeyShare(b)
	if len(m.Cookie) > 0 {
		addExtension(b, ExtCookie, func(b *builder) { addOpaque16(b, m.Cookie) })
	}
	if m.ECHConfirmation != nil {
		addRawExtension(b, ExtEncryptedClientHello, m.ECHConfirmation)
	}
	if m.SupportedVersion != 0 {
		addExtension(b, ExtSupportedVersions, func(b *builder) { b.AddUint16(m.SupportedVersion) })
	}
}

// addKeyShare writes key_share in the form the message needs: the
// selected_group of a HelloRetryRequest or the KeyShareEntry of a
// ServerHello.
func (m *ServerHello) addKeyShare(b *builder) {
	if m.IsHelloRetryRequest() {
		if m.SelectedGroup != 0 {
			addExtension(b, ExtKeyShare, func(b *builder) { b.AddUint16(m.SelectedGroup) })
		}
		return
	}
	if m.KeyShare.Group != 0 {
		addExtension(b, ExtKeyShare, func(b *builder) { addKeyShare(b, m.KeyShare) })
	}
}
