package hello

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/suites"
	"padlock/internal/wire"
)

// This file decodes the extensions that padlock does not implement, and
// wire so keeps as bytes, but that browsers send; and compress_certificate,
// which wire parses, in words.

// otherValue decodes the extensions wire keeps as bytes, or returns "".
func otherValue(e wire.Extension) string {
	s := cryptobyte.String(e.Data)
	switch e.Type {
	case 22:
		return "asks for MAC-then-encrypt to become encrypt-then-MAC in CBC suites (RFC 7366)"
	case 27:
		return compressionAlgorithms(s)
	case 34:
		return delegatedCredential(s)
	case 49:
		return "will accept a certificate request after the handshake"
	case 17513, 17613:
		if v := protocolList(s); v != "" {
			return "application settings (ALPS) for " + v
		}
	case 51764:
		return trustAnchors(s)
	case 65037:
		return echOuter(s)
	}
	return ""
}

// compressionAlgorithms decodes CertificateCompressionAlgorithm
// algorithms<2..2^8-2> (RFC 8879 section 3).
func compressionAlgorithms(s cryptobyte.String) string {
	var list cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&list) || !s.Empty() || len(list)%2 != 0 {
		return ""
	}
	var out []string
	for !list.Empty() {
		var a uint16
		list.ReadUint16(&a)
		switch a {
		case wire.CertCompressionZlib, wire.CertCompressionBrotli, wire.CertCompressionZstd:
			out = append(out, wire.CertCompressionName(a)) // the one table of names
		default:
			out = append(out, fmt.Sprintf("0x%04X", a))
		}
	}
	return "certificates may come compressed with " + strings.Join(out, ", ")
}

// delegatedCredential decodes the SignatureSchemeList of RFC 9345
// section 4.1.1.
func delegatedCredential(s cryptobyte.String) string {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || !s.Empty() || len(list)%2 != 0 {
		return ""
	}
	var ids []uint16
	for !list.Empty() {
		var id uint16
		list.ReadUint16(&id)
		ids = append(ids, id)
	}
	return "accepts delegated credentials signed with " + names(ids, suites.SchemeName)
}

// protocolList decodes a ProtocolNameList (RFC 7301 section 3.1).
func protocolList(s cryptobyte.String) string {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || !s.Empty() {
		return ""
	}
	var out []string
	for !list.Empty() {
		var p cryptobyte.String
		if !list.ReadUint8LengthPrefixed(&p) {
			return ""
		}
		out = append(out, strconv.Quote(string(p)))
	}
	return strings.Join(out, ", ")
}

// trustAnchors decodes a TrustAnchorIdentifierList
// (draft-ietf-tls-trust-anchor-ids section 4.1): the CAs the client
// trusts, by short identifier, so a server with several chains can send
// one the client will accept.
func trustAnchors(s cryptobyte.String) string {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || !s.Empty() {
		return ""
	}
	n := 0
	for !list.Empty() {
		var id cryptobyte.String
		if !list.ReadUint8LengthPrefixed(&id) || id.Empty() {
			return ""
		}
		n++
	}
	if n == 0 {
		return "empty: the client can say which CAs it trusts, should the server ask"
	}
	return fmt.Sprintf("%d trust anchor IDs: the CAs the client trusts, so that a server with several certificate chains can send one it accepts", n)
}

// echOuter decodes an outer ECHClientHello (draft-ietf-tls-esni section
// 5): the HPKE suite, the config id and the sizes of the encapsulated
// key and of the encrypted inner hello.
func echOuter(s cryptobyte.String) string {
	var typ, configID uint8
	var kdf, aead uint16
	var enc, payload cryptobyte.String
	if !s.ReadUint8(&typ) {
		return ""
	}
	if typ == 1 {
		return "inner: marks an encrypted inner ClientHello"
	}
	if typ != 0 || !s.ReadUint16(&kdf) || !s.ReadUint16(&aead) || !s.ReadUint8(&configID) ||
		!s.ReadUint16LengthPrefixed(&enc) || !s.ReadUint16LengthPrefixed(&payload) || !s.Empty() {
		return ""
	}
	return fmt.Sprintf("outer: HPKE %s with %s, config %d, %d-byte key, %d-byte encrypted hello (random bytes when the client has no ECH key for this server)",
		wire.HPKEKDFName(kdf), wire.HPKEAEADName(aead), configID, len(enc), len(payload))
}
