// Package alert defines the TLS alert descriptions (RFC 8446 section 6,
// RFC 5246 section 7.2) and the error that carries one.
//
// Every layer of padlock reports a failure as an *Error created where the
// problem is found, so the connection knows which alert to send without
// guessing from error strings. The root package re-exports these types.
package alert

import (
	"errors"
	"fmt"
	"strconv"
)

// Description is the one-byte AlertDescription of RFC 8446 section 6.
type Description uint8

// The alert descriptions padlock sends or understands.
const (
	CloseNotify                  Description = 0
	UnexpectedMessage            Description = 10
	BadRecordMAC                 Description = 20
	RecordOverflow               Description = 22
	HandshakeFailure             Description = 40
	BadCertificate               Description = 42
	UnsupportedCertificate       Description = 43
	CertificateRevoked           Description = 44
	CertificateExpired           Description = 45
	CertificateUnknown           Description = 46
	IllegalParameter             Description = 47
	UnknownCA                    Description = 48
	AccessDenied                 Description = 49
	DecodeError                  Description = 50
	DecryptError                 Description = 51
	ProtocolVersion              Description = 70
	InsufficientSecurity         Description = 71
	InternalError                Description = 80
	InappropriateFallback        Description = 86
	UserCanceled                 Description = 90
	NoRenegotiation              Description = 100
	MissingExtension             Description = 109
	UnsupportedExtension         Description = 110
	UnrecognizedName             Description = 112
	BadCertificateStatusResponse Description = 113
	UnknownPSKIdentity           Description = 115
	CertificateRequired          Description = 116
	NoApplicationProtocol        Description = 120
)

var names = map[Description]string{
	CloseNotify:                  "close_notify",
	UnexpectedMessage:            "unexpected_message",
	BadRecordMAC:                 "bad_record_mac",
	RecordOverflow:               "record_overflow",
	HandshakeFailure:             "handshake_failure",
	BadCertificate:               "bad_certificate",
	UnsupportedCertificate:       "unsupported_certificate",
	CertificateRevoked:           "certificate_revoked",
	CertificateExpired:           "certificate_expired",
	CertificateUnknown:           "certificate_unknown",
	IllegalParameter:             "illegal_parameter",
	UnknownCA:                    "unknown_ca",
	AccessDenied:                 "access_denied",
	DecodeError:                  "decode_error",
	DecryptError:                 "decrypt_error",
	ProtocolVersion:              "protocol_version",
	InsufficientSecurity:         "insufficient_security",
	InternalError:                "internal_error",
	InappropriateFallback:        "inappropriate_fallback",
	UserCanceled:                 "user_canceled",
	NoRenegotiation:              "no_renegotiation",
	MissingExtension:             "missing_extension",
	UnsupportedExtension:         "unsupported_extension",
	UnrecognizedName:             "unrecognized_name",
	BadCertificateStatusResponse: "bad_certificate_status_response",
	UnknownPSKIdentity:           "unknown_psk_identity",
	CertificateRequired:          "certificate_required",
	NoApplicationProtocol:        "no_application_protocol",
}

// String returns the RFC name of the alert, such as "decode_error".
func (d Description) String() string {
	if n, ok := names[d]; ok {
		return n
	}
	return "alert(" + strconv.Itoa(int(d)) + ")"
}

// Error is a failure that ends a connection with an alert. Remote is true
// when the peer sent the alert and false when padlock found the problem
// and sends (or sent) the alert itself.
type Error struct {
	Description Description
	Remote      bool
	Err         error // the cause, for local alerts; may be nil
}

// Error describes the alert and its cause.
func (e *Error) Error() string {
	if e.Remote {
		return "padlock: remote alert: " + e.Description.String()
	}
	if e.Err == nil {
		return "padlock: " + e.Description.String()
	}
	return "padlock: " + e.Description.String() + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns a local alert error for d with a formatted cause.
func New(d Description, format string, args ...any) *Error {
	return &Error{Description: d, Err: fmt.Errorf(format, args...)}
}

// Wrap returns a local alert error for d caused by err. If err already
// carries an alert, that alert wins: the place that found the problem
// knows best which alert it deserves.
func Wrap(d Description, err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	return &Error{Description: d, Err: err}
}
