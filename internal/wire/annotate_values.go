package wire

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strconv"
	"sync"
)

// This file turns field values into the words Annotate shows for them.

// nBytes describes an opaque value by its size.
func nBytes(b []byte) string {
	if len(b) == 1 {
		return "1 byte"
	}
	return strconv.Itoa(len(b)) + " bytes"
}

// zeroBytes describes the padding extension, which must be all zeros
// (RFC 7685 section 3).
func zeroBytes(b []byte) string {
	for _, x := range b {
		if x != 0 {
			return nBytes(b) + ", not all zero"
		}
	}
	return strconv.Itoa(len(b)) + " zero bytes"
}

// printable shows a name from the wire (host name, ALPN protocol) as
// text, quoted with escapes if it holds anything but printable ASCII.
func printable(b []byte) string {
	for _, x := range b {
		if x < 0x20 || x > 0x7e {
			return strconv.QuoteToASCII(string(b))
		}
	}
	return string(b)
}

// VersionName names a ProtocolVersion: "TLS 1.3", "GREASE(0x0A0A)",
// or "0x1234".
func VersionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSL 3.0"
	case 0x0301:
		return "TLS 1.0"
	case 0x0302:
		return "TLS 1.1"
	case 0x0303:
		return "TLS 1.2"
	case 0x0304:
		return "TLS 1.3"
	}
	if IsGREASE(v) {
		return fmt.Sprintf("GREASE(0x%04X)", v)
	}
	return fmt.Sprintf("0x%04X", v)
}

// downgradeSentinel is the end of a ServerHello random from a TLS 1.3
// server that negotiated TLS 1.2 ("DOWNGRD" then 01), or, ending in 00,
// TLS 1.1 or below (RFC 8446 section 4.1.3).
var downgradeSentinel = []byte("DOWNGRD")

// serverRandomName describes a ServerHello random, which may mark a
// HelloRetryRequest or carry a downgrade sentinel.
func serverRandomName(r []byte) string {
	switch {
	case bytes.Equal(r, HelloRetryRequestRandom[:]):
		return `HelloRetryRequest: SHA-256("HelloRetryRequest")`
	case bytes.Equal(r[24:31], downgradeSentinel) && r[31] == 1:
		return "32 bytes, ending in the TLS 1.2 downgrade sentinel"
	case bytes.Equal(r[24:31], downgradeSentinel) && r[31] == 0:
		return "32 bytes, ending in the TLS 1.1 downgrade sentinel"
	}
	return nBytes(r)
}

// certNames remembers the names certName gave, by DER: a traced server
// sends the same chain in every handshake, and parsing it again each time
// would cost more than the rest of the annotation.
var certNames = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// maxCertNames bounds certNames; it starts over when full.
const maxCertNames = 256

// certName names a DER certificate by its subject's common name, or its
// whole subject, or else by its size.
func certName(der []byte) string {
	certNames.Lock()
	n, ok := certNames.m[string(der)]
	certNames.Unlock()
	if ok {
		return n
	}
	n = parseCertName(der)
	certNames.Lock()
	if len(certNames.m) >= maxCertNames {
		clear(certNames.m)
	}
	certNames.m[string(der)] = n
	certNames.Unlock()
	return n
}

func parseCertName(der []byte) string {
	cert, err := x509.ParseCertificate(der)
	switch {
	case err != nil:
		return nBytes(der)
	case cert.Subject.CommonName != "":
		return "CN=" + cert.Subject.CommonName
	case len(cert.Subject.Names) > 0:
		return cert.Subject.String()
	}
	return nBytes(der)
}

// distinguishedName shows a DER DistinguishedName as text.
func distinguishedName(der []byte) string {
	var rdn pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &rdn); err != nil || len(rest) > 0 || len(rdn) == 0 {
		return nBytes(der)
	}
	return rdn.String()
}

// Names of the one-byte enumerations Annotate shows.
var (
	compressionNames = map[uint8]string{0: "null", 1: "DEFLATE"}
	pointFormatNames = map[uint8]string{ // RFC 8422 section 5.1.2
		0: "uncompressed", 1: "ansiX962_compressed_prime", 2: "ansiX962_compressed_char2",
	}
	pskModeNames    = map[uint8]string{0: "psk_ke", 1: "psk_dhe_ke"} // RFC 8446 section 4.2.9
	nameTypeNames   = map[uint8]string{0: "host_name"}               // RFC 6066 section 3
	statusTypeNames = map[uint8]string{1: "ocsp", 2: "ocsp_multi"}   // RFC 6066 section 8, RFC 6961
	curveTypeNames  = map[uint8]string{1: "explicit_prime", 2: "explicit_char2", 3: "named_curve"}
	keyUpdateNames  = map[uint8]string{0: "update_not_requested", 1: "update_requested"}
	certTypeNames   = map[uint8]string{ // RFC 5246 section 7.4.4, RFC 8422 section 5.5
		1: "rsa_sign", 2: "dss_sign", 3: "rsa_fixed_dh", 4: "dss_fixed_dh",
		64: "ecdsa_sign", 65: "rsa_fixed_ecdh", 66: "ecdsa_fixed_ecdh",
	}
)

// enumName looks v up in names, or shows it as "unknown(v)".
func enumName(names map[uint8]string, v uint8) string {
	if n, ok := names[v]; ok {
		return n
	}
	return "unknown(" + decimal(v) + ")"
}

func compressionName(v uint8) string { return enumName(compressionNames, v) }
func pointFormatName(v uint8) string { return enumName(pointFormatNames, v) }
func pskModeName(v uint8) string     { return enumName(pskModeNames, v) }
func nameTypeName(v uint8) string    { return enumName(nameTypeNames, v) }
func statusTypeName(v uint8) string  { return enumName(statusTypeNames, v) }
func curveTypeName(v uint8) string   { return enumName(curveTypeNames, v) }
func keyUpdateName(v uint8) string   { return enumName(keyUpdateNames, v) }
func certTypeName(v uint8) string    { return enumName(certTypeNames, v) }
