package wire

import (
	"bytes"

	"padlock/internal/suites"
)

// This file walks the body of each handshake message for Annotate, in
// the field names of the RFCs' presentation language.

// message walks the header (RFC 8446 section 4: msg_type, then a uint24
// length) and then the body by its type.
func (a *annotator) message(c *cursor, tls13 bool) {
	a.msg = "handshake message"
	typ := a.u8(c, "msg_type", TypeName)
	if a.err != nil {
		return
	}
	a.msg = TypeName(typ)
	body := a.prefixed(c, 3, "length", "message body")
	a.body(&body, typ, tls13)
	a.done(&body, "body")
	a.done(c, "message")
}

// body walks a message body of type typ.
func (a *annotator) body(c *cursor, typ uint8, tls13 bool) {
	switch typ {
	case TypeHelloRequest, TypeServerHelloDone, TypeEndOfEarlyData:
		// Empty bodies: done reports any byte as trailing.
	case TypeClientHello:
		a.clientHello(c)
	case TypeServerHello:
		a.serverHello(c)
	case TypeEncryptedExtensions:
		a.extensions(c, inEncryptedExtensions)
	case TypeCertificate:
		if tls13 {
			a.certificate13(c)
		} else {
			a.certificate12(c)
		}
	case TypeCertificateRequest:
		if tls13 {
			a.opaque(c, 1, "certificate_request_context", nBytes)
			a.extensions(c, inCertificateRequest)
		} else {
			a.certificateRequest12(c)
		}
	case TypeCertificateVerify:
		a.digitallySigned(c)
	case TypeFinished:
		a.rest(c, "verify_data", nBytes)
	case TypeNewSessionTicket:
		a.newSessionTicket(c, tls13)
	case TypeKeyUpdate:
		a.u8(c, "request_update", keyUpdateName)
	case TypeServerKeyExchange:
		a.serverKeyExchange(c)
	case TypeClientKeyExchange:
		a.clientKeyExchange(c)
	case TypeCertificateStatus:
		a.u8(c, "status_type", statusTypeName)
		a.opaque(c, 3, "ocsp_response", nBytes)
	case TypeMessageHash:
		a.rest(c, "Hash(ClientHello1)", nBytes)
	case TypeCompressedCertificate:
		a.u16(c, "algorithm", CertCompressionName)
		a.take(c, 3, "uncompressed_length", func(b []byte) string { return decimal(be(b)) + " bytes" })
		a.opaque(c, 3, "compressed_certificate_message", nBytes)
	default:
		a.rest(c, "body", func(b []byte) string { return nBytes(b) + " of an unknown message type" })
	}
}

// clientHello walks a ClientHello body (RFC 8446 section 4.1.2). A TLS
// 1.2 ClientHello may end before the extensions (RFC 5246 section
// 7.4.1.2).
func (a *annotator) clientHello(c *cursor) {
	a.u16(c, "legacy_version", VersionName)
	a.take(c, 32, "random", nBytes)
	a.opaque(c, 1, "legacy_session_id", nBytes)
	a.list16(c, 2, "cipher_suites", "cipher_suite", suites.SuiteName)
	a.list8(c, "legacy_compression_methods", "compression_method", compressionName)
	if a.more(c) {
		a.extensions(c, inClientHello)
	}
}

// serverHello walks a ServerHello or HelloRetryRequest body (RFC 8446
// section 4.1.3).
func (a *annotator) serverHello(c *cursor) {
	a.u16(c, "legacy_version", VersionName)
	random := a.take(c, 32, "random", serverRandomName)
	a.opaque(c, 1, "legacy_session_id_echo", nBytes)
	a.u16(c, "cipher_suite", suites.SuiteName)
	a.u8(c, "legacy_compression_method", compressionName)
	if !a.more(c) {
		return
	}
	if bytes.Equal(random, HelloRetryRequestRandom[:]) {
		a.extensions(c, inHelloRetryRequest)
	} else {
		a.extensions(c, inServerHello)
	}
}

// certificate13 walks a TLS 1.3 Certificate body (RFC 8446 section
// 4.4.2): each CertificateEntry is a container of its cert_data and
// extensions, named after the certificate's subject.
func (a *annotator) certificate13(c *cursor) {
	a.opaque(c, 1, "certificate_request_context", nBytes)
	list := a.vector(c, 3, "certificate_list")
	for a.more(&list) {
		var subject string
		i := a.open(&list, "CertificateEntry")
		a.opaque(&list, 3, "cert_data", func(der []byte) string {
			subject = certName(der)
			return subject
		})
		a.extensions(&list, inCertificateEntry)
		a.close(i, &list, subject)
	}
}

// certificate12 walks a TLS 1.2 Certificate body (RFC 5246 section
// 7.4.2): ASN.1Cert certificate_list<0..2^24-1>.
func (a *annotator) certificate12(c *cursor) {
	list := a.vector(c, 3, "certificate_list")
	for a.more(&list) {
		a.opaque(&list, 3, "certificate", certName)
	}
}

// certificateRequest12 walks a TLS 1.2 CertificateRequest body (RFC 5246
// section 7.4.4).
func (a *annotator) certificateRequest12(c *cursor) {
	a.list8(c, "certificate_types", "certificate_type", certTypeName)
	a.list16(c, 2, "supported_signature_algorithms", "signature_algorithm", suites.SchemeName)
	a.distinguishedNames(c, "certificate_authorities")
}

// digitallySigned walks a signature with its algorithm: the body of a
// CertificateVerify (RFC 8446 section 4.4.3) and the end of a
// ServerKeyExchange (RFC 5246 section 4.7).
func (a *annotator) digitallySigned(c *cursor) {
	a.u16(c, "algorithm", suites.SchemeName)
	a.opaque(c, 2, "signature", nBytes)
}

// newSessionTicket walks a NewSessionTicket body: RFC 8446 section 4.6.1
// for TLS 1.3, RFC 5077 section 3.3 for TLS 1.2.
func (a *annotator) newSessionTicket(c *cursor, tls13 bool) {
	if !tls13 {
		a.u32(c, "ticket_lifetime_hint", " seconds")
		a.opaque(c, 2, "ticket", nBytes)
		return
	}
	a.u32(c, "ticket_lifetime", " seconds")
	a.u32(c, "ticket_age_add", "")
	a.opaque(c, 1, "ticket_nonce", nBytes)
	a.opaque(c, 2, "ticket", nBytes)
	a.extensions(c, inNewSessionTicket)
}

// serverKeyExchange walks an ECDHE ServerKeyExchange body (RFC 8422
// section 5.4): the curve, the server's public point, and the signature
// over them. Only named curves can be walked, as in Unmarshal.
func (a *annotator) serverKeyExchange(c *cursor) {
	pos := c.pos
	if a.u8(c, "curve_type", curveTypeName) != curveTypeNamedCurve {
		a.fail("curve_type: only named_curve is known", pos)
		return
	}
	a.u16(c, "namedcurve", suites.GroupName)
	a.opaque(c, 1, "public", nBytes)
	a.digitallySigned(c)
}

// clientKeyExchange walks a ClientKeyExchange body (RFC 5246 section
// 7.4.7), whose form depends on the key exchange. An ECDHE point
// (opaque<1..2^8-1>, RFC 8422 section 5.7) and an RSA-encrypted
// premaster secret (opaque<0..2^16-1>) cannot both fill the same body,
// so the one whose length prefix fits is the one sent.
func (a *annotator) clientKeyExchange(c *cursor) {
	switch n := len(c.s); {
	case n >= 2 && int(c.s[0]) == n-1:
		a.opaque(c, 1, "ecdh_Yc", nBytes)
	case n >= 2 && int(c.s[0])<<8|int(c.s[1]) == n-2:
		a.opaque(c, 2, "EncryptedPreMasterSecret", nBytes)
	default:
		a.rest(c, "exchange_keys", nBytes)
	}
}

// list16 walks a vector, with a lenLen-byte length, of two-byte values
// such as cipher suites, groups or signature schemes.
func (a *annotator) list16(c *cursor, lenLen int, name, item string, describe func(uint16) string) {
	v := a.vector(c, lenLen, name)
	for a.more(&v) {
		a.u16(&v, item, describe)
	}
}

// list8 walks a vector, with a one-byte length, of one-byte values.
func (a *annotator) list8(c *cursor, name, item string, describe func(uint8) string) {
	v := a.vector(c, 1, name)
	for a.more(&v) {
		a.u8(&v, item, describe)
	}
}

// distinguishedNames walks DistinguishedName name<..2^16-1>, each an
// opaque<1..2^16-1> DER name (RFC 8446 section 4.2.4).
func (a *annotator) distinguishedNames(c *cursor, name string) {
	list := a.vector(c, 2, name)
	for a.more(&list) {
		a.opaque(&list, 2, "DistinguishedName", distinguishedName)
	}
}
