// Package httpfp reads the HTTP layer of a connection from the first
// bytes its client sent: the user agent, the request headers in the
// order received, and for HTTP/2 the client's SETTINGS, WINDOW_UPDATE
// and PRIORITY frames and its pseudo-header order, summed up as the
// Akamai HTTP/2 fingerprint (Shuster and Segal, "Passive Fingerprinting
// of HTTP/2 Clients", Black Hat EU 2017).
//
// It parses a copy of the bytes (padlockhttp.FirstBytes), never the
// stream net/http reads, so nothing it does can disturb the connection.
// The input is the client's and may be anything: Parse never panics, and
// what it keeps is bounded by the input's size.
package httpfp

import (
	"bytes"
	"strings"
)

// Layer is what the first bytes tell of a client's HTTP.
type Layer struct {
	// Protocol is "HTTP/2", "HTTP/1.1" (or the version the request line
	// names), or "" when the bytes are neither.
	Protocol string `json:"protocol"`
	// UserAgent is the first request's User-Agent, "" when it sent none.
	UserAgent string `json:"user_agent"`
	// Headers are the first request's headers in the order received, as
	// spelled (HTTP/1.1 keeps the case; HTTP/2 sends lower case), the
	// HTTP/2 pseudo-headers first, as sent. Credentials are not kept
	// (see Redacted).
	Headers []Header `json:"headers"`
	// HTTP2 holds the frames of an HTTP/2 client, nil for HTTP/1.
	HTTP2 *HTTP2 `json:"http2,omitempty"`
	// Complete is false when the bytes ended before the first request's
	// headers did (the copy is bounded), or did not parse; Headers then
	// hold what came before.
	Complete bool `json:"complete"`
}

// Header is one request header.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// redacted are the headers whose values are credentials: a page that
// shows the headers, and may be shared, must not show them.
var redacted = []string{"cookie", "authorization", "proxy-authorization"}

// Redacted reports whether the value of header name is withheld.
func Redacted(name string) bool {
	for _, r := range redacted {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// newHeader makes a header, withholding a credential's value.
func newHeader(name, value string) Header {
	if Redacted(name) {
		value = "(" + itoa(len(value)) + " bytes, not shown)"
	}
	return Header{Name: name, Value: value}
}

// Parse reads the first bytes a client sent after the TLS handshake.
// Its lists are empty, never nil, so that their JSON is always a list.
func Parse(first []byte) Layer {
	var l Layer
	switch {
	case bytes.HasPrefix(first, []byte(h2Preface)):
		l = parseHTTP2(first[len(h2Preface):])
	case len(first) > 0 && bytes.HasPrefix([]byte(h2Preface), first):
		l = Layer{Protocol: "HTTP/2", HTTP2: newHTTP2()}
	default:
		l = parseHTTP1(first)
	}
	if l.Headers == nil {
		l.Headers = []Header{}
	}
	return l
}

// userAgent finds the User-Agent among hs.
func userAgent(hs []Header) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, "user-agent") {
			return h.Value
		}
	}
	return ""
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
