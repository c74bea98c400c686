package wire

import "golang.org/x/crypto/cryptobyte"

// parseExtension decodes one ClientHello extension into its typed field.
// Unknown extensions are left alone.
func (m *ClientHello) parseExtension(typ uint16, data *cryptobyte.String) (bool, error) {
	switch typ {
	case ExtServerName:
		return readServerNameList(data, &m.ServerName), nil
	case ExtStatusRequest:
		return readStatusRequest(data, &m.StatusRequest), nil
	case ExtSupportedGroups:
		return readUint16s(data, &m.SupportedGroups), nil
	case ExtECPointFormats:
		return readUint8s(data, &m.ECPointFormats), nil
	case ExtSignatureAlgorithms:
		return readUint16s(data, &m.SignatureAlgorithms), nil
	case ExtSignatureAlgorithmsCert:
		return readUint16s(data, &m.SignatureAlgorithmsCert), nil
	case ExtALPN:
		return readProtocolNames(data, &m.ALPNProtocols), nil
	case ExtSCT:
		m.SCT = true // empty extension_data (RFC 6962 section 3.3.1)
	case ExtExtendedMasterSecret:
		m.ExtendedMasterSecret = true
	case ExtSessionTicket:
		m.SessionTicketSupported = true
		m.SessionTicket = readRest(data)
	case ExtSupportedVersions:
		return readSupportedVersions(data, &m.SupportedVersions), nil
	case ExtCookie:
		return readOpaque16(data, 1, &m.Cookie), nil
	case ExtPSKKeyExchangeModes:
		return readUint8s(data, &m.PSKModes), nil
	case ExtCertificateAuthorities:
		return readDistinguishedNames(data, false, &m.CertificateAuthorities), nil
	case ExtKeyShare:
		return readKeyShares(data, &m.KeyShares), nil
	case ExtEarlyData:
		m.EarlyData = true
	case ExtRenegotiationInfo:
		m.SecureRenegotiationSupported = true
		return readOpaque8(data, 0, &m.SecureRenegotiation), nil
	case ExtRecordSizeLimit:
		return readRecordSizeLimit(data, &m.RecordSizeLimit)
	case ExtCompressCertificate:
		return readCertCompressionAlgorithms(data, &m.CertCompressionAlgorithms), nil
	case ExtPadding:
		m.PaddingLen = len(readRest(data))
	case ExtEncryptedClientHello:
		return readECHClientHello(data, &m.ECH)
	case ExtPreSharedKey:
		return m.readOfferedPSKs(data)
	default:
		readRest(data) // unknown: only recorded in Extensions
	}
	return true, nil
}

// readKeyShares reads client_shares<0..2^16-1> (RFC 8446 section 4.2.8).
// An empty list is kept as an empty non-nil slice: it asks for a
// HelloRetryRequest, which is not the same as no key_share at all.
func readKeyShares(s *cryptobyte.String, out *[]KeyShare) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) {
		return false
	}
	shares := []KeyShare{}
	for !list.Empty() {
		var ks KeyShare
		if !readKeyShare(&list, &ks) {
			return false
		}
		shares = append(shares, ks)
	}
	*out = shares
	return true
}

// addExtensions writes the extension block's contents.
func (m *ClientHello) addExtensions(b *builder) {
	for _, e := range m.ExtraExtensions {
		addRawExtension(b, e.Type, e.Data)
	}
	m.addClassicExtensions(b)
	m.addTLS13Extensions(b)
	if len(m.PSKIdentities) > 0 {
		addExtension(b, ExtPreSharedKey, m.addOfferedPSKs)
	}
}

// addClassicExtensions writes the extensions that predate TLS 1.3.
func (m *ClientHello) addClassicExtensions(b *builder) {
	if m.ServerName != "" {
		addExtension(b, ExtServerName, func(b *builder) { addServerNameList(b, m.ServerName) })
	}
	if m.ExtendedMasterSecret {
		addEmptyExtension(b, ExtExtendedMasterSecret)
	}
	if m.SecureRenegotiationSupported {
		addExtension(b, ExtRenegotiationInfo, func(b *builder) { addOpaque8(b, m.SecureRenegotiation) })
	}
	if len(m.SupportedGroups) > 0 {
		addExtension(b, ExtSupportedGroups, func(b *builder) { addUint16s(b, m.SupportedGroups) })
	}
	if len(m.ECPointFormats) > 0 {
		addExtension(b, ExtECPointFormats, func(b *builder) { addUint8s(b, m.ECPointFormats) })
	}
	if m.SessionTicketSupported {
		addRawExtension(b, ExtSessionTicket, m.SessionTicket)
	}
	if len(m.ALPNProtocols) > 0 {
		addExtension(b, ExtALPN, func(b *builder) { addProtocolNames(b, m.ALPNProtocols...) })
	}
	if m.StatusRequest {
		addExtension(b, ExtStatusRequest, addStatusRequest)
	}
	if m.SCT {
		addEmptyExtension(b, ExtSCT)
	}
}

// addTLS13Extensions writes the extensions that TLS 1.3 introduced, and
// record_size_limit and padding, in the order of RFC 8448's traces.
func (m *ClientHello) addTLS13Extensions(b *builder) {
	if m.KeyShares != nil {
		addExtension(b, ExtKeyShare, func(b *builder) {
			b.AddUint16LengthPrefixed(func(b *builder) {
				for _, ks := range m.KeyShares {
					addKeyShare(b, ks)
				}
			})
		})
	}
	if m.EarlyData {
		addEmptyExtension(b, ExtEarlyData)
	}
	if len(m.SupportedVersions) > 0 {
		addExtension(b, ExtSupportedVersions, func(b *builder) {
			b.AddUint8LengthPrefixed(func(b *builder) {
				for _, v := range m.SupportedVersions {
					b.AddUint16(v)
				}
			})
		})
	}
	if len(m.SignatureAlgorithms) > 0 {
		addExtension(b, ExtSignatureAlgorithms, func(b *builder) { addUint16s(b, m.SignatureAlgorithms) })
	}
	if len(m.SignatureAlgorithmsCert) > 0 {
		addExtension(b, ExtSignatureAlgorithmsCert, func(b *builder) { addUint16s(b, m.SignatureAlgorithmsCert) })
	}
	if len(m.Cookie) > 0 {
		addExtension(b, ExtCookie, func(b *builder) { addOpaque16(b, m.Cookie) })
	}
	if len(m.PSKModes) > 0 {
		addExtension(b, ExtPSKKeyExchangeModes, func(b *builder) { addUint8s(b, m.PSKModes) })
	}
	if len(m.CertificateAuthorities) > 0 {
		addExtension(b, ExtCertificateAuthorities, func(b *builder) { addDistinguishedNames(b, m.CertificateAuthorities) })
	}
	if m.RecordSizeLimit != 0 {
		addExtension(b, ExtRecordSizeLimit, func(b *builder) { b.AddUint16(m.RecordSizeLimit) })
	}
	if len(m.CertCompressionAlgorithms) > 0 {
		addCertCompressionAlgorithms(b, m.CertCompressionAlgorithms)
	}
	if m.PaddingLen > 0 {
		addExtension(b, ExtPadding, func(b *builder) { b.addZeros(m.PaddingLen) })
	}
	if m.ECH != nil {
		addExtension(b, ExtEncryptedClientHello, m.ECH.add)
	}
}
