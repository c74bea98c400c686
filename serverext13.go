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
	retryRequestExtensions13 = []uint16{wire.ExtSupportedVersions, wire.ExtKeyShare, wire.ExtCookie}
	// max_fragment_length, use_srtp, heartbeat and the certificate
	// types may be in EncryptedExtensions too, but padlock never offers
	// them.
	encryptedExtensions13 = []uint16{wire.ExtServerName, wire.ExtSupportedGroups, wire.ExtALPN,
		wire.ExtEarlyData, wire.ExtRecordSizeLimit}
)

// knownExtensions are the extensions padlock recognizes.
var knownExtensions = []uint16{
	wire.ExtServerName, wire.ExtStatusRequest, wire.ExtSupportedGroups, wire.ExtECPointFormats,
	wire.ExtSignatureAlgorithms, wire.ExtALPN, wire.ExtSCT, wire.ExtPadding, wire.ExtExtendedMasterSecret,
	wire.ExtRecordSizeLimit, wire.ExtSessionTicket, wire.ExtPreSharedKey, wire.ExtEarlyData,
	wire.ExtSupportedVersions, wire.ExtCookie, wire.ExtPSKKeyExchangeModes, wire.ExtCertificateAuthorities,
	wire.ExtSignatureAlgorithmsCert, wire.ExtKeyShare, wire.ExtRenegotiationInfo,
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
