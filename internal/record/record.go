// Package record implements the TLS record layer: framing, fragmentation
// and AEAD protection of records for TLS 1.3 (RFC 8446 section 5) and
// TLS 1.2 (RFC 5246 section 6.2 with the AEAD suites of RFC 5288 and
// RFC 7905).
//
// The package knows nothing about handshake state. It enforces only the
// rules that hold for every record at every moment (sizes, padding,
// authentication, sequence numbers); which content types are acceptable
// at a given point, and when keys change, is decided by the connection.
//
// Each direction works in one buffer, which it takes from a pool shared
// by all connections when there is a record to read or write, and gives
// back when it holds no bytes, so that an idle connection holds none.
// Records are opened in place in the read buffer; TLS 1.3 records are
// assembled and sealed in place in the write buffer, and TLS 1.2 ones are
// sealed from the caller's bytes straight into it. Reading or writing
// application data allocates nothing once a connection is running.
//
// A tracing tool can set an Observer on a Reader or Writer to see each
// record as on the wire with its nonce and content; without one, the
// default, the per-record path only checks that none is set.
package record

import (
	"errors"
	"slices"
	"strconv"
)

// ContentType is the type of a TLS record (RFC 8446 section 5.1).
type ContentType uint8

// The content types of TLS 1.2 and 1.3.
const (
	ChangeCipherSpec ContentType = 20
	Alert            ContentType = 21
	Handshake        ContentType = 22
	ApplicationData  ContentType = 23
)

// String returns the RFC name of the content type.
func (t ContentType) String() string {
	switch t {
	case ChangeCipherSpec:
		return "change_cipher_spec"
	case Alert:
		return "alert"
	case Handshake:
		return "handshake"
	case ApplicationData:
		return "application_data"
	}
	return "content_type(" + strconv.Itoa(int(t)) + ")"
}

// known reports whether t is one of the four defined content types.
func (t ContentType) known() bool {
	return t >= ChangeCipherSpec && t <= ApplicationData
}

// Record size limits.
const (
	// MaxPlaintext is the largest TLSPlaintext.fragment (RFC 8446 5.1,
	// RFC 5246 6.2.1).
	MaxPlaintext = 1 << 14
	// MaxCiphertext13 is the largest TLS 1.3 TLSCiphertext.length
	// (RFC 8446 5.2).
	MaxCiphertext13 = MaxPlaintext + 256
	// MaxCiphertext12 is the largest TLS 1.2 TLSCiphertext.length
	// (RFC 5246 6.2.3).
	MaxCiphertext12 = MaxPlaintext + 2048
)

// Protocol versions whose record protection rules this package knows.
const (
	Version12 uint16 = 0x0303
	Version13 uint16 = 0x0304
)

// HeaderLen is the length of a record header: type, legacy_record_version
// and length.
const HeaderLen = 5

// ErrSSLv2ClientHello is returned by Reader.ReadRecord when the first bytes
// of a connection are an SSL 2.0 compatible CLIENT-HELLO (RFC 5246
// Appendix E.2). padlock does not accept it (RFC 8446 Appendix D.5: NOT
// RECOMMENDED), but a server can recognise it and close cleanly instead of
// answering with an alert the client cannot parse.
var ErrSSLv2ClientHello = errors.New("record: SSL 2.0 compatible ClientHello")

// HTTPRequestError is returned by Reader.ReadRecord when the first bytes
// of a connection are the start of an HTTP request: a client speaking
// plain HTTP to a TLS port. An alert means nothing to it; a server can
// answer in HTTP instead (as net/http's TLS server does), and OpenSSL
// and BoringSSL, too, send no alert for it.
type HTTPRequestError struct {
	Header [HeaderLen]byte // the first five bytes, "GET /" and the like
}

func (e *HTTPRequestError) Error() string {
	return "record: the peer sent an HTTP request (" + strconv.Quote(string(e.Header[:])) + "), not TLS"
}

// httpMethods are the first five bytes of the HTTP requests recognised
// in place of a first record.
var httpMethods = []string{"GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH", "CONNE", "TRACE"}

// looksLikeHTTP reports whether a first record's header is the start of
// an HTTP request.
func looksLikeHTTP(h []byte) bool {
	return slices.Contains(httpMethods, string(h[:HeaderLen]))
}

// putHeader writes a record header into h, which must be HeaderLen long.
func putHeader(h []byte, t ContentType, version uint16, length int) {
	h[0] = byte(t)
	h[1] = byte(version >> 8)
	h[2] = byte(version)
	h[3] = byte(length >> 8)
	h[4] = byte(length)
}
