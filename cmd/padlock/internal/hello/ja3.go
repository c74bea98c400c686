package hello

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"

	"padlock/internal/wire"
)

// JA3 returns the JA3 fingerprint of ch (Salesforce, 2017): the string
//
//	SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
//
// with each list's values in decimal, in wire order, joined by "-", and
// GREASE values left out; and the MD5 of that string in hex, which is
// what fingerprint databases hold. SSLVersion is the legacy_version field,
// so every TLS 1.3 client reads 771 (TLS 1.2) there.
func JA3(ch *wire.ClientHello) (s, hash string) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(int(ch.Vers)))
	b.WriteByte(',')
	decimals(&b, ch.CipherSuites)
	b.WriteByte(',')
	types := make([]uint16, len(ch.Extensions))
	for i, e := range ch.Extensions {
		types[i] = e.Type
	}
	decimals(&b, types)
	b.WriteByte(',')
	decimals(&b, ch.SupportedGroups)
	b.WriteByte(',')
	for i, f := range ch.ECPointFormats {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(int(f)))
	}
	s = b.String()
	sum := md5.Sum([]byte(s))
	return s, hex.EncodeToString(sum[:])
}

// decimals writes the values of list that are not GREASE, in decimal,
// joined by "-".
func decimals(b *strings.Builder, list []uint16) {
	first := true
	for _, v := range list {
		if wire.IsGREASE(v) {
			continue
		}
		if !first {
			b.WriteByte('-')
		}
		first = false
		b.WriteString(strconv.Itoa(int(v)))
	}
}
