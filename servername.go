package padlock

import (
	"net/netip"
	"strings"

	"padlock/internal/alert"
)

// This file holds the rules for the name in server_name (RFC 6066 section
// 3): what a padlock client sends and what a padlock server accepts.
//
// The wire package only parses the extension: a list it cannot read, an
// empty name or two host_name entries are decode_error there. Whether the
// name is a host name is decided here, once the ClientHello is read, so
// that traces, fingerprints and the capture explainer can still show what
// a hostile client sent.

// maxHostNameLen is the longest DNS name in text form: 255 octets on the
// wire (RFC 1035 section 2.3.4) hold 253 characters, the length octets of
// the first label and of the root being the other two.
const maxHostNameLen = 253

// maxLabelLen is the longest DNS label (RFC 1035 section 2.3.4).
const maxLabelLen = 63

// checkServerName refuses a server_name that is not an ASCII DNS host
// name "without a trailing dot" (RFC 6066 section 3). The name goes on to
// certificate selection, GetCertificate, the session caches,
// ConnectionState and the logs built from it, so nothing in it may drive
// a terminal or split a line. A name that parsed but breaks these rules
// is a field "incorrectly formatted" (RFC 8446 section 6.2):
// illegal_parameter.
func checkServerName(name string) error {
	if name == "" {
		return nil // no server_name
	}
	if len(name) > maxHostNameLen {
		return alertf(alert.IllegalParameter, "server_name of %d bytes is longer than a DNS name can be (%d)", len(name), maxHostNameLen)
	}
	// "Literal IPv4 and IPv6 addresses are not permitted in HostName."
	// OpenSSL, BoringSSL and crypto/tls accept them from a client; padlock
	// follows the RFC, as its own client does by leaving them out.
	if _, err := netip.ParseAddr(name); err == nil {
		return alertf(alert.IllegalParameter, "server_name %q is an IP address, which RFC 6066 section 3 does not permit", name)
	}
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return alertf(alert.IllegalParameter, "server_name %q is not ASCII; an international name goes as its A-label (xn--...)", name)
		}
		if !isHostNameByte(name[i]) {
			return alertf(alert.IllegalParameter, "server_name %q holds the byte 0x%02x, which no DNS host name has", name, name[i])
		}
	}
	if strings.HasSuffix(name, ".") {
		return alertf(alert.IllegalParameter, "server_name %q ends with a dot, which RFC 6066 section 3 leaves out", name)
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" {
			return alertf(alert.IllegalParameter, "server_name %q has an empty label", name)
		}
		if len(label) > maxLabelLen {
			return alertf(alert.IllegalParameter, "server_name %q has a label of %d bytes; DNS allows %d", name, len(label), maxLabelLen)
		}
	}
	return nil
}

// isHostNameByte reports whether b may appear in a host name: letters,
// digits, hyphens and dots (RFC 1123 section 2.1, RFC 5890 A-labels for
// international names). The underscore is accepted too: no host name rule
// allows it, but real names carry it and OpenSSL, BoringSSL and
// crypto/tls, which check no characters at all, take it. Where a hyphen
// stands in a label is not checked, for the same reason.
func isHostNameByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '-' || b == '.' || b == '_'
}

// sniName is what a client sends in server_name for the configured name:
// nothing for an IP literal, and the name without a trailing dot (RFC 6066
// section 3), which a padlock server would refuse.
func sniName(name string) string {
	if _, err := netip.ParseAddr(name); err == nil {
		return ""
	}
	return strings.TrimSuffix(name, ".")
}
