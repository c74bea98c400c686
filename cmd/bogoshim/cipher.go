package main

import (
	"strings"

	"padlock"
)

// suites12 are padlock's TLS 1.2 suites with their OpenSSL names, which
// the runner uses beside the standard ones in -cipher.
var suites12 = []struct {
	id      uint16
	openssl string
}{
	{padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256"},
	{padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384"},
	{padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305"},
	{padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256"},
	{padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384"},
	{padlock.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305"},
	{padlock.TLS_RSA_WITH_AES_128_GCM_SHA256, "AES128-GCM-SHA256"},
	{padlock.TLS_RSA_WITH_AES_256_GCM_SHA384, "AES256-GCM-SHA384"},
}

// parseCipherString reads the part of OpenSSL's cipher-list syntax the
// runner's tests use with suites padlock has: a colon-separated list of
// suite names, standard or OpenSSL's, or ALL and DEFAULT for every one.
// Anything else (operators, aliases, equal-preference groups) is
// unimplemented, as is a list naming only suites padlock lacks.
func parseCipherString(s string) ([]uint16, error) {
	var ids []uint16
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		switch tok {
		case "ALL", "DEFAULT":
			for _, st := range suites12 {
				ids = append(ids, st.id)
			}
			continue
		}
		found := false
		for _, st := range suites12 {
			if tok == st.openssl || tok == padlock.CipherSuiteName(st.id) {
				ids, found = append(ids, st.id), true
			}
		}
		if !found {
			return nil, unimplementedf("cipher string %q", s)
		}
	}
	if len(ids) == 0 {
		return nil, unimplementedf("cipher string %q", s)
	}
	return ids, nil
}
