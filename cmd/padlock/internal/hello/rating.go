package hello

import (
	"fmt"
	"slices"
	"strings"

	"padlock/internal/suites"
	"padlock/internal/wire"
)

// Rating grades what a ClientHello offers, from A (modern, nothing
// obsolete) through B and C to F (broken parts), with every finding that
// led to the grade.
type Rating struct {
	Grade   string   `json:"grade"`
	Summary string   `json:"summary"`
	Reasons []Reason `json:"reasons"`
}

// Reason is one finding: a strength, or a weakness and the best grade it
// allows.
type Reason struct {
	Cap  string `json:"cap"` // "A" for a strength; else the best grade possible with this weakness
	Text string `json:"text"`
}

// Good reports whether the reason is a strength.
func (r Reason) Good() bool { return r.Cap == "A" }

// grades in order, best first.
const grades = "ABCF"

var summaries = map[string]string{
	"A": "A modern offer: nothing obsolete, and ready for post-quantum key exchange.",
	"B": "A sound offer, with some weaknesses kept for compatibility with old servers.",
	"C": "An offer with real weaknesses: a server that picks them weakens the connection.",
	"F": "An offer with broken parts: a server that picks them leaves the connection open to known attacks.",
}

// Rate grades the offer of ch. The grade is the worst cap among the
// findings; the weaknesses come first, worst first, then the strengths.
func Rate(ch *wire.ClientHello) Rating {
	var r []Reason
	r = rateVersions(r, ch)
	r = rateGroups(r, ch)
	r = rateSuites(r, ch)
	if offersTLS12(ch) {
		r = rateTLS12Extensions(r, ch)
	}
	r = rateSignatures(r, ch)
	if slices.ContainsFunc(ch.CompressionMethods, func(m uint8) bool { return m != 0 }) {
		r = append(r, Reason{"F", "Offers TLS compression: the CRIME attack reads secrets such as cookies through the compressed sizes."})
	}
	slices.SortStableFunc(r, func(a, b Reason) int {
		return strings.IndexByte(grades, b.Cap[0]) - strings.IndexByte(grades, a.Cap[0])
	})
	grade := "A"
	if len(r) > 0 {
		grade = r[0].Cap
	}
	return Rating{Grade: grade, Summary: summaries[grade], Reasons: r}
}

// offeredVersions returns the versions ch offers, GREASE left out.
func offeredVersions(ch *wire.ClientHello) []uint16 {
	if len(ch.SupportedVersions) > 0 {
		return withoutGREASE(ch.SupportedVersions)
	}
	// Without supported_versions, legacy_version is the highest version,
	// and the client accepts the ones below it (RFC 5246 appendix E.1).
	var vs []uint16
	for v := ch.Vers; v >= 0x0301 && v <= 0x0303; v-- {
		vs = append(vs, v)
	}
	return vs
}

func offersTLS12(ch *wire.ClientHello) bool {
	return slices.Contains(offeredVersions(ch), 0x0303)
}

func rateVersions(r []Reason, ch *wire.ClientHello) []Reason {
	vs := offeredVersions(ch)
	top := uint16(0)
	for _, v := range vs {
		top = max(top, v)
	}
	switch {
	case top >= 0x0304:
		r = append(r, Reason{"A", "Offers TLS 1.3: one round trip, the certificates encrypted, forward secrecy always."})
	case top == 0x0303:
		r = append(r, Reason{"C", "Does not offer TLS 1.3: two round trips, the certificates in the clear, and TLS 1.2's older designs."})
	default:
		r = append(r, Reason{"F", fmt.Sprintf("Offers nothing newer than %s, which RFC 8996 forbids.", VersionName(ch.Vers))})
	}
	var old []string
	for _, v := range vs {
		if v < 0x0303 {
			old = append(old, VersionName(v))
		}
	}
	if len(old) > 0 && top >= 0x0303 {
		r = append(r, Reason{"C", "Still offers " + strings.Join(old, " and ") + ", deprecated by RFC 8996: a handshake that leans on MD5 and SHA-1, and no AEAD cipher suite."})
	}
	return r
}

// postQuantum are the hybrid and pure ML-KEM groups, standard and draft.
var postQuantum = []uint16{0x11EB, 0x11EC, 0x11ED, 0x0200, 0x0201, 0x0202, 0x6399, 0x639A}

func rateGroups(r []Reason, ch *wire.ClientHello) []Reason {
	var pq []string
	for _, g := range ch.SupportedGroups {
		if slices.Contains(postQuantum, g) {
			pq = append(pq, suites.GroupName(g))
		}
	}
	if len(pq) > 0 {
		return append(r, Reason{"A", "Offers " + strings.Join(pq, ", ") + ": post-quantum key exchange, so a recording of the connection stays safe even from a future quantum computer."})
	}
	return append(r, Reason{"B", "Offers no post-quantum key exchange group (such as X25519MLKEM768): whoever records the connection today could decrypt it with a large enough quantum computer."})
}

// suiteFlaw classifies a cipher suite by its IANA name: "" when it is
// fine, else what is wrong with it and the grade it caps.
func suiteFlaw(name string) (flaw, grade string) {
	switch {
	case strings.Contains(name, "_NULL_") || strings.HasSuffix(name, "_NULL"):
		return "no encryption", "F"
	case strings.Contains(name, "EXPORT"):
		return "export-grade keys", "F"
	case strings.Contains(name, "_anon_"):
		return "no authentication", "F"
	case strings.Contains(name, "RC4"):
		return "RC4, broken", "F"
	case strings.Contains(name, "_DES_CBC_") || strings.Contains(name, "DES40") || strings.Contains(name, "RC2"):
		return "56-bit or weaker keys", "F"
	case strings.Contains(name, "3DES") || strings.Contains(name, "IDEA"):
		return "64-bit blocks (Sweet32)", "C"
	case strings.Contains(name, "_CBC_"):
		return "CBC mode", "B"
	case strings.HasPrefix(name, "TLS_RSA_WITH_"):
		return "RSA key transport", "B"
	}
	return "", ""
}

func rateSuites(r []Reason, ch *wire.ClientHello) []Reason {
	byFlaw := map[string][]string{}
	var flaws []string
	grade := map[string]string{}
	for _, id := range withoutGREASE(ch.CipherSuites) {
		name := suites.SuiteName(id)
		f, g := suiteFlaw(name)
		if f == "" {
			continue
		}
		if _, seen := byFlaw[f]; !seen {
			flaws = append(flaws, f)
			grade[f] = g
		}
		byFlaw[f] = append(byFlaw[f], name)
	}
	for _, f := range flaws {
		r = append(r, Reason{grade[f], suiteWords(f, byFlaw[f])})
	}
	if len(flaws) == 0 {
		r = append(r, Reason{"A", "Offers only AEAD cipher suites with forward secrecy."})
	}
	return r
}

// suiteWords says what is wrong with the suites of one flaw.
func suiteWords(flaw string, names []string) string {
	list := strings.Join(names, ", ")
	n := fmt.Sprintf("%d suite", len(names))
	if len(names) > 1 {
		n += "s"
	}
	switch flaw {
	case "CBC mode":
		return fmt.Sprintf("Offers %s in CBC mode (%s): obsolete, kept for old servers; MAC-then-encrypt invites padding-oracle attacks such as Lucky13.", n, list)
	case "RSA key transport":
		return fmt.Sprintf("Offers %s with RSA key transport (%s): no forward secrecy, so whoever obtains the server's key later can decrypt a recording.", n, list)
	}
	return fmt.Sprintf("Offers %s with %s (%s).", n, flaw, list)
}

// rateTLS12Extensions checks the extensions that fix TLS 1.2.
func rateTLS12Extensions(r []Reason, ch *wire.ClientHello) []Reason {
	if ch.ExtendedMasterSecret {
		r = append(r, Reason{"A", "Offers the extended master secret (RFC 7627), which ties a TLS 1.2 session to its handshake."})
	} else {
		r = append(r, Reason{"B", "Does not offer the extended master secret (RFC 7627): a TLS 1.2 session is open to the triple handshake attack."})
	}
	if ch.SecureRenegotiationSupported || slices.Contains(ch.CipherSuites, 0x00FF) {
		r = append(r, Reason{"A", "Signals secure renegotiation (RFC 5746)."})
	} else {
		r = append(r, Reason{"C", "Signals no secure renegotiation (RFC 5746): a TLS 1.2 server cannot rule out the renegotiation attack of 2009."})
	}
	return r
}

// rateSignatures flags SHA-1 and MD5 signature algorithms.
func rateSignatures(r []Reason, ch *wire.ClientHello) []Reason {
	var weak []string
	for _, id := range ch.SignatureAlgorithms {
		if h := id >> 8; h == 1 || h == 2 { // md5, sha1 (RFC 5246 section 7.4.1.4.1)
			weak = append(weak, suites.SchemeName(id))
		}
	}
	if len(weak) > 0 {
		r = append(r, Reason{"B", "Accepts signatures with SHA-1 or MD5 (" + strings.Join(weak, ", ") + "), whose collisions can be forged."})
	}
	return r
}
