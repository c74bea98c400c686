package wire

import "padlock/internal/suites"

// This file walks extension blocks for Annotate. The same extension type
// has a different extension_data in different messages (RFC 8446 section
// 4.2: key_share is a list in a ClientHello, one entry in a ServerHello
// and a bare group in a HelloRetryRequest), so each message reads the
// types that its Unmarshal knows, the way Unmarshal reads them, and shows
// the others as opaque data.

// extContext is where an extension block sits.
type extContext uint8

const (
	inClientHello extContext = iota
	inServerHello
	inHelloRetryRequest
	inEncryptedExtensions
	inCertificateRequest
	inNewSessionTicket
	inCertificateEntry
)

// extensions walks Extension extensions<..2^16-1>: the block's length,
// then each extension as a container at the current depth.
func (a *annotator) extensions(c *cursor, in extContext) {
	block := a.vector(c, 2, "extensions")
	for a.more(&block) {
		a.extension(&block, in)
	}
}

// extension walks one Extension: its type and the length and contents of
// its extension_data.
func (a *annotator) extension(c *cursor, in extContext) {
	peek := c.s
	var typ uint16
	if !peek.ReadUint16(&typ) {
		a.fail("extension", c.pos)
		return
	}
	i := a.open(c, "extension: "+ExtensionName(typ))
	a.u16(c, "extension_type", ExtensionName)
	data := a.vector(c, 2, "extension_data")
	if a.more(&data) && !a.extensionData(&data, typ, in) {
		a.rest(&data, "extension data", nBytes)
	}
	a.done(&data, ExtensionName(typ)+" extension")
	a.close(i, c, "")
}

// extensionData walks the non-empty data of an extension of type typ in
// context in, and reports false if it has no known form there.
func (a *annotator) extensionData(c *cursor, typ uint16, in extContext) bool {
	switch in {
	case inClientHello:
		return a.clientHelloExtension(c, typ)
	case inServerHello, inHelloRetryRequest:
		return a.serverHelloExtension(c, typ, in == inHelloRetryRequest)
	case inEncryptedExtensions:
		return a.encryptedExtension(c, typ)
	case inCertificateRequest:
		return a.certificateRequestExtension(c, typ)
	case inNewSessionTicket:
		if typ == ExtEarlyData {
			a.u32(c, "max_early_data_size", " bytes")
			return true
		}
	case inCertificateEntry:
		return a.certificateEntryExtension(c, typ)
	}
	return false
}

// clientHelloExtension walks the extensions of a ClientHello.
func (a *annotator) clientHelloExtension(c *cursor, typ uint16) bool {
	switch typ {
	case ExtServerName:
		a.serverNameList(c)
	case ExtStatusRequest:
		a.statusRequest(c)
	case ExtSupportedGroups:
		a.list16(c, 2, "named_group_list", "named_group", suites.GroupName)
	case ExtECPointFormats:
		a.list8(c, "ec_point_format_list", "ec_point_format", pointFormatName)
	case ExtSignatureAlgorithms, ExtSignatureAlgorithmsCert:
		a.list16(c, 2, "supported_signature_algorithms", "signature_scheme", suites.SchemeName)
	case ExtALPN:
		a.protocolNames(c)
	case ExtSessionTicket:
		a.rest(c, "ticket", nBytes)
	case ExtSupportedVersions:
		a.list16(c, 1, "versions", "version", VersionName)
	case ExtCookie:
		a.opaque(c, 2, "cookie", nBytes)
	case ExtPSKKeyExchangeModes:
		a.list8(c, "ke_modes", "ke_mode", pskModeName)
	case ExtCertificateAuthorities:
		a.distinguishedNames(c, "authorities")
	case ExtKeyShare:
		a.clientShares(c)
	case ExtRenegotiationInfo:
		a.opaque(c, 1, "renegotiated_connection", nBytes)
	case ExtRecordSizeLimit:
		a.u16(c, "record_size_limit", decimal[uint16])
	case ExtCompressCertificate:
		a.list16(c, 1, "algorithms", "algorithm", CertCompressionName)
	case ExtPadding:
		a.rest(c, "padding", zeroBytes)
	case ExtPreSharedKey:
		a.offeredPSKs(c)
	case ExtEncryptedClientHello:
		a.echClientHello(c)
	case ExtECHOuterExtensions:
		return a.outerExtensions(c)
	default:
		return false
	}
	return true
}

// serverHelloExtension walks the extensions of a ServerHello or, if hrr,
// a HelloRetryRequest.
func (a *annotator) serverHelloExtension(c *cursor, typ uint16, hrr bool) bool {
	switch typ {
	case ExtSupportedVersions:
		a.u16(c, "selected_version", VersionName)
	case ExtKeyShare:
		if hrr {
			a.u16(c, "selected_group", suites.GroupName)
		} else {
			a.keyShareEntry(c)
		}
	case ExtCookie:
		a.opaque(c, 2, "cookie", nBytes)
	case ExtPreSharedKey:
		a.u16(c, "selected_identity", decimal[uint16])
	case ExtALPN:
		a.protocolNames(c)
	case ExtRenegotiationInfo:
		a.opaque(c, 1, "renegotiated_connection", nBytes)
	case ExtECPointFormats:
		a.list8(c, "ec_point_format_list", "ec_point_format", pointFormatName)
	case ExtRecordSizeLimit:
		a.u16(c, "record_size_limit", decimal[uint16])
	case ExtEncryptedClientHello:
		// Only a HelloRetryRequest carries one (draft-ietf-tls-esni
		// section 5): the confirmation that ECH was accepted.
		if !hrr {
			return false
		}
		a.rest(c, "confirmation", nBytes)
	default:
		return false
	}
	return true
}

// encryptedExtension walks the extensions of EncryptedExtensions.
func (a *annotator) encryptedExtension(c *cursor, typ uint16) bool {
	switch typ {
	case ExtALPN:
		a.protocolNames(c)
	case ExtSupportedGroups:
		a.list16(c, 2, "named_group_list", "named_group", suites.GroupName)
	case ExtRecordSizeLimit:
		a.u16(c, "record_size_limit", decimal[uint16])
	case ExtEncryptedClientHello:
		a.echConfigList(c, "retry_configs")
	default:
		return false
	}
	return true
}

// certificateRequestExtension walks the extensions of a TLS 1.3
// CertificateRequest.
func (a *annotator) certificateRequestExtension(c *cursor, typ uint16) bool {
	switch typ {
	case ExtSignatureAlgorithms, ExtSignatureAlgorithmsCert:
		a.list16(c, 2, "supported_signature_algorithms", "signature_scheme", suites.SchemeName)
	case ExtCertificateAuthorities:
		a.distinguishedNames(c, "authorities")
	case ExtCompressCertificate:
		a.list16(c, 1, "algorithms", "algorithm", CertCompressionName)
	default:
		return false
	}
	return true
}

// certificateEntryExtension walks the extensions of a CertificateEntry:
// a stapled OCSP response (RFC 8446 section 4.4.2.1) and SCTs (RFC 6962
// section 3.3).
func (a *annotator) certificateEntryExtension(c *cursor, typ uint16) bool {
	switch typ {
	case ExtStatusRequest:
		a.u8(c, "status_type", statusTypeName)
		a.opaque(c, 3, "ocsp_response", nBytes)
	case ExtSCT:
		list := a.vector(c, 2, "sct_list")
		for a.more(&list) {
			a.opaque(&list, 2, "SerializedSCT", nBytes)
		}
	default:
		return false
	}
	return true
}

// serverNameList walks a ServerNameList (RFC 6066 section 3).
func (a *annotator) serverNameList(c *cursor) {
	list := a.vector(c, 2, "server_name_list")
	for a.more(&list) {
		if a.u8(&list, "name_type", nameTypeName) == nameTypeHostName {
			a.opaque(&list, 2, "host_name", printable)
		} else {
			a.opaque(&list, 2, "name", nBytes)
		}
	}
}

// statusRequest walks a CertificateStatusRequest (RFC 6066 section 8).
// Only the ocsp form has a known layout.
func (a *annotator) statusRequest(c *cursor) {
	if a.u8(c, "status_type", statusTypeName) != statusTypeOCSP {
		a.rest(c, "request", nBytes)
		return
	}
	ids := a.vector(c, 2, "responder_id_list")
	for a.more(&ids) {
		a.opaque(&ids, 2, "ResponderID", nBytes)
	}
	a.opaque(c, 2, "request_extensions", nBytes)
}

// protocolNames walks a ProtocolNameList (RFC 7301 section 3.1).
func (a *annotator) protocolNames(c *cursor) {
	list := a.vector(c, 2, "protocol_name_list")
	for a.more(&list) {
		a.opaque(&list, 1, "protocol_name", printable)
	}
}

// clientShares walks KeyShareEntry client_shares<0..2^16-1> (RFC 8446
// section 4.2.8), each entry a container named after its group.
func (a *annotator) clientShares(c *cursor) {
	list := a.vector(c, 2, "client_shares")
	for a.more(&list) {
		i := a.open(&list, "KeyShareEntry")
		group := a.keyShareEntry(&list)
		a.close(i, &list, suites.GroupName(group))
	}
}

// keyShareEntry walks the group and key_exchange of a KeyShareEntry.
func (a *annotator) keyShareEntry(c *cursor) uint16 {
	group := a.u16(c, "group", suites.GroupName)
	a.opaque(c, 2, "key_exchange", nBytes)
	return group
}

// offeredPSKs walks the OfferedPsks of a ClientHello's pre_shared_key
// (RFC 8446 section 4.2.11): the identities, each a container, then the
// binders.
func (a *annotator) offeredPSKs(c *cursor) {
	ids := a.vector(c, 2, "identities")
	for a.more(&ids) {
		i := a.open(&ids, "PskIdentity")
		a.opaque(&ids, 2, "identity", nBytes)
		a.u32(&ids, "obfuscated_ticket_age", "")
		a.close(i, &ids, "")
	}
	binders := a.vector(c, 2, "binders")
	for a.more(&binders) {
		a.opaque(&binders, 1, "binder", nBytes)
	}
}
