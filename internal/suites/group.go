package suites

import (
	"fmt"
	"strings"
)

// Group is a key-exchange group padlock implements (RFC 8446 section
// 4.2.7): an elliptic curve, or a post-quantum hybrid that pairs one with
// ML-KEM (draft-ietf-tls-ecdhe-mlkem). Hybrids exist only in TLS 1.3;
// TLS 1.2 ECDHE (RFC 8422) uses the plain curves.
type Group struct {
	ID     uint16
	Name   string // IANA name, e.g. "x25519", "X25519MLKEM768"
	Hybrid bool   // ECDHE combined with ML-KEM; TLS 1.3 only

	ecdh *ecdhParams
	kem  *kemParams // nil unless Hybrid

	// kemFirst puts the ML-KEM part before the ECDH part in both key
	// shares and in the shared secret. The draft (section 3) does so
	// for X25519MLKEM768 only, "for historical reasons"; the SecP*r1
	// hybrids put ECDH first so a FIPS-approved secret leads.
	kemFirst bool
}

// The group IDs padlock implements (RFC 8446 section 4.2.7,
// draft-ietf-tls-ecdhe-mlkem section 5).
const (
	Secp256r1          uint16 = 0x0017
	Secp384r1          uint16 = 0x0018
	Secp521r1          uint16 = 0x0019
	X25519             uint16 = 0x001D
	SecP256r1MLKEM768  uint16 = 0x11EB
	X25519MLKEM768     uint16 = 0x11EC
	SecP384r1MLKEM1024 uint16 = 0x11ED
)

// groups is every group padlock implements.
var groups = []Group{
	{ID: X25519, Name: "x25519", ecdh: ecdhX25519},
	{ID: Secp256r1, Name: "secp256r1", ecdh: ecdhP256},
	{ID: Secp384r1, Name: "secp384r1", ecdh: ecdhP384},
	{ID: Secp521r1, Name: "secp521r1", ecdh: ecdhP521},
	{ID: X25519MLKEM768, Name: "X25519MLKEM768", Hybrid: true, ecdh: ecdhX25519, kem: mlkem768, kemFirst: true},
	{ID: SecP256r1MLKEM768, Name: "SecP256r1MLKEM768", Hybrid: true, ecdh: ecdhP256, kem: mlkem768},
	{ID: SecP384r1MLKEM1024, Name: "SecP384r1MLKEM1024", Hybrid: true, ecdh: ecdhP384, kem: mlkem1024},
}

// DefaultGroups is the groups padlock offers, in preference order: the
// post-quantum hybrid first, then the classic curves, secp521r1 last. It
// is offered (as crypto/tls and OpenSSL offer it) so a server whose only
// choice, or whose ECDSA certificate, is on P-521 still completes; being
// last, it never gets a key share of its own, so it costs two bytes of
// ClientHello unless a server asks for it.
var DefaultGroups = []uint16{X25519MLKEM768, X25519, Secp256r1, Secp384r1, Secp521r1}

// GroupByID returns the group with the given ID, or nil if padlock does
// not implement it.
func GroupByID(id uint16) *Group {
	for i := range groups {
		if groups[i].ID == id {
			return &groups[i]
		}
	}
	return nil
}

// GroupByName returns the implemented group with the given IANA name,
// compared case-insensitively; "P-256", "P-384" and "P-521" name the
// NIST curves too. It returns nil for any other name.
func GroupByName(name string) *Group {
	switch {
	case strings.EqualFold(name, "P-256"):
		return GroupByID(Secp256r1)
	case strings.EqualFold(name, "P-384"):
		return GroupByID(Secp384r1)
	case strings.EqualFold(name, "P-521"):
		return GroupByID(Secp521r1)
	}
	for i := range groups {
		if strings.EqualFold(groups[i].Name, name) {
			return &groups[i]
		}
	}
	return nil
}

// GroupName returns the IANA name of any well-known group, including
// those padlock does not implement, so traces can say what a peer
// offered. GREASE values are named as such; others print as "0x%04X".
func GroupName(id uint16) string {
	if g := GroupByID(id); g != nil {
		return g.Name
	}
	if n, ok := groupNames[id]; ok {
		return n
	}
	if isGREASE(id) {
		return fmt.Sprintf("GREASE(0x%04X)", id)
	}
	return fmt.Sprintf("0x%04X", id)
}

// groupNames names the groups padlock does not implement (RFC 8422
// section 5.1.1 and its obsolete curves, RFC 7027, RFC 8734, RFC 7919,
// RFC 8446 section 4.2.7, and the ML-KEM and Kyber drafts).
var groupNames = map[uint16]string{
	0x0001: "sect163k1", 0x0002: "sect163r1", 0x0003: "sect163r2",
	0x0004: "sect193r1", 0x0005: "sect193r2", 0x0006: "sect233k1",
	0x0007: "sect233r1", 0x0008: "sect239k1", 0x0009: "sect283k1",
	0x000A: "sect283r1", 0x000B: "sect409k1", 0x000C: "sect409r1",
	0x000D: "sect571k1", 0x000E: "sect571r1", 0x000F: "secp160k1",
	0x0010: "secp160r1", 0x0011: "secp160r2", 0x0012: "secp192k1",
	0x0013: "secp192r1", 0x0014: "secp224k1", 0x0015: "secp224r1",
	0x0016: "secp256k1",
	0x001A: "brainpoolP256r1", 0x001B: "brainpoolP384r1", 0x001C: "brainpoolP512r1",
	0x001E: "x448",
	0x001F: "brainpoolP256r1tls13", 0x0020: "brainpoolP384r1tls13", 0x0021: "brainpoolP512r1tls13",
	0x0100: "ffdhe2048", 0x0101: "ffdhe3072", 0x0102: "ffdhe4096",
	0x0103: "ffdhe6144", 0x0104: "ffdhe8192",
	0x0200: "MLKEM512", 0x0201: "MLKEM768", 0x0202: "MLKEM1024",
	0x6399: "X25519Kyber768Draft00", 0x639A: "SecP256r1Kyber768Draft00",
	0xFF01: "arbitrary_explicit_prime_curves", 0xFF02: "arbitrary_explicit_char2_curves",
}
