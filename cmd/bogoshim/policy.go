package main

import "padlock"

// policies are BoringSSL's compliance policies as padlock configuration:
// what each allows of versions, suites, groups and signature schemes
// (BoringSSL's ssl_compliance_policy_fips_202205 and _wpa3_192_202304,
// as its tests describe them).
var policies = map[string]struct {
	suites  []uint16
	groups  []padlock.CurveID
	schemes []padlock.SignatureScheme
}{
	"fips-202205": {
		suites: []uint16{padlock.TLS_AES_128_GCM_SHA256, padlock.TLS_AES_256_GCM_SHA384,
			padlock.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			padlock.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
		groups: []padlock.CurveID{padlock.CurveP256, padlock.CurveP384},
		schemes: []padlock.SignatureScheme{padlock.PKCS1WithSHA256, padlock.PKCS1WithSHA384, padlock.PKCS1WithSHA512,
			padlock.ECDSAWithP256AndSHA256, padlock.ECDSAWithP384AndSHA384,
			padlock.PSSWithSHA256, padlock.PSSWithSHA384, padlock.PSSWithSHA512},
	},
	"wpa-202304": {
		suites: []uint16{padlock.TLS_AES_256_GCM_SHA384,
			padlock.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, padlock.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
		groups: []padlock.CurveID{padlock.CurveP384},
		schemes: []padlock.SignatureScheme{padlock.PKCS1WithSHA384, padlock.PKCS1WithSHA512,
			padlock.ECDSAWithP384AndSHA384, padlock.PSSWithSHA384, padlock.PSSWithSHA512},
	},
}

// applyPolicy restricts cfg to a compliance policy, if one is named.
func applyPolicy(cfg *padlock.Config, name string) {
	p, ok := policies[name]
	if !ok {
		return
	}
	cfg.MinVersion = max(cfg.MinVersion, padlock.VersionTLS12)
	cfg.CipherSuites, cfg.CurvePreferences, cfg.SignatureSchemes = p.suites, p.groups, p.schemes
}
