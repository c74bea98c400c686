package main

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"padlock"
	"padlock/cmd/padlock/internal/hello"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// choice is one parameter the server chose for a visitor's connection,
// and why it is that one.
type choice struct {
	Parameter string `json:"parameter"`
	Value     string `json:"value"`
	Why       string `json:"why"`
	Weak      bool   `json:"weak,omitempty"` // the choice weakens the connection
}

// defaultServerGroups is padlock's server order of key exchange groups
// when Config.CurvePreferences is nil (serverGroups in the library's
// config.go, which does not export it): keep the two in step.
var defaultServerGroups = []uint16{
	uint16(padlock.X25519MLKEM768), uint16(padlock.X25519), uint16(padlock.SecP256r1MLKEM768),
	uint16(padlock.CurveP256), uint16(padlock.SecP384r1MLKEM1024), uint16(padlock.CurveP384),
	uint16(padlock.CurveP521),
}

// serverOrder is what a server configured with cfg prefers, in order:
// the cipher suites of the version negotiated, the groups and the
// signature schemes, as the library reads cfg.
func serverOrder(cfg *padlock.Config, vers uint16) (suiteIDs, groups, schemes []uint16) {
	tls13 := vers == padlock.VersionTLS13
	switch {
	case cfg.CipherSuites != nil:
		suiteIDs = slices.DeleteFunc(slices.Clone(cfg.CipherSuites), func(id uint16) bool {
			s := suites.SuiteByID(id)
			return s == nil || s.TLS13 != tls13
		})
	case tls13:
		suiteIDs = suites.Default13
	case cfg.EnableRSAKeyExchange:
		suiteIDs = slices.Concat(suites.Default12, suites.RSAKeyTransport12)
	default:
		suiteIDs = suites.Default12
	}
	groups = defaultServerGroups
	if cfg.CurvePreferences != nil {
		groups = nil
		for _, g := range cfg.CurvePreferences {
			groups = append(groups, uint16(g))
		}
	}
	if !tls13 { // the hybrids are TLS 1.3 only
		groups = slices.DeleteFunc(slices.Clone(groups), func(id uint16) bool {
			g := suites.GroupByID(id)
			return g == nil || g.Hybrid
		})
	}
	schemes = suites.DefaultSchemes12
	if tls13 {
		schemes = suites.DefaultSchemes13
	}
	if cfg.SignatureSchemes != nil {
		schemes = slices.DeleteFunc(slices.Clone(schemes), func(s uint16) bool {
			return !slices.Contains(cfg.SignatureSchemes, padlock.SignatureScheme(s))
		})
	}
	return suiteIDs, groups, schemes
}

// explainChoices says, for each parameter of st, why the server chose
// it from what ch offered. events are the server's trace.
func explainChoices(cfg *padlock.Config, st padlock.ConnectionState, ch *wire.ClientHello, events []trace.Event) []choice {
	ours, groups, schemes := serverOrder(cfg, st.Version)
	out := []choice{versionChoice(cfg, st, ch), suiteChoice(cfg, st, ours)}
	switch keyExchange(st) {
	case "":
		out = append(out, choice{Parameter: "key exchange", Value: "none (resumed session)",
			Why: "Your client resumed an earlier session without a new key exchange: this connection's keys derive from that session's secret."})
	case "RSA key transport":
		out = append(out, choice{Parameter: "key exchange", Value: "RSA key transport",
			Why: "The cipher suite chosen has no key exchange group: your client encrypted the premaster secret to the RSA key of the server's certificate. Nothing protects a recording of this connection from a later theft of that key."})
	default:
		out = append(out, groupChoice(cfg, st, ch, groups, events))
	}
	if st.DidResume {
		out = append(out, choice{Parameter: "authentication", Value: "resumed session",
			Why: "Your client offered a ticket from an earlier connection and the server accepted it: no certificate was sent and no signature made; the earlier session's secret vouches for both sides."})
	} else if st.SignatureScheme != 0 {
		out = append(out, schemeChoice(cfg, st, ch, schemes))
	}
	if st.Version == padlock.VersionTLS12 {
		out = append(out, emsChoice(st, ch))
	}
	if len(ch.ALPNProtocols) > 0 {
		out = append(out, alpnChoice(cfg, st, ch))
	}
	return out
}

func versionChoice(cfg *padlock.Config, st padlock.ConnectionState, ch *wire.ClientHello) choice {
	offered := "legacy_version " + hello.VersionName(ch.Vers) + " (no supported_versions extension)"
	if len(ch.SupportedVersions) > 0 {
		offered = "supported_versions " + names(ch.SupportedVersions, hello.VersionName)
	}
	lo, hi := cfg.MinVersion, cfg.MaxVersion
	if lo == 0 {
		lo = padlock.VersionTLS12
	}
	if hi == 0 {
		hi = padlock.VersionTLS13
	}
	return choice{Parameter: "version", Value: padlock.VersionName(st.Version), Why: fmt.Sprintf(
		"The highest version both sides speak. Your client offered %s; the server speaks %s to %s.",
		offered, padlock.VersionName(lo), padlock.VersionName(hi))}
}

func suiteChoice(cfg *padlock.Config, st padlock.ConnectionState, ours []uint16) choice {
	also := "."
	if st.Version != padlock.VersionTLS13 {
		// RFC 5246 section 7.4.2: a TLS 1.2 suite names the key of the
		// certificate it needs.
		also = ", and that its certificate's key can serve."
	}
	why := fmt.Sprintf("The server goes down its own list, in its order of preference (%s), and takes the first suite your client offered too%s",
		names(ours, padlock.CipherSuiteName), also)
	if cfg.PreferClientCipherSuites {
		why = fmt.Sprintf("The server follows your client's order: it takes the first suite you offered that it accepts (%s).",
			names(ours, padlock.CipherSuiteName))
	}
	return choice{Parameter: "cipher suite", Value: padlock.CipherSuiteName(st.CipherSuite), Why: why}
}

func groupChoice(cfg *padlock.Config, st padlock.ConnectionState, ch *wire.ClientHello, groups []uint16, events []trace.Event) choice {
	var shares []string
	for _, ks := range ch.KeyShares {
		shares = append(shares, suites.GroupName(ks.Group))
	}
	order := "in its own order (" + names(groups, suites.GroupName) + ")"
	if cfg.PreferClientCipherSuites {
		order = "in your client's order, among those it accepts (" + names(groups, suites.GroupName) + ")"
	}
	var why string
	switch {
	case st.Version != padlock.VersionTLS13:
		why = fmt.Sprintf("TLS 1.2 sends no key share in the hello: the server takes, %s, the first group in your supported_groups, and sends its public key in ServerKeyExchange.", order)
	case hasEvent(events, "HelloRetryRequest"):
		why = fmt.Sprintf("Your client sent key shares for %s, none of a group the server accepts, so the server took, %s, the first group in your supported_groups and asked for a key share for it with a HelloRetryRequest: one more round trip.",
			orNothing(shares), order)
		if cfg.StatelessRetry {
			why += " The server kept nothing between the two hellos (--stateless-retry): what it needed came back in the cookie of your second ClientHello (RFC 8446 section 4.2.2)."
		}
	default:
		why = fmt.Sprintf("Your client sent key shares for %s. The server takes, %s, the first group it has a key share for, so the key exchange completed in this one round trip.",
			orNothing(shares), order)
	}
	if g := suites.GroupByID(uint16(st.CurveID)); g != nil && g.Hybrid {
		why += " It is a post-quantum hybrid: ML-KEM and elliptic-curve Diffie-Hellman together, safe while either holds."
	}
	return choice{Parameter: "key exchange group", Value: st.CurveID.String(), Why: why}
}

func schemeChoice(cfg *padlock.Config, st padlock.ConnectionState, ch *wire.ClientHello, schemes []uint16) choice {
	key := "its"
	if certs := cfg.Certificates; len(certs) > 0 && len(certs[0].Certificate) > 0 {
		if leaf, err := x509.ParseCertificate(certs[0].Certificate[0]); err == nil {
			key = "an " + keyName(leaf.PublicKey) // ECDSA, RSA, Ed25519: all "an"
		}
	}
	return choice{Parameter: "signature scheme", Value: st.SignatureScheme.String(), Why: fmt.Sprintf(
		"The server's certificate has %s key. Of the schemes your client accepts (%s), the server takes the first, in its order (%s), that such a key can make.",
		key, names(ch.SignatureAlgorithms, suites.SchemeName), names(schemes, suites.SchemeName))}
}

// emsChoice says whether a TLS 1.2 connection's master secret covers
// its handshake (RFC 7627), and what the server holds back when it does
// not: a weakness the server accepts unless started with --require-ems.
func emsChoice(st padlock.ConnectionState, ch *wire.ClientHello) choice {
	const param = "extended master secret"
	switch {
	case st.DidResume:
		return choice{Parameter: param, Value: "yes", Why: "The session resumed was made with the extended master secret (RFC 7627), the only kind the server resumes: " +
			"its master secret covers the handshake that made it."}
	case st.ExtendedMasterSecret:
		return choice{Parameter: param, Value: "yes", Why: "Your client offered the extended master secret (RFC 7627) and the server uses it: " +
			"the master secret covers the whole handshake, so no other connection can be made to share it."}
	}
	why := "Your client did not offer the extended master secret (RFC 7627)."
	if ch.ExtendedMasterSecret {
		why = "Your client offered the extended master secret (RFC 7627), but this server is configured not to use it."
	}
	return choice{Parameter: param, Value: "no", Weak: true, Why: why + " The server goes on, as most servers do, but the master secret covers only the two randoms, not the handshake: " +
		"a man in the middle could make this session and one of its own share a master secret (the triple handshake attack). " +
		"So the server will not resume this session and exports no keying material from it (RFC 7627 sections 5.3 and 5.4). " +
		"Started with --require-ems, it would have refused your client with a handshake_failure alert."}
}

func alpnChoice(cfg *padlock.Config, st padlock.ConnectionState, ch *wire.ClientHello) choice {
	value := st.NegotiatedProtocol
	if value == "" {
		value = "none"
	}
	return choice{Parameter: "application protocol (ALPN)", Value: value, Why: fmt.Sprintf(
		"Your client offered %s; the server takes the first protocol in its own list (%s) that you offered.",
		strings.Join(ch.ALPNProtocols, ", "), orNothing(cfg.NextProtos))}
}

// hasEvent reports whether events hold one named name.
func hasEvent(events []trace.Event, name string) bool {
	return slices.ContainsFunc(events, func(e trace.Event) bool { return e.Name == name })
}

// names joins the names of ids.
func names(ids []uint16, name func(uint16) string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return strings.Join(out, ", ")
}

// orNothing joins list, or says it is empty.
func orNothing(list []string) string {
	if len(list) == 0 {
		return "nothing"
	}
	return strings.Join(list, ", ")
}
