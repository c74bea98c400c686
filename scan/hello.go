package scan

import (
	"crypto/ecdh"
	"crypto/rand"
	"net"
	"slices"

	"padlock/internal/suites"
	"padlock/internal/wire"
)

// The protocol versions a scan probes, by their wire values; SSL 2.0 has
// a hello of its own (sslv2Hello).
const (
	versionSSL30 uint16 = 0x0300
	versionTLS10 uint16 = 0x0301
	versionTLS11 uint16 = 0x0302
	versionTLS12 uint16 = 0x0303
	versionTLS13 uint16 = 0x0304
)

// probeVersions are the record-layer versions probed, oldest first.
var probeVersions = []uint16{versionSSL30, versionTLS10, versionTLS11, versionTLS12, versionTLS13}

// hello describes one probe ClientHello: everything a probe varies.
type hello struct {
	version             uint16   // the highest version offered
	suites              []uint16 // in the order offered
	groups              []uint16 // supported_groups; nil: the default list
	keyShare            bool     // TLS 1.3: send an x25519 share when x25519 is offered
	schemes             []uint16 // signature_algorithms; nil: every scheme known
	compression         []uint8  // nil: null only
	legacyVers          uint16   // legacy_version when set (intolerance probes)
	extra               []wire.Extension
	noSupportedVersions bool     // TLS 1.3 probes for intolerance send it otherwise
	supportedVersions   []uint16 // overrides the one-version list of a TLS 1.3 probe
}

// message returns the ClientHello of h for server name sni (empty for an
// IP address), as a complete handshake message.
func (h *hello) message(sni string) []byte {
	ch := &wire.ClientHello{
		Vers:               min(h.version, versionTLS12),
		Random:             randomBytes(32),
		CipherSuites:       h.suites,
		CompressionMethods: h.compression,
		ExtraExtensions:    h.extra,
	}
	if h.legacyVers != 0 {
		ch.Vers = h.legacyVers
	}
	if ch.CompressionMethods == nil {
		ch.CompressionMethods = []uint8{0}
	}
	if h.version == versionSSL30 {
		return ch.Marshal() // SSL 3.0 knows no extensions (RFC 6101)
	}
	ch.ServerName = sni
	ch.SupportedGroups = h.groups
	if ch.SupportedGroups == nil {
		ch.SupportedGroups = defaultGroups
	}
	ch.ECPointFormats = []uint8{0}
	ch.SecureRenegotiationSupported = true
	ch.ExtendedMasterSecret = true
	ch.SessionTicketSupported = true
	ch.StatusRequest = true
	ch.ALPNProtocols = []string{"h2", "http/1.1"}
	if h.version >= versionTLS12 {
		ch.SignatureAlgorithms = h.schemes
		if ch.SignatureAlgorithms == nil {
			ch.SignatureAlgorithms = allSchemes
		}
	}
	if h.version >= versionTLS13 {
		ch.SessionID = randomBytes(32) // middlebox compatibility (RFC 8446 appendix D.4)
		ch.SupportedVersions = []uint16{versionTLS13}
		if h.supportedVersions != nil {
			ch.SupportedVersions = h.supportedVersions
		}
		ch.PSKModes = []uint8{1}
		ch.KeyShares = []wire.KeyShare{}
		if h.keyShare && slices.Contains(ch.SupportedGroups, suites.X25519) {
			ch.KeyShares = []wire.KeyShare{{Group: suites.X25519, Data: x25519Share()}}
		}
	}
	if h.noSupportedVersions {
		ch.SupportedVersions, ch.KeyShares, ch.PSKModes = nil, nil, nil
	}
	return ch.Marshal()
}

// records wraps a handshake message in plaintext records of version rv.
func records(msg []byte, rv uint16) []byte {
	var out []byte
	for len(msg) > 0 {
		n := min(len(msg), 1<<14)
		out = append(out, recordHandshake, byte(rv>>8), byte(rv), byte(n>>8), byte(n))
		out = append(out, msg[:n]...)
		msg = msg[n:]
	}
	return out
}

// recordVersion is the record-layer version of a probe's hello: 3.0 for
// SSL 3.0, and 1.0 otherwise, as browsers send it for servers that
// reject a higher one (RFC 8446 appendix D.1).
func recordVersion(v uint16) uint16 {
	if v == versionSSL30 {
		return versionSSL30
	}
	return versionTLS10
}

// hostSNI returns the server name to send for host: none for an address.
func hostSNI(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	return host
}

// x25519Share returns a fresh X25519 public key: the server never gets
// to use it, since a probe stops at the ServerHello.
func x25519Share() []byte {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return k.PublicKey().Bytes()
}

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// sslv2Hello is an SSL 2.0 CLIENT-HELLO (the SSL 2.0 draft, appendix
// B) offering its seven cipher kinds; only an SSL 2.0 server answers it
// with a SERVER-HELLO.
func sslv2Hello() []byte {
	specs := []byte{
		0x01, 0x00, 0x80, 0x02, 0x00, 0x80, 0x03, 0x00, 0x80, 0x04, 0x00, 0x80,
		0x05, 0x00, 0x80, 0x06, 0x00, 0x40, 0x07, 0x00, 0xc0,
	}
	challenge := randomBytes(16)
	body := []byte{1, 0x00, 0x02, 0, byte(len(specs)), 0, 0, 0, byte(len(challenge))}
	body = append(body, specs...)
	body = append(body, challenge...)
	return append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
}
