// Package padlock is a TLS 1.3 and TLS 1.2 implementation that shows its
// work: every step of every handshake is an event a program can trace
// (see Config.Trace and package padlock/trace).
//
// Its API follows crypto/tls, so a Go program switches by changing an
// import: Client and Server wrap a net.Conn, Dial and Listen make and
// accept connections, and Config says what to offer and what to trust.
// padlock writes its own record layer, handshake messages, key schedule
// and state machines; the cryptographic primitives come from the standard
// library and golang.org/x/crypto.
package padlock

import (
	"fmt"

	"padlock/internal/suites"
)

// Protocol versions, as they appear on the wire.
const (
	VersionSSL30 uint16 = 0x0300 // refused
	VersionTLS10 uint16 = 0x0301 // refused (RFC 8996)
	VersionTLS11 uint16 = 0x0302 // refused (RFC 8996)
	VersionTLS12 uint16 = 0x0303
	VersionTLS13 uint16 = 0x0304
)

// VersionName returns "TLS 1.3", "TLS 1.2", ... for a protocol version.
func VersionName(v uint16) string {
	switch {
	case v == VersionSSL30:
		return "SSL 3.0"
	case v > VersionSSL30 && v <= VersionTLS13:
		// TLS 1.x is wire version 3.(x+1) (RFC 8446 appendix D).
		return fmt.Sprintf("TLS 1.%d", v-VersionTLS10)
	}
	return fmt.Sprintf("0x%04X", v)
}

// Cipher suites padlock implements, by their IANA names.
const (
	// TLS 1.3 (RFC 8446 appendix B.4).
	TLS_AES_128_GCM_SHA256       uint16 = 0x1301
	TLS_AES_256_GCM_SHA384       uint16 = 0x1302
	TLS_CHACHA20_POLY1305_SHA256 uint16 = 0x1303

	// TLS 1.2 ECDHE (RFC 5289, RFC 7905).
	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       uint16 = 0xC02B
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       uint16 = 0xC02C
	TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 uint16 = 0xCCA9
	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         uint16 = 0xC02F
	TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         uint16 = 0xC030
	TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   uint16 = 0xCCA8

	// TLS 1.2 RSA key transport (RFC 5288); off unless
	// Config.EnableRSAKeyExchange is set or the suites are named.
	TLS_RSA_WITH_AES_128_GCM_SHA256 uint16 = 0x009C
	TLS_RSA_WITH_AES_256_GCM_SHA384 uint16 = 0x009D
)

// CipherSuiteName returns the IANA name of a cipher suite, including
// suites padlock refuses, or its hex value when it has no known name.
func CipherSuiteName(id uint16) string { return suites.SuiteName(id) }

// CipherSuite describes a cipher suite padlock implements.
type CipherSuite struct {
	ID   uint16
	Name string // the IANA name
	// SupportedVersions lists the versions the suite can be used in.
	SupportedVersions []uint16
	// Insecure is true for a suite with known security problems; no
	// suite padlock implements is.
	Insecure bool
}

// CipherSuites returns the cipher suites padlock implements, TLS 1.3's
// first: those on by default, then the TLS 1.2 RSA key transport suites,
// which are not (see Config.EnableRSAKeyExchange), but have no known
// weakness beyond their lack of forward secrecy.
func CipherSuites() []*CipherSuite {
	var list []*CipherSuite
	for _, ids := range [][]uint16{suites.Default13, suites.Default12, suites.RSAKeyTransport12} {
		for _, id := range ids {
			s := suites.SuiteByID(id)
			vers := []uint16{VersionTLS12}
			if s.TLS13 {
				vers = []uint16{VersionTLS13}
			}
			list = append(list, &CipherSuite{ID: s.ID, Name: s.Name, SupportedVersions: vers})
		}
	}
	return list
}

// InsecureCipherSuites returns the insecure cipher suites padlock
// implements: none. It exists for programs written against crypto/tls;
// padlock implements no RC4, 3DES or CBC suite, nor any suite without
// an AEAD.
func InsecureCipherSuites() []*CipherSuite { return nil }

// CurveID names a key exchange group (RFC 8446 section 4.2.7).
type CurveID uint16

// Key exchange groups padlock implements.
const (
	X25519             CurveID = 0x001D
	CurveP256          CurveID = 0x0017 // secp256r1
	CurveP384          CurveID = 0x0018 // secp384r1
	CurveP521          CurveID = 0x0019 // secp521r1; offered last by default, after secp384r1
	X25519MLKEM768     CurveID = 0x11EC // hybrid post-quantum
	SecP256r1MLKEM768  CurveID = 0x11EB // hybrid post-quantum
	SecP384r1MLKEM1024 CurveID = 0x11ED // hybrid post-quantum
)

// String returns the group's name, such as "x25519".
func (c CurveID) String() string { return suites.GroupName(uint16(c)) }

// SignatureScheme names a signature algorithm (RFC 8446 section 4.2.3).
type SignatureScheme uint16

// Signature schemes padlock implements.
const (
	ECDSAWithP256AndSHA256 SignatureScheme = 0x0403
	ECDSAWithP384AndSHA384 SignatureScheme = 0x0503
	ECDSAWithP521AndSHA512 SignatureScheme = 0x0603
	Ed25519                SignatureScheme = 0x0807
	PSSWithSHA256          SignatureScheme = 0x0804 // rsa_pss_rsae_sha256
	PSSWithSHA384          SignatureScheme = 0x0805 // rsa_pss_rsae_sha384
	PSSWithSHA512          SignatureScheme = 0x0806 // rsa_pss_rsae_sha512
	PKCS1WithSHA256        SignatureScheme = 0x0401 // TLS 1.2 and certificates only
	PKCS1WithSHA384        SignatureScheme = 0x0501 // TLS 1.2 and certificates only
	PKCS1WithSHA512        SignatureScheme = 0x0601 // TLS 1.2 and certificates only
)

// String returns the scheme's IANA name, such as "ecdsa_secp256r1_sha256".
func (s SignatureScheme) String() string { return suites.SchemeName(uint16(s)) }
