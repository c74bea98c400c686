package httpfp

import (
	"bytes"
	"strings"
)

// parseHTTP1 reads an HTTP/1.x request head (RFC 9112 section 2.1):
// the request line, then header lines up to an empty line.
func parseHTTP1(b []byte) Layer {
	var l Layer
	head, _, complete := bytes.Cut(b, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	if !complete { // the last line may be cut short
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return l
	}
	fields := strings.Fields(lines[0])
	if len(fields) != 3 || !strings.HasPrefix(fields[2], "HTTP/1.") {
		return Layer{}
	}
	l.Protocol = fields[2]
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return l // not a header: net/http refuses the request too
		}
		l.Headers = append(l.Headers, newHeader(name, strings.Trim(value, " \t")))
	}
	l.UserAgent = userAgent(l.Headers)
	l.Complete = complete
	return l
}
