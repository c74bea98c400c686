package wire

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// Encrypted Client Hello (draft-ietf-tls-esni, "ECH"): the client hides
// its real ClientHello, the ClientHelloInner, encrypted with HPKE to a key
// the server published in an ECHConfig, inside the payload of an
// encrypted_client_hello extension of the ClientHelloOuter that goes on
// the wire.

// ECH code points (draft-ietf-tls-esni sections 5, 5.1 and 11).
const (
	ExtEncryptedClientHello uint16 = 0xfe0d
	ExtECHOuterExtensions   uint16 = 0xfd00

	// ECHVersion is the ECHConfig version this draft defines; it equals
	// the extension's code point.
	ECHVersion uint16 = 0xfe0d

	// ECHOuter and ECHInner are the ECHClientHelloType values.
	ECHOuter uint8 = 0
	ECHInner uint8 = 1
)

// HPKESuite is an HpkeSymmetricCipherSuite: an HPKE KDF and AEAD (RFC
// 9180 section 7).
type HPKESuite struct {
	KDF, AEAD uint16
}

// Names of the HPKE algorithms (RFC 9180 section 7 and the IANA HPKE
// registry) and of the ECH enumerations, for traces.
var (
	hpkeKEMNames = map[uint16]string{0x0010: "DHKEM(P-256, HKDF-SHA256)", 0x0011: "DHKEM(P-384, HKDF-SHA384)",
		0x0012: "DHKEM(P-521, HKDF-SHA512)", 0x0020: "DHKEM(X25519, HKDF-SHA256)", 0x0021: "DHKEM(X448, HKDF-SHA512)",
		0x0040: "ML-KEM-512", 0x0041: "ML-KEM-768", 0x0042: "ML-KEM-1024", 0x647a: "X25519MLKEM768"}
	hpkeKDFNames  = map[uint16]string{1: "HKDF-SHA256", 2: "HKDF-SHA384", 3: "HKDF-SHA512"}
	hpkeAEADNames = map[uint16]string{1: "AES-128-GCM", 2: "AES-256-GCM", 3: "ChaCha20-Poly1305", 0xffff: "Export-only"}
	echTypeNames  = map[uint8]string{ECHOuter: "outer", ECHInner: "inner"}
)

// HPKEKEMName names an HPKE KEM, such as "DHKEM(X25519, HKDF-SHA256)",
// or shows its code point.
func HPKEKEMName(id uint16) string { return hpkeName(hpkeKEMNames, id) }

// HPKEKDFName names an HPKE KDF, such as "HKDF-SHA256".
func HPKEKDFName(id uint16) string { return hpkeName(hpkeKDFNames, id) }

// HPKEAEADName names an HPKE AEAD, such as "AES-128-GCM".
func HPKEAEADName(id uint16) string { return hpkeName(hpkeAEADNames, id) }

func hpkeName(names map[uint16]string, id uint16) string {
	if n, ok := names[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", id)
}

func echTypeName(t uint8) string { return enumName(echTypeNames, t) }

// echVersionName names an ECHConfig version: this draft's, or another.
func echVersionName(v uint16) string {
	if v == ECHVersion {
		return "draft-ietf-tls-esni (0xFE0D)"
	}
	return fmt.Sprintf("unknown version 0x%04X", v)
}

// echConfigExtensionName shows an ECHConfigExtensionType: padlock knows
// none, and the high bit makes one mandatory (section 4.2).
func echConfigExtensionName(t uint16) string {
	if t&0x8000 != 0 {
		return fmt.Sprintf("0x%04X, mandatory", t)
	}
	return fmt.Sprintf("0x%04X", t)
}

// ECHConfig is one ECHConfig of version 0xfe0d (draft-ietf-tls-esni
// section 4).
type ECHConfig struct {
	ConfigID      uint8
	KEM           uint16
	PublicKey     []byte
	CipherSuites  []HPKESuite
	MaxNameLength uint8
	PublicName    string
	Extensions    []Extension

	// Raw is the whole ECHConfig, version and length included: the HPKE
	// info binds it (section 6.1). Marshal sets it; parsing keeps it.
	Raw []byte
}

// Marshal returns the ECHConfig's encoding and records it in Raw.
func (c *ECHConfig) Marshal() []byte {
	c.Raw = marshalWith(64+len(c.PublicKey)+len(c.PublicName), func(b *builder) {
		b.AddUint16(ECHVersion)
		b.AddUint16LengthPrefixed(func(b *builder) {
			b.AddUint8(c.ConfigID)
			b.AddUint16(c.KEM)
			addOpaque16(b, c.PublicKey)
			b.AddUint16LengthPrefixed(func(b *builder) {
				for _, s := range c.CipherSuites {
					b.AddUint16(s.KDF)
					b.AddUint16(s.AEAD)
				}
			})
			b.AddUint8(c.MaxNameLength)
			addOpaque8(b, []byte(c.PublicName))
			b.AddUint16LengthPrefixed(func(b *builder) {
				for _, e := range c.Extensions {
					addRawExtension(b, e.Type, e.Data)
				}
			})
		})
	})
	return c.Raw
}

// MarshalECHConfigList returns the ECHConfigList of the encoded configs,
// in order of preference.
func MarshalECHConfigList(configs ...[]byte) []byte {
	return marshalWith(256, func(b *builder) {
		b.AddUint16LengthPrefixed(func(b *builder) {
			for _, c := range configs {
				b.AddBytes(c)
			}
		})
	})
}

// ParseECHConfigList decodes an ECHConfigList<4..2^16-1>. Configs of
// other versions are skipped, as section 4 requires of clients; so are
// configs with a mandatory extension (high bit set, section 4.2), which
// padlock knows none of. An empty result with a nil error means the list
// was well formed but held nothing usable.
func ParseECHConfigList(list []byte) ([]ECHConfig, error) {
	s := cryptobyte.String(list)
	var configs cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&configs) || !s.Empty() || len(configs) < 4 {
		return nil, decodeError("ECHConfigList", "list")
	}
	var out []ECHConfig
	for !configs.Empty() {
		start := configs
		var version uint16
		var contents cryptobyte.String
		if !configs.ReadUint16(&version) || !configs.ReadUint16LengthPrefixed(&contents) {
			return nil, decodeError("ECHConfigList", "ECHConfig")
		}
		if version != ECHVersion {
			continue
		}
		c := ECHConfig{Raw: clip(cryptobyte.String(start[:len(start)-len(configs)]))}
		if err := c.readContents(&contents); err != nil {
			return nil, err
		}
		if !c.hasMandatoryExtension() {
			out = append(out, c)
		}
	}
	return out, nil
}

// readContents decodes ECHConfigContents.
func (c *ECHConfig) readContents(s *cryptobyte.String) error {
	var suites, name, exts cryptobyte.String
	if !s.ReadUint8(&c.ConfigID) || !s.ReadUint16(&c.KEM) || !readOpaque16(s, 1, &c.PublicKey) ||
		!s.ReadUint16LengthPrefixed(&suites) || len(suites) < 4 || len(suites)%4 != 0 ||
		!s.ReadUint8(&c.MaxNameLength) || !s.ReadUint8LengthPrefixed(&name) || len(name) == 0 ||
		!s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return decodeError("ECHConfig", "contents")
	}
	for !suites.Empty() {
		var h HPKESuite
		suites.ReadUint16(&h.KDF)
		suites.ReadUint16(&h.AEAD)
		c.CipherSuites = append(c.CipherSuites, h)
	}
	c.PublicName = string(name)
	seen := map[uint16]bool{}
	for !exts.Empty() {
		var e Extension
		if !exts.ReadUint16(&e.Type) || !readOpaque16(&exts, 0, &e.Data) || seen[e.Type] {
			return decodeError("ECHConfig", "extensions")
		}
		seen[e.Type] = true
		c.Extensions = append(c.Extensions, e)
	}
	return nil
}

func (c *ECHConfig) hasMandatoryExtension() bool {
	for _, e := range c.Extensions {
		if e.Type&0x8000 != 0 {
			return true
		}
	}
	return false
}

// ECHClientHello is the encrypted_client_hello extension of a ClientHello
// (section 5): of type ECHInner it is empty; of type ECHOuter it carries
// the HPKE suite, the config_id, the encapsulated key (empty in a second
// ClientHelloOuter) and the encrypted EncodedClientHelloInner.
type ECHClientHello struct {
	Type     uint8
	Suite    HPKESuite
	ConfigID uint8
	Enc      []byte
	Payload  []byte
}

func (e *ECHClientHello) add(b *builder) {
	b.AddUint8(e.Type)
	if e.Type != ECHOuter {
		return
	}
	b.AddUint16(e.Suite.KDF)
	b.AddUint16(e.Suite.AEAD)
	b.AddUint8(e.ConfigID)
	addOpaque16(b, e.Enc)
	addOpaque16(b, e.Payload)
}

// readECHClientHello decodes the extension. An unknown type is
// illegal_parameter (section 7), a malformed one decode_error.
func readECHClientHello(s *cryptobyte.String, out **ECHClientHello) (bool, error) {
	e := &ECHClientHello{}
	if !s.ReadUint8(&e.Type) {
		return false, nil
	}
	switch e.Type {
	case ECHInner:
	case ECHOuter:
		if !s.ReadUint16(&e.Suite.KDF) || !s.ReadUint16(&e.Suite.AEAD) || !s.ReadUint8(&e.ConfigID) ||
			!readOpaque16(s, 0, &e.Enc) || !readOpaque16(s, 1, &e.Payload) {
			return false, nil
		}
	default:
		return false, alert.New(alert.IllegalParameter, "wire: ClientHello: encrypted_client_hello of unknown type")
	}
	*out = e
	return true, nil
}
