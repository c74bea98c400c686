// Package hello describes a client's ClientHello for the person who sent
// it: what it offers, every extension decoded, its JA3 and JA4
// fingerprints, and a rating of the offer with its reasons.
//
// It works on a ClientHello that padlock/internal/wire has parsed, and so
// sees only what crossed the wire in the clear: never a secret.
package hello

import (
	"fmt"

	"padlock/internal/suites"
	"padlock/internal/wire"
)

// Item is one value of an offered list, such as a cipher suite.
type Item struct {
	ID     uint16 `json:"id"`
	Name   string `json:"name"`             // IANA name, "GREASE(0x0A0A)", or "0x1234"
	GREASE bool   `json:"grease,omitempty"` // a reserved value a server must ignore (RFC 8701)
}

// Offer is what a ClientHello offers, in wire order, GREASE values
// included and marked as such.
type Offer struct {
	LegacyVersion       string      `json:"legacy_version"`
	Versions            []Item      `json:"versions"` // supported_versions, or the legacy_version alone
	CipherSuites        []Item      `json:"cipher_suites"`
	Groups              []Item      `json:"groups"`
	KeyShares           []KeyShare  `json:"key_shares"`
	SignatureAlgorithms []Item      `json:"signature_algorithms"`
	ALPN                []string    `json:"alpn"`
	ServerName          string      `json:"server_name"`
	Extensions          []Extension `json:"extensions"`
	GREASE              bool        `json:"grease"` // whether any list or extension holds a GREASE value
}

// KeyShare is one key share the client sent: a public key for a group.
type KeyShare struct {
	Item
	Size int `json:"size"` // bytes of key_exchange
}

// String returns "x25519 (32 bytes)".
func (k KeyShare) String() string {
	if k.Size == 1 {
		return k.Name + " (1 byte)"
	}
	return fmt.Sprintf("%s (%d bytes)", k.Name, k.Size)
}

// Describe lists what ch offers.
func Describe(ch *wire.ClientHello) Offer {
	o := Offer{
		LegacyVersion:       VersionName(ch.Vers),
		CipherSuites:        items(ch.CipherSuites, suites.SuiteName),
		Groups:              items(ch.SupportedGroups, suites.GroupName),
		SignatureAlgorithms: items(ch.SignatureAlgorithms, suites.SchemeName),
		ALPN:                append([]string{}, ch.ALPNProtocols...),
		ServerName:          ch.ServerName,
		KeyShares:           []KeyShare{},
		Extensions:          make([]Extension, len(ch.Extensions)),
	}
	if len(ch.SupportedVersions) > 0 {
		o.Versions = items(ch.SupportedVersions, VersionName)
	} else {
		o.Versions = items([]uint16{ch.Vers}, VersionName)
	}
	for _, ks := range ch.KeyShares {
		o.KeyShares = append(o.KeyShares, KeyShare{Item: item(ks.Group, suites.GroupName), Size: len(ks.Data)})
	}
	for i, e := range ch.Extensions {
		o.Extensions[i] = describeExtension(ch, e)
	}
	o.GREASE = hasGREASE(ch)
	return o
}

// item names one value.
func item(id uint16, name func(uint16) string) Item {
	return Item{ID: id, Name: name(id), GREASE: wire.IsGREASE(id)}
}

// items names a list; never nil, so JSON shows [].
func items(ids []uint16, name func(uint16) string) []Item {
	out := make([]Item, len(ids))
	for i, id := range ids {
		out[i] = item(id, name)
	}
	return out
}

// hasGREASE reports whether any list or extension of ch holds a GREASE
// value.
func hasGREASE(ch *wire.ClientHello) bool {
	for _, list := range [][]uint16{ch.CipherSuites, ch.SupportedGroups, ch.SignatureAlgorithms, ch.SupportedVersions} {
		if countGREASE(list) > 0 {
			return true
		}
	}
	for _, e := range ch.Extensions {
		if wire.IsGREASE(e.Type) {
			return true
		}
	}
	for _, ks := range ch.KeyShares {
		if wire.IsGREASE(ks.Group) {
			return true
		}
	}
	return false
}

// countGREASE counts the GREASE values of list.
func countGREASE(list []uint16) int {
	n := 0
	for _, v := range list {
		if wire.IsGREASE(v) {
			n++
		}
	}
	return n
}

// withoutGREASE returns list less its GREASE values.
func withoutGREASE(list []uint16) []uint16 {
	out := make([]uint16, 0, len(list))
	for _, v := range list {
		if !wire.IsGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}

// VersionName names a ProtocolVersion: "TLS 1.3", "GREASE(0x0A0A)", or
// "0x1234".
func VersionName(v uint16) string { return wire.VersionName(v) }
