package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// verdict is the page's answer in one sentence: how good the visitor's
// TLS is, and the main reason.
type verdict struct {
	Word string `json:"word"` // "excellent", "fine" or "weak"; "" with no ClientHello to judge
	Text string `json:"text"` // "Your browser's TLS is excellent, because ..."
}

// verdictWords turn a rating's grade into a word.
var verdictWords = map[string]string{"A": "excellent", "B": "fine", "C": "weak", "F": "weak"}

// newVerdict judges v by the rating of its offer and by the connection
// made: a weak choice (a TLS 1.2 connection without the extended master
// secret) makes it weak whatever the offer.
func newVerdict(v *visitorReport) verdict {
	word := verdictWords[v.Rating.Grade]
	if word == "" {
		return verdict{}
	}
	who := "Your client's"
	if strings.HasPrefix(v.HTTP.UserAgent, "Mozilla/") {
		who = "Your browser's"
	}
	var because string
	for _, c := range v.Choices {
		if c.Weak {
			word, because = "weak", weakChoiceReason(c)
			break
		}
	}
	if because == "" {
		because = offerReason(v, word)
	}
	return verdict{Word: word, Text: who + " TLS is " + word + ", because " + because}
}

// offerReason says why the offer earned its word.
func offerReason(v *visitorReport, word string) string {
	var weakness string
	for _, r := range v.Rating.Reasons {
		if !r.Good() {
			weakness = "it " + lowerFirst(r.Text)
			break
		}
	}
	switch word {
	case "excellent":
		pq := ""
		if v.Group != "" && strings.Contains(v.Group, "MLKEM") {
			pq = ", a post-quantum key exchange,"
		}
		return "this connection uses " + connWords(v) + pq + " and its offer holds nothing obsolete."
	case "fine":
		return "this connection uses " + connWords(v) + ", but its offer has a weakness: " + weakness
	}
	return weakness
}

// connWords names the version and key exchange: "TLS 1.3 with X25519".
func connWords(v *visitorReport) string {
	switch {
	case v.Group != "":
		return v.Version + " with " + v.Group
	case v.Resumed:
		return v.Version + ", resuming an earlier session"
	}
	return v.Version + " with RSA key transport"
}

// weakChoiceReason says what a weak choice costs.
func weakChoiceReason(c choice) string {
	if c.Parameter == "extended master secret" {
		return "this TLS 1.2 connection has no extended master secret (RFC 7627): a man in the middle could make another session share its master secret (the triple handshake attack)."
	}
	return "of this connection's " + c.Parameter + ", " + c.Value + ": " + lowerFirst(c.Why)
}

// lowerFirst lower-cases a sentence's first letter, unless the first
// word is an acronym (TLS, RSA).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || len(s) > n && unicode.IsUpper(rune(s[n])) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
