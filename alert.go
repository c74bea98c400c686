package padlock

import "padlock/internal/alert"

// AlertError is the error of a connection that ended with an alert, sent
// by padlock (Remote false) or received from the peer (Remote true).
// Every handshake failure is one; use errors.As to get at it:
//
//	var ae *padlock.AlertError
//	if errors.As(err, &ae) && ae.Description == padlock.AlertUnknownCA { ... }
//
// A peer that closes with close_notify after the handshake ends the data:
// Read returns io.EOF. One that closes during the handshake ends it
// unestablished: the error is an AlertError for close_notify with Remote
// true, and not io.EOF.
type AlertError = alert.Error

// Alert is an alert description (RFC 8446 section 6). Its String method
// returns the RFC's name, such as "bad_certificate".
type Alert = alert.Description

// The alerts a caller is most likely to test for.
const (
	AlertCloseNotify           = alert.CloseNotify
	AlertUnexpectedMessage     = alert.UnexpectedMessage
	AlertBadRecordMAC          = alert.BadRecordMAC
	AlertRecordOverflow        = alert.RecordOverflow
	AlertHandshakeFailure      = alert.HandshakeFailure
	AlertBadCertificate        = alert.BadCertificate
	AlertUnsupportedCert       = alert.UnsupportedCertificate
	AlertCertificateExpired    = alert.CertificateExpired
	AlertCertificateUnknown    = alert.CertificateUnknown
	AlertIllegalParameter      = alert.IllegalParameter
	AlertUnknownCA             = alert.UnknownCA
	AlertDecodeError           = alert.DecodeError
	AlertDecryptError          = alert.DecryptError
	AlertProtocolVersion       = alert.ProtocolVersion
	AlertInsufficientSecurity  = alert.InsufficientSecurity
	AlertInternalError         = alert.InternalError
	AlertMissingExtension      = alert.MissingExtension
	AlertUnsupportedExtension  = alert.UnsupportedExtension
	AlertUnrecognizedName      = alert.UnrecognizedName
	AlertCertificateRequired   = alert.CertificateRequired
	AlertNoApplicationProtocol = alert.NoApplicationProtocol
	AlertECHRequired           = alert.ECHRequired
)

// alertf makes the error for an alert padlock sends, at the place the
// problem is found.
func alertf(d alert.Description, format string, args ...any) error {
	return alert.New(d, format, args...)
}
