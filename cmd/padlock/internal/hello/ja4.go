package hello

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"padlock/internal/wire"
)

// JA4 returns the JA4 fingerprint of ch, a ClientHello sent over TCP, as
// FoxIO's specification defines it (technical_details/JA4.md in
// FoxIO-LLC/ja4), and its raw form JA4_r, the same with the lists in
// clear instead of hashed:
//
//	t13d1516h2_8daaf6152771_e5627efa2ab1
//
// a: "t" (TLS over TCP), the highest version offered, "d" if server_name
// is present else "i", the number of cipher suites and of extensions
// (two digits, at most 99), and the first and last characters of the
// first ALPN protocol ("00" if none);
// b: the first 12 hex digits of the SHA-256 of the cipher suites, as
// 4-digit lowercase hex, sorted, joined by ",";
// c: the same of the extension types, sorted, without server_name and
// ALPN (already in a), then "_" and the signature algorithms in wire
// order.
//
// GREASE values are ignored everywhere.
func JA4(ch *wire.ClientHello) (fingerprint, raw string) {
	a := ja4a(ch)
	ciphers := hexList(withoutGREASE(ch.CipherSuites), true)
	var exts []uint16
	for _, e := range ch.Extensions {
		if !wire.IsGREASE(e.Type) && e.Type != wire.ExtServerName && e.Type != wire.ExtALPN {
			exts = append(exts, e.Type)
		}
	}
	c := hexList(exts, true)
	if algs := withoutGREASE(ch.SignatureAlgorithms); len(algs) > 0 {
		// "If there are no signature algorithms in the hello packet,
		// then the string ends without an underscore."
		c += "_" + hexList(algs, false)
	}
	raw = a + "_" + ciphers + "_" + c
	if len(exts) == 0 {
		c = "" // hashes to the all-zero marker, as does an empty b
	}
	return a + "_" + truncatedHash(ciphers) + "_" + truncatedHash(c), raw
}

// ja4a is the part of JA4 that is read, not hashed.
func ja4a(ch *wire.ClientHello) string {
	v := ch.Vers
	if len(ch.SupportedVersions) > 0 {
		v = 0
		for _, x := range withoutGREASE(ch.SupportedVersions) {
			v = max(v, x)
		}
	}
	sni := "i"
	exts := 0
	for _, e := range ch.Extensions {
		if e.Type == wire.ExtServerName {
			sni = "d"
		}
		if !wire.IsGREASE(e.Type) {
			exts++
		}
	}
	ciphers := len(ch.CipherSuites) - countGREASE(ch.CipherSuites)
	return fmt.Sprintf("t%s%s%02d%02d%s", ja4Version(v), sni, min(ciphers, 99), min(exts, 99), ja4ALPN(ch.ALPNProtocols))
}

// ja4Version is the two characters of a version in JA4.
func ja4Version(v uint16) string {
	switch v {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

// ja4ALPN is the first and last characters of the first ALPN protocol,
// or of its hex form when either end is not alphanumeric; "00" without
// one.
func ja4ALPN(protocols []string) string {
	if len(protocols) == 0 || protocols[0] == "" {
		return "00"
	}
	p := protocols[0]
	first, last := p[0], p[len(p)-1]
	if !isAlnum(first) || !isAlnum(last) {
		h := hex.EncodeToString([]byte(p))
		first, last = h[0], h[len(h)-1]
	}
	return string([]byte{first, last})
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

// hexList formats values as 4-digit lowercase hex joined by ",", sorted
// if asked.
func hexList(values []uint16, sorted bool) string {
	if sorted {
		values = slices.Sorted(slices.Values(values))
	}
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%04x", v)
	}
	return strings.Join(parts, ",")
}

// truncatedHash is the first 12 hex digits of the SHA-256 of s, or
// twelve zeros for an empty list: "this makes it clear to the user when
// a field has no values".
func truncatedHash(s string) string {
	if s == "" {
		return "000000000000"
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}
