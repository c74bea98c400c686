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
	"strings"
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
	ECHRequired                  Description = 121 // draft-ietf-tls-esni section 11.2
)

// rfcEnum is the AlertDescription enum as RFC 8446 section 6 writes it,
// with no_renegotiation and decompression_failure from RFC 5246 section
// 7.2 (a TLS 1.2 peer may still send either) and ech_required from
// draft-ietf-tls-esni section 11.2; names is built from it,
// so the names are spelled exactly as in the RFCs.
const rfcEnum = `
	close_notify(0) unexpected_message(10) bad_record_mac(20)
	record_overflow(22) decompression_failure(30) handshake_failure(40) bad_certificate(42)
	unsupported_certificate(43) certificate_revoked(44)
	certificate_expired(45) certificate_unknown(46) illegal_parameter(47)
	unknown_ca(48) access_denied(49) decode_error(50) decrypt_error(51)
	protocol_version(70) insufficient_security(71) internal_error(80)
	inappropriate_fallback(86) user_canceled(90) no_renegotiation(100)
	missing_extension(109) unsupported_extension(110)
	unrecognized_name(112) bad_certificate_status_response(113)
	unknown_psk_identity(115) certificate_required(116)
	no_application_protocol(120) ech_required(121)`

var names = parseEnum(rfcEnum)

// parseEnum reads "name(code)" entries separated by white space.
func parseEnum(enum string) map[Description]string {
	m := map[Description]string{}
	for _, entry := range strings.Fields(enum) {
		name, code, _ := strings.Cut(strings.TrimSuffix(entry, ")"), "(")
		n, err := strconv.Atoi(code)
		if err != nil {
			panic("alert: bad enum entry " + entry)
		}
		m[Description(n)] = name
	}
	return m
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
	Err         error // the cause: for local alerts, and a few remote ones; may be nil
}

// Error describes the alert and its cause. A remote alert has a cause
// only where padlock knows more than the alert says, as for a
// close_notify that ends a handshake.
func (e *Error) Error() string {
	if e.Remote {
		if e.Err != nil {
			return "padlock: remote alert: " + e.Description.String() + ": " + e.Err.Error()
		}
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
