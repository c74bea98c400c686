package scan

import (
	"strings"

	"padlock/internal/suites"
	"padlock/internal/wire"
)

// tls13Suites are the TLS 1.3 cipher suites (RFC 8446 appendix B.4).
var tls13Suites = []uint16{0x1301, 0x1302, 0x1303, 0x1304, 0x1305}

// legacySuites are the suites of SSL 3.0 to TLS 1.2 a scan offers:
// every suite the name table knows but those of TLS 1.3.
var legacySuites = func() []uint16 {
	var ids []uint16
	for _, id := range suites.KnownSuiteIDs() {
		if id < 0x1301 || id > 0x1305 {
			ids = append(ids, id)
		}
	}
	return ids
}()

// defaultGroups is supported_groups when a probe is not about groups:
// padlock's own list with the finite-field and x448 groups a server
// might insist on.
var defaultGroups = append(append([]uint16{}, suites.DefaultGroups...), 0x001E, 0x0100, 0x0101)

// groupCandidates13 are the groups probed one by one in TLS 1.3 (RFC
// 8446 section 4.2.7, RFC 8734, draft-ietf-tls-ecdhe-mlkem), in the
// order a report lists them.
var groupCandidates13 = []uint16{
	suites.X25519MLKEM768, suites.SecP256r1MLKEM768, suites.SecP384r1MLKEM1024,
	suites.X25519, suites.Secp256r1, suites.Secp384r1, suites.Secp521r1, 0x001E,
	0x001F, 0x0020, 0x0021,
	0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
}

// groupCandidates12 are the curves probed in TLS 1.2 ECDHE (RFC 8422,
// RFC 7027).
var groupCandidates12 = []uint16{
	suites.X25519, suites.Secp256r1, suites.Secp384r1, suites.Secp521r1, 0x001E,
	0x001A, 0x001B, 0x001C, 0x0016,
}

// allSchemes is signature_algorithms when a probe is not about schemes:
// every scheme padlock names, the SHA-1 and DSA ones included, so that no
// server refuses a probe for want of one.
var allSchemes = []uint16{
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
	0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203, 0x0402, 0x0202,
}

// schemeCandidates are the schemes probed one by one for each
// certificate.
var schemeCandidates = []uint16{
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
	0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203,
}

// suiteName, groupName, schemeName and versionName name values as every
// padlock output does, from the one table of names.
func suiteName(id uint16) string  { return suites.SuiteName(id) }
func groupName(id uint16) string  { return suites.GroupName(id) }
func schemeName(id uint16) string { return suites.SchemeName(id) }
func versionName(v uint16) string {
	if v == 0x0002 {
		return "SSL 2.0"
	}
	return wire.VersionName(v)
}

// suiteKind says what a cipher suite is made of, read from its IANA
// name, whose parts RFC 5246 appendix A.5 and its successors fix.
type suiteKind struct {
	id   uint16
	name string
}

func kindOf(id uint16) suiteKind { return suiteKind{id, suiteName(id)} }

func (k suiteKind) tls13() bool { return k.id >= 0x1301 && k.id <= 0x1305 }
func (k suiteKind) cbc() bool   { return strings.Contains(k.name, "_CBC_") }
func (k suiteKind) rc4() bool   { return strings.Contains(k.name, "_RC4_") }
func (k suiteKind) des3() bool  { return strings.Contains(k.name, "3DES") }

// weak reports the suites that protect nothing worth the name: no
// encryption (NULL), export-grade keys, or no authentication (anon).
func (k suiteKind) weak() bool {
	return strings.Contains(k.name, "_NULL_") || strings.HasSuffix(k.name, "_NULL") ||
		strings.Contains(k.name, "EXPORT") || strings.Contains(k.name, "_anon_") ||
		strings.Contains(k.name, "_DES_") || strings.Contains(k.name, "_DES40_")
}

// rsaKeyTransport reports RSA key transport: the client encrypts the
// premaster secret to the certificate's key (RFC 5246 section 7.4.7.1).
func (k suiteKind) rsaKeyTransport() bool {
	return strings.HasPrefix(k.name, "TLS_RSA_WITH_") || strings.HasPrefix(k.name, "TLS_RSA_EXPORT")
}

// forwardSecret reports an ephemeral key exchange: TLS 1.3, ECDHE or DHE.
func (k suiteKind) forwardSecret() bool {
	return k.tls13() || strings.Contains(k.name, "DHE_")
}

// ecdhe reports a TLS 1.2 ECDHE suite, whose key exchange uses the
// supported_groups.
func (k suiteKind) ecdhe() bool { return strings.Contains(k.name, "_ECDHE_") }
