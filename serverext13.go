package padlock

import (
	"slices"

	"padlock/internal/alert"
	"padlock/internal/wire"
)

// RFC 8446 section 4.2 says which extensions each message may carry. A
// client checks the server's: an extension it knows in a message that may
// not carry it is an illegal_parameter; any other extension it did not
// offer (unknown ones included) is an unsupported_extension.
var (
	serverHelloExtensions13  = []uint16{wire.ExtSupportedVersions, wire.ExtKeyShare, wire.ExtPreSharedKey}
	retryRequestExtensions13 = []uint16{wire.ExtSupportedVersions, wire.ExtKeyShare, wire.ExtCookie, wire.ExtEncryptedClientHello}
	// max_fragment_length, use_srtp, heartbeat and the certificate
	// types may be in EncryptedExtensions too, but padlock never offers
	// them.
	encryptedExtensions13 = []uint16{wire.ExtServerName, wire.ExtSupportedGroups, wire.ExtALPN,
		wire.ExtEarlyData, wire.ExtRecordSizeLimit, wire.ExtEncryptedClientHello}
)

// knownExtensions are the extensions padlock recognizes.
var knownExtensions = []uint16{
	wire.ExtServerName, wire.ExtStatusRequest, wire.ExtSupportedGroups, wire.ExtECPointFormats,
	wire.ExtSignatureAlgorithms, wire.ExtALPN, wire.ExtSCT, wire.ExtPadding, wire.ExtExtendedMasterSecret,
	wire.ExtRecordSizeLimit, wire.ExtSessionTicket, wire.ExtPreSharedKey, wire.ExtEarlyData,
	wire.ExtSupportedVersions, wire.ExtCookie, wire.ExtPSKKeyExchangeModes, wire.ExtCertificateAuthorities,
	wire.ExtSignatureAlgorithmsCert, wire.ExtKeyShare, wire.ExtRenegotiationInfo, wire.ExtEncryptedClientHello,
}

// checkServerExtensions13 applies those rules to the extensions of msg,
// which may carry allowed, answering hello.
func checkServerExtensions13(msg string, exts []wire.Extension, allowed []uint16, hello *wire.ClientHello) error {
	for _, e := range exts {
		if !slices.Contains(allowed, e.Type) && slices.Contains(knownExtensions, e.Type) {
			return alertf(alert.IllegalParameter, "%s carries %s, which it may not", msg, wire.ExtensionName(e.Type))
		}
		if !offered13(hello, e.Type) {
			return alertf(alert.UnsupportedExtension, "%s carries %s, which the client did not offer", msg, wire.ExtensionName(e.Type))
		}
	}
	return nil
}

// offered13 reports whether hello asked for an answer of extension t.
func offered13(hello *wire.ClientHello, t uint16) bool {
	switch t {
	case wire.ExtServerName:
		return hello.ServerName != ""
	case wire.ExtSupportedGroups:
		return len(hello.SupportedGroups) > 0
	case wire.ExtALPN:
		return len(hello.ALPNProtocols) > 0
	case wire.ExtEarlyData:
		return hello.EarlyData
	case wire.ExtRecordSizeLimit:
		return hello.RecordSizeLimit != 0
	case wire.ExtEncryptedClientHello:
		return hello.ECH != nil
	case wire.ExtSupportedVersions:
		return len(hello.SupportedVersions) > 0
	case wire.ExtKeyShare:
		return hello.KeyShares != nil
	case wire.ExtPreSharedKey:
		return len(hello.PSKIdentities) > 0
	case wire.ExtCookie:
		return true // the one a HelloRetryRequest sends unasked
	}
	return false
}

// checkCertificateExtensions13 applies RFC 8446 section 4.4.2 to the
// extensions of every entry of a peer's Certificate: "Extensions in the
// Certificate message from the server MUST correspond to ones from the
// ClientHello message. Extensions in the Certificate message from the
// client MUST correspond to extensions in the CertificateRequest message
// from the server." Any other, unknown ones included, is an extension
// response nobody asked for: unsupported_extension (section 4.2).
// offered reports whether padlock's own message asked for type t.
func checkCertificateExtensions13(from string, cert *wire.Certificate13, offered func(t uint16) bool) error {
	for i, e := range cert.Entries {
		for _, x := range e.Extensions {
			if !offered(x.Type) {
				return alertf(alert.UnsupportedExtension, "%s certificate %d carries %s, which was not asked for",
					from, i, wire.ExtensionName(x.Type))
			}
		}
	}
	return nil
}

// offeredInCertificate13 reports whether hello asked for an answer of
// extension t in the server's CertificateEntry: the OCSP staple
// (status_request, section 4.4.2.1) or the SCTs (RFC 6962 section 3.3.1).
func offeredInCertificate13(hello *wire.ClientHello, t uint16) bool {
	switch t {
	case wire.ExtStatusRequest:
		return hello.StatusRequest
	case wire.ExtSCT:
		return hello.SCT
	}
	return false
}
