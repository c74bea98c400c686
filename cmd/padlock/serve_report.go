package main

import (
	"fmt"
	"net/http"
	"strings"

	"padlock/cmd/padlock/internal/hello"
	"padlock/cmd/padlock/internal/httpfp"
	"padlock/internal/wire"
	"padlock/padlockhttp"
	"padlock/trace"
)

// visitorReport is a visitor's handshake as the page and the API show it.
type visitorReport struct {
	connReport
	RemoteAddr    string       `json:"remote_addr"`
	ClientOffered clientHello  `json:"client_offered"`
	JA3           string       `json:"ja3"`
	JA3Hash       string       `json:"ja3_hash"`
	JA4           string       `json:"ja4"`
	JA4Raw        string       `json:"ja4_r"`
	Rating        hello.Rating `json:"rating"`
	Choices       []choice     `json:"choices"`
	// CertCompression says how the server's certificate went compressed
	// (RFC 8879), or is empty when it went as it is.
	CertCompression string `json:"certificate_compression"`
	// ECH says whether the visitor used Encrypted Client Hello.
	ECH echVisit `json:"ech"`
	// HTTP is the visitor's HTTP layer, read from the first bytes it
	// sent after the handshake.
	HTTP httpfp.Layer `json:"http"`
	// Verdict is the summary in words.
	Verdict verdict `json:"verdict"`
	// Permalink is the path where this result is kept for sharing, and
	// SavedAt when it was kept (RFC 3339, UTC).
	Permalink string `json:"permalink"`
	SavedAt   string `json:"saved_at"`

	offer hello.Offer // the same offer with GREASE marked, for the page
}

// clientHello is what the visitor's client offered, from its ClientHello.
// The lists hold names, GREASE values as "GREASE(0x0A0A)".
type clientHello struct {
	ServerName          string            `json:"server_name"`
	LegacyVersion       string            `json:"legacy_version"`
	Versions            []string          `json:"supported_versions"`
	CipherSuites        []string          `json:"cipher_suites"`
	Groups              []string          `json:"supported_groups"`
	KeyShares           []string          `json:"key_shares"`
	SignatureAlgorithms []string          `json:"signature_algorithms"`
	ALPN                []string          `json:"alpn"`
	Extensions          []string          `json:"extensions"`
	ExtensionsDecoded   []hello.Extension `json:"extensions_decoded"`
	GREASE              bool              `json:"grease"`
}

// report describes the request's connection; ok is false when the
// request did not come over a padlock connection.
func (s *server) report(r *http.Request) (visitorReport, bool) {
	st, ok := padlockhttp.ConnectionState(r)
	if !ok {
		return visitorReport{}, false
	}
	events := padlockhttp.Events(r)
	v := visitorReport{
		connReport:      newConnReport(st, events, nil),
		RemoteAddr:      r.RemoteAddr,
		ClientOffered:   clientHello{},
		Choices:         []choice{},
		CertCompression: certCompression(events),
	}
	ch := firstClientHello(events)
	v.ECH = newECHVisit(st, ch, s.cfg != nil && len(s.cfg.EncryptedClientHelloKeys) > 0)
	if ch != nil {
		v.offer = hello.Describe(ch)
		v.ClientOffered = newClientHello(v.offer)
		v.JA3, v.JA3Hash = hello.JA3(ch)
		v.JA4, v.JA4Raw = hello.JA4(ch)
		v.Rating = hello.Rate(ch)
		if s.cfg != nil {
			v.Choices = explainChoices(s.cfg, st, ch, events)
		}
	}
	v.HTTP = httpfp.Parse(padlockhttp.FirstBytes(r))
	v.Verdict = newVerdict(&v)
	return v, true
}

// certCompression describes the CompressedCertificate the server sent,
// as "brotli: 1834 bytes instead of 2512, 678 saved (26%)", or returns
// "" when it sent none.
func certCompression(events []trace.Event) string {
	for i := range events {
		e := &events[i]
		if e.Name != "CompressedCertificate" || e.Dir != trace.Sent || e.Side != trace.Server {
			continue
		}
		var m wire.CompressedCertificate
		if err := m.Unmarshal(e.Raw); err != nil {
			return ""
		}
		plain, sent := 4+int(m.UncompressedLength), len(e.Raw)
		return fmt.Sprintf("%s: %d bytes instead of %d, %d saved (%d%%)",
			wire.CertCompressionName(m.Algorithm), sent, plain, plain-sent, (plain-sent)*100/plain)
	}
	return ""
}

// firstClientHello parses the first ClientHello the server received:
// what the client offered before any HelloRetryRequest, which is what
// fingerprints describe.
func firstClientHello(events []trace.Event) *wire.ClientHello {
	for i := range events {
		e := &events[i]
		if e.Name != "ClientHello" || e.Dir != trace.Received || e.Side != trace.Server {
			continue
		}
		m, err := wire.Parse(e.Raw, true)
		if err != nil {
			return nil
		}
		ch, _ := m.(*wire.ClientHello)
		return ch
	}
	return nil
}

// newClientHello lists the offer by name.
func newClientHello(o hello.Offer) clientHello {
	c := clientHello{
		ServerName:          o.ServerName,
		LegacyVersion:       o.LegacyVersion,
		Versions:            itemNames(o.Versions),
		CipherSuites:        itemNames(o.CipherSuites),
		Groups:              itemNames(o.Groups),
		KeyShares:           make([]string, len(o.KeyShares)),
		SignatureAlgorithms: itemNames(o.SignatureAlgorithms),
		ALPN:                o.ALPN,
		Extensions:          make([]string, len(o.Extensions)),
		ExtensionsDecoded:   o.Extensions,
		GREASE:              o.GREASE,
	}
	for i, k := range o.KeyShares {
		c.KeyShares[i] = k.String()
	}
	for i, e := range o.Extensions {
		c.Extensions[i] = e.Name
	}
	return c
}

func itemNames(items []hello.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Name
	}
	return out
}

// pageMessage is one handshake message as the page shows it: its bytes
// annotated field by field.
type pageMessage struct {
	N     int // the step it is
	Title string
	Dump  string
}

// pageMessages dumps every message of the server's trace, decrypted as
// the server read or wrote it. Messages hold no secret: keys never
// appear in a handshake message, and the trace has none.
func pageMessages(events []trace.Event) []pageMessage {
	var out []pageMessage
	for i, e := range events {
		if e.Kind != trace.KindMessage || len(e.Raw) == 0 {
			continue
		}
		var b strings.Builder
		if err := trace.HexDump(&b, e, trace.HexOptions{}); err != nil {
			continue
		}
		who := "server → you"
		if e.Dir == trace.Received {
			who = "you → server"
		}
		out = append(out, pageMessage{N: i + 1, Title: e.Name + ", " + who + ", " + plural(len(e.Raw), "byte"), Dump: b.String()})
	}
	return out
}
