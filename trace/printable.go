package trace

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable returns s in a form safe to print to a terminal or write into
// a log line: every character that is not printable text (control
// characters such as ESC, newline and NUL; C1 controls; Unicode format
// characters such as bidirectional overrides; bytes that are not UTF-8)
// is replaced by its Go escape (\x1b, \n, \u202e, \xff), so no escape
// sequence reaches a terminal and no line is split. Printable text,
// letters of any script included, is unchanged, and so are quotes and
// backslashes: the result is for reading, not for parsing back.
//
// A peer chooses much of what padlock shows: the server_name and ALPN
// protocols it offers, the names in its certificates, the values in its
// messages. The text renderers pass every event's text through Printable,
// and so must any other place that prints such a value as text. JSON
// (encoding/json) and HTML (html/template) have escaping of their own.
func Printable(s string) string {
	i := 0
	for i < len(s) && ' ' <= s[i] && s[i] < utf8.RuneSelf && s[i] != 0x7f {
		i++
	}
	if i == len(s) {
		return s // plain ASCII text: the common case, with no copy
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[s[i]>>4])
			b.WriteByte("0123456789abcdef"[s[i]&15])
		case strconv.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			q := strconv.QuoteRune(r) // '\x1b', '\u202e': the escape between quotes
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}
