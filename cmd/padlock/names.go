package main

import (
	"fmt"
	"strings"

	"padlock"
	"padlock/internal/suites"
)

// parseList splits a comma-separated list, dropping empty items.
func parseList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parseVersion reads "1.2" or "1.3" (also "TLS 1.3", "tls1.3").
func parseVersion(s string) (uint16, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.TrimSpace(strings.TrimPrefix(v, "tls"))
	v = strings.TrimPrefix(v, "v")
	switch v {
	case "1.2":
		return padlock.VersionTLS12, nil
	case "1.3":
		return padlock.VersionTLS13, nil
	case "1.0", "1.1", "1", "3.0":
		return 0, fmt.Errorf("version %q is obsolete and padlock does not speak it (RFC 8996); use 1.2 or 1.3", s)
	}
	return 0, fmt.Errorf("unknown version %q (want 1.2 or 1.3)", s)
}

// allSuites lists the cipher suites padlock implements, for messages.
var allSuites = []uint16{
	padlock.TLS_AES_128_GCM_SHA256, padlock.TLS_AES_256_GCM_SHA384, padlock.TLS_CHACHA20_POLY1305_SHA256,
	padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	padlock.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, padlock.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	padlock.TLS_RSA_WITH_AES_128_GCM_SHA256, padlock.TLS_RSA_WITH_AES_256_GCM_SHA384,
}

// allGroups lists the key exchange groups padlock implements.
var allGroups = []padlock.CurveID{
	padlock.X25519MLKEM768, padlock.X25519, padlock.CurveP256, padlock.CurveP384,
	padlock.CurveP521, padlock.SecP256r1MLKEM768, padlock.SecP384r1MLKEM1024,
}

// parseSuites reads a list of cipher suites by IANA name, in any case.
func parseSuites(s string) ([]uint16, error) {
	var ids []uint16
	for _, name := range parseList(s) {
		suite := suites.SuiteByName(name)
		if suite == nil {
			known := make([]string, len(allSuites))
			for i, id := range allSuites {
				known[i] = padlock.CipherSuiteName(id)
			}
			return nil, fmt.Errorf("unknown cipher suite %q; padlock implements %s", name, strings.Join(known, ", "))
		}
		ids = append(ids, suite.ID)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("empty list of cipher suites")
	}
	return ids, nil
}

// parseGroups reads a list of key exchange groups by IANA name, in any
// case; P-256 and P-384 name the NIST curves too.
func parseGroups(s string) ([]padlock.CurveID, error) {
	var ids []padlock.CurveID
	for _, name := range parseList(s) {
		g := suites.GroupByName(name)
		if g == nil {
			known := make([]string, len(allGroups))
			for i, id := range allGroups {
				known[i] = id.String()
			}
			return nil, fmt.Errorf("unknown group %q; padlock implements %s (P-256 and P-384 also work)", name, strings.Join(known, ", "))
		}
		ids = append(ids, padlock.CurveID(g.ID))
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("empty list of groups")
	}
	return ids, nil
}

// tlsFlags are the flags serve and connect share.
type tlsFlags struct {
	minVersion, maxVersion *string
	suites, groups, alpn   *string
	keylog                 *string
	requireEMS             *bool
}

func (t *tlsFlags) register(fs *flagSet, alpnDefault string) {
	t.minVersion = fs.String("min-version", "1.2", "the oldest TLS version to accept")
	t.maxVersion = fs.String("max-version", "1.3", "the newest TLS version to offer")
	fs.argName("min-version", "1.2|1.3")
	fs.argName("max-version", "1.2|1.3")
	fs.argNames(map[string]string{"suites": "LIST", "groups": "LIST", "alpn": "LIST"})
	t.suites = fs.String("suites", "", "cipher suites to enable, by IANA name, in preference order, comma-separated")
	t.groups = fs.String("groups", "", "key exchange groups to enable (x25519, secp256r1, secp384r1, X25519MLKEM768, ...) in preference order, comma-separated")
	t.alpn = fs.String("alpn", alpnDefault, "application protocols (ALPN) in preference order, comma-separated")
	t.keylog = fs.String("keylog", "", "append the connection secrets to `FILE` in the NSS key log format, for Wireshark (default $SSLKEYLOGFILE)")
	t.requireEMS = fs.Bool("require-ems", false, "refuse, with a handshake_failure alert, a TLS 1.2 peer without the extended master secret (RFC 7627); "+
		"by default such a peer is accepted, but its session is never resumed, exports no keying material and is marked weak")
}

// apply sets what the flags say in cfg; its errors are usage errors.
func (t *tlsFlags) apply(cfg *padlock.Config) error {
	var err error
	if cfg.MinVersion, err = parseVersion(*t.minVersion); err != nil {
		return fmt.Errorf("--min-version: %w", err)
	}
	if cfg.MaxVersion, err = parseVersion(*t.maxVersion); err != nil {
		return fmt.Errorf("--max-version: %w", err)
	}
	if cfg.MinVersion > cfg.MaxVersion {
		return fmt.Errorf("--min-version %s is newer than --max-version %s", *t.minVersion, *t.maxVersion)
	}
	if *t.suites != "" {
		if cfg.CipherSuites, err = parseSuites(*t.suites); err != nil {
			return fmt.Errorf("--suites: %w", err)
		}
	}
	if *t.groups != "" {
		if cfg.CurvePreferences, err = parseGroups(*t.groups); err != nil {
			return fmt.Errorf("--groups: %w", err)
		}
	}
	cfg.NextProtos = parseList(*t.alpn)
	cfg.RequireExtendedMasterSecret = *t.requireEMS
	return nil
}
