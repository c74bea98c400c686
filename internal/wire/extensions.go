package wire

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// Extension types (RFC 8446 section 4.2 and the RFCs it cites).
const (
	ExtServerName              uint16 = 0
	ExtStatusRequest           uint16 = 5
	ExtSupportedGroups         uint16 = 10
	ExtECPointFormats          uint16 = 11
	ExtSignatureAlgorithms     uint16 = 13
	ExtALPN                    uint16 = 16
	ExtSCT                     uint16 = 18
	ExtPadding                 uint16 = 21
	ExtExtendedMasterSecret    uint16 = 23
	ExtCompressCertificate     uint16 = 27 // RFC 8879
	ExtRecordSizeLimit         uint16 = 28
	ExtSessionTicket           uint16 = 35
	ExtPreSharedKey            uint16 = 41
	ExtEarlyData               uint16 = 42
	ExtSupportedVersions       uint16 = 43
	ExtCookie                  uint16 = 44
	ExtPSKKeyExchangeModes     uint16 = 45
	ExtCertificateAuthorities  uint16 = 47
	ExtSignatureAlgorithmsCert uint16 = 50
	ExtKeyShare                uint16 = 51
	ExtRenegotiationInfo       uint16 = 0xff01
)

// extensionEnum names the extension types padlock knows as the RFCs'
// ExtensionType enums do, "name(code)"; extensionNames is built from it.
const extensionEnum = `
	server_name(0) status_request(5) supported_groups(10)
	ec_point_formats(11) signature_algorithms(13)
	application_layer_protocol_negotiation(16)
	signed_certificate_timestamp(18) padding(21)
	extended_master_secret(23) compress_certificate(27)
	record_size_limit(28) session_ticket(35)
	pre_shared_key(41) early_data(42) supported_versions(43) cookie(44)
	psk_key_exchange_modes(45) certificate_authorities(47)
	signature_algorithms_cert(50) key_share(51)
	ech_outer_extensions(64768) encrypted_client_hello(65037)
	renegotiation_info(65281)`

var extensionNames = func() map[uint16]string {
	m := map[uint16]string{}
	for _, entry := range strings.Fields(extensionEnum) {
		name, code, _ := strings.Cut(strings.TrimSuffix(entry, ")"), "(")
		n, err := strconv.ParseUint(code, 10, 16)
		if err != nil {
			panic("wire: bad extension entry " + entry)
		}
		m[uint16(n)] = name
	}
	return m
}()

// ExtensionName returns the RFC name of an extension type, such as
// "key_share", "GREASE(0x0a0a)" for a GREASE value, or "unknown(N)".
func ExtensionName(t uint16) string {
	if n, ok := extensionNames[t]; ok {
		return n
	}
	if IsGREASE(t) {
		return fmt.Sprintf("GREASE(%#04x)", t)
	}
	return fmt.Sprintf("unknown(%d)", t)
}

// IsGREASE reports whether v is one of the sixteen reserved GREASE values
// 0x0a0a, 0x1a1a, ..., 0xfafa (RFC 8701 section 2), which a peer may put
// in any list of cipher suites, groups, extensions or versions.
func IsGREASE(v uint16) bool {
	return v&0x0f0f == 0x0a0a && v>>8 == v&0xff
}

// Extension is one extension as it appears on the wire: its type and its
// extension_data.
type Extension struct {
	Type uint16
	Data []byte
}

// KeyShare is a KeyShareEntry (RFC 8446 section 4.2.8): a named group and
// the key_exchange value for it.
type KeyShare struct {
	Group uint16
	Data  []byte
}

// PSKIdentity is a PskIdentity of the pre_shared_key extension (RFC 8446
// section 4.2.11).
type PSKIdentity struct {
	Identity            []byte
	ObfuscatedTicketAge uint32
}

// readExtensions reads an extension block, Extension extensions<0..2^16-1>,
// that must be all that is left of s, and returns its entries in wire
// order (nil if there are none). A type that appears twice breaks RFC
// 8446 section 4.2 ("There MUST NOT be more than one extension of the
// same type in a given extension block"); dup is the alert for it.
//
// The RFC names no alert for a repeated type. padlock answers as
// BoringSSL does, whose conformance runner checks both: decode_error in
// the ClientHello, a ServerHello and EncryptedExtensions (dupDecode), and
// illegal_parameter (section 6.2: "inconsistent with other fields") in
// the other messages, a HelloRetryRequest among them (dupIllegal), as
// OpenSSL answers in every message.
func readExtensions(s *cryptobyte.String, msg string, dup alert.Description) ([]Extension, error) {
	var block cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&block) || !s.Empty() {
		return nil, decodeError(msg, "extensions")
	}
	return readExtensionList(block, msg, dup)
}

// The alerts for a repeated extension type: see readExtensions.
const (
	dupDecode  = alert.DecodeError
	dupIllegal = alert.IllegalParameter
)

// readExtensionList is readExtensions for the contents of the block,
// without its length prefix.
func readExtensionList(block cryptobyte.String, msg string, dup alert.Description) ([]Extension, error) {
	var buf [24]Extension // most blocks fit: one exact allocation below
	exts := buf[:0]
	for !block.Empty() {
		var e Extension
		var data cryptobyte.String
		if !block.ReadUint16(&e.Type) || !block.ReadUint16LengthPrefixed(&data) {
			return nil, decodeError(msg, "extensions")
		}
		e.Data = clip(data)
		exts = append(exts, e)
	}
	if len(exts) == 0 {
		return nil, nil
	}
	if t, found := findDuplicate(exts); found {
		return nil, alert.New(dup, "wire: %s: duplicate %s extension", msg, ExtensionName(t))
	}
	return slices.Clone(exts), nil
}

// findDuplicate returns a type that appears twice in exts, if any.
func findDuplicate(exts []Extension) (uint16, bool) {
	if len(exts) <= 32 {
		for i := range exts {
			for j := range i {
				if exts[i].Type == exts[j].Type {
					return exts[i].Type, true
				}
			}
		}
		return 0, false
	}
	types := make([]uint16, len(exts))
	for i, e := range exts {
		types[i] = e.Type
	}
	slices.Sort(types)
	for i := 1; i < len(types); i++ {
		if types[i] == types[i-1] {
			return types[i], true
		}
	}
	return 0, false
}

// extensionError turns the result of parsing one extension's data into
// the error to return: err if the parser named an alert, decode_error if
// the data did not parse or was not all consumed, else nil.
//
// Each message loops over its extensions itself, calling its own
// parseExtension method directly: through a func value, escape analysis
// would move every extension's data String to the heap.
func extensionError(ok bool, err error, rest cryptobyte.String, msg string, typ uint16) error {
	if err != nil {
		return err
	}
	if !ok || !rest.Empty() {
		return decodeError(msg, ExtensionName(typ)+" extension")
	}
	return nil
}

// addExtension writes one extension whose data addData produces.
func addExtension(b *builder, typ uint16, addData func(*builder)) {
	b.AddUint16(typ)
	b.AddUint16LengthPrefixed(addData)
}

// addEmptyExtension writes an extension with empty extension_data.
func addEmptyExtension(b *builder, typ uint16) {
	b.AddUint16(typ)
	b.AddUint16(0)
}

// addRawExtension writes an extension whose data is already encoded.
func addRawExtension(b *builder, typ uint16, data []byte) {
	b.AddUint16(typ)
	addOpaque16(b, data)
}
