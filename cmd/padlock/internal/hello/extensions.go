package hello

import (
	"fmt"
	"strconv"
	"strings"

	"padlock/internal/suites"
	"padlock/internal/wire"
)

// Extension is one extension of a ClientHello, decoded.
type Extension struct {
	ID     uint16 `json:"id"`
	Name   string `json:"name"`
	Value  string `json:"value"`  // what it says, in words
	Length int    `json:"length"` // bytes of extension_data
	GREASE bool   `json:"grease,omitempty"`
}

// Extension types that padlock does not implement but browsers send,
// named as in the IANA registry (RFC 6066, RFC 7366, RFC 8879, RFC 9345,
// RFC 8446, RFC 9001) or in the drafts that define them (ALPS, ECH).
var otherExtensionNames = map[uint16]string{
	1:     "max_fragment_length",
	22:    "encrypt_then_mac",
	27:    "compress_certificate",
	34:    "delegated_credential",
	49:    "post_handshake_auth",
	57:    "quic_transport_parameters",
	13172: "next_protocol_negotiation",
	17513: "application_settings_old",
	17613: "application_settings",
	30032: "channel_id",
	51764: "trust_anchors", // 0xCA34, the experimental codepoint of draft-ietf-tls-trust-anchor-ids
	65037: "encrypted_client_hello",
}

// ExtensionName names an extension type: its IANA name, "GREASE(0x0A0A)",
// or "unknown(N)".
func ExtensionName(t uint16) string {
	if n, ok := otherExtensionNames[t]; ok {
		return n
	}
	if wire.IsGREASE(t) {
		return fmt.Sprintf("GREASE(0x%04X)", t)
	}
	return wire.ExtensionName(t)
}

// describeExtension decodes one extension of ch: the typed fields wire
// parsed for the ones it knows, the bytes for the others.
func describeExtension(ch *wire.ClientHello, e wire.Extension) Extension {
	x := Extension{ID: e.Type, Name: ExtensionName(e.Type), Length: len(e.Data), GREASE: wire.IsGREASE(e.Type)}
	switch {
	case x.GREASE:
		x.Value = "a reserved value that servers must ignore, sent so that they keep ignoring unknown extensions (RFC 8701)"
	default:
		x.Value = knownValue(ch, e.Type)
		if x.Value == "" {
			x.Value = otherValue(e)
		}
	}
	if x.Value == "" {
		x.Value = sizeWords(len(e.Data))
	}
	return x
}

// knownValue describes an extension that wire parses into ch, or
// returns "".
func knownValue(ch *wire.ClientHello, typ uint16) string {
	switch typ {
	case wire.ExtServerName:
		return ch.ServerName
	case wire.ExtStatusRequest:
		return "asks for a stapled OCSP response"
	case wire.ExtSupportedGroups:
		return names(ch.SupportedGroups, suites.GroupName)
	case wire.ExtECPointFormats:
		return pointFormats(ch.ECPointFormats)
	case wire.ExtSignatureAlgorithms:
		return names(ch.SignatureAlgorithms, suites.SchemeName)
	case wire.ExtSignatureAlgorithmsCert:
		return names(ch.SignatureAlgorithmsCert, suites.SchemeName)
	case wire.ExtALPN:
		return strings.Join(ch.ALPNProtocols, ", ")
	case wire.ExtSCT:
		return "asks for Certificate Transparency timestamps"
	case wire.ExtPadding:
		return fmt.Sprintf("%d zero bytes, to move the hello past sizes some servers choke on (RFC 7685)", ch.PaddingLen)
	case wire.ExtExtendedMasterSecret:
		return "supported: the master secret covers the whole handshake (RFC 7627)"
	case wire.ExtRecordSizeLimit:
		return strconv.Itoa(int(ch.RecordSizeLimit)) + " bytes"
	case wire.ExtSessionTicket:
		if len(ch.SessionTicket) == 0 {
			return "empty: asks for a TLS 1.2 session ticket"
		}
		return fmt.Sprintf("a %d-byte ticket to resume a TLS 1.2 session", len(ch.SessionTicket))
	case wire.ExtPreSharedKey:
		return fmt.Sprintf("%d ticket(s) to resume a session", len(ch.PSKIdentities))
	case wire.ExtEarlyData:
		return "wants to send data before the handshake ends (0-RTT)"
	case wire.ExtSupportedVersions:
		return names(ch.SupportedVersions, VersionName)
	case wire.ExtCookie:
		return fmt.Sprintf("a %d-byte cookie from a HelloRetryRequest", len(ch.Cookie))
	case wire.ExtPSKKeyExchangeModes:
		return pskModes(ch.PSKModes)
	case wire.ExtCertificateAuthorities:
		return fmt.Sprintf("%d trusted CA names", len(ch.CertificateAuthorities))
	case wire.ExtKeyShare:
		return keyShares(ch.KeyShares)
	case wire.ExtRenegotiationInfo:
		if len(ch.SecureRenegotiation) == 0 {
			return "empty: supports secure renegotiation (RFC 5746)"
		}
		return fmt.Sprintf("%d bytes of renegotiated_connection (RFC 5746)", len(ch.SecureRenegotiation))
	}
	return ""
}

// names joins the names of ids.
func names(ids []uint16, name func(uint16) string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return strings.Join(out, ", ")
}

// pointFormats names ec_point_formats (RFC 8422 section 5.1.2).
func pointFormats(f []uint8) string {
	out := make([]string, len(f))
	for i, v := range f {
		switch v {
		case 0:
			out[i] = "uncompressed"
		case 1:
			out[i] = "ansiX962_compressed_prime"
		case 2:
			out[i] = "ansiX962_compressed_char2"
		default:
			out[i] = strconv.Itoa(int(v))
		}
	}
	return strings.Join(out, ", ")
}

// pskModes names psk_key_exchange_modes (RFC 8446 section 4.2.9).
func pskModes(m []uint8) string {
	out := make([]string, len(m))
	for i, v := range m {
		switch v {
		case 0:
			out[i] = "psk_ke"
		case 1:
			out[i] = "psk_dhe_ke (resumption with a fresh key exchange)"
		default:
			out[i] = strconv.Itoa(int(v))
		}
	}
	return strings.Join(out, ", ")
}

// keyShares lists the key shares sent.
func keyShares(ks []wire.KeyShare) string {
	if len(ks) == 0 {
		return "none: the client waits for the server to pick a group"
	}
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = KeyShare{Item: item(k.Group, suites.GroupName), Size: len(k.Data)}.String()
	}
	return strings.Join(out, ", ")
}

// sizeWords says how big an extension's data is.
func sizeWords(n int) string {
	switch n {
	case 0:
		return "(empty)"
	case 1:
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}
