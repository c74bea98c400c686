package wire

import "strconv"

// Handshake message types (RFC 8446 section 4, RFC 5246 section 7.4,
// RFC 6066 section 8).
const (
	TypeHelloRequest        uint8 = 0
	TypeClientHello         uint8 = 1
	TypeServerHello         uint8 = 2
	TypeNewSessionTicket    uint8 = 4
	TypeEndOfEarlyData      uint8 = 5
	TypeEncryptedExtensions uint8 = 8
	TypeCertificate         uint8 = 11
	TypeServerKeyExchange   uint8 = 12
	TypeCertificateRequest  uint8 = 13
	TypeServerHelloDone     uint8 = 14
	TypeCertificateVerify   uint8 = 15
	TypeClientKeyExchange   uint8 = 16
	TypeFinished            uint8 = 20
	TypeCertificateStatus   uint8 = 22
	TypeKeyUpdate           uint8 = 24
	TypeMessageHash         uint8 = 254
)

var typeNames = [...]string{
	TypeHelloRequest:          "HelloRequest",
	TypeClientHello:           "ClientHello",
	TypeServerHello:           "ServerHello",
	TypeNewSessionTicket:      "NewSessionTicket",
	TypeEndOfEarlyData:        "EndOfEarlyData",
	TypeEncryptedExtensions:   "EncryptedExtensions",
	TypeCertificate:           "Certificate",
	TypeServerKeyExchange:     "ServerKeyExchange",
	TypeCertificateRequest:    "CertificateRequest",
	TypeServerHelloDone:       "ServerHelloDone",
	TypeCertificateVerify:     "CertificateVerify",
	TypeClientKeyExchange:     "ClientKeyExchange",
	TypeFinished:              "Finished",
	TypeCertificateStatus:     "CertificateStatus",
	TypeKeyUpdate:             "KeyUpdate",
	TypeCompressedCertificate: "CompressedCertificate",
	TypeMessageHash:           "MessageHash",
}

// TypeName returns the RFC name of a handshake message type, such as
// "ClientHello", or "unknown(N)" for a type wire does not know, for logs
// and traces.
func TypeName(t uint8) string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "unknown(" + strconv.Itoa(int(t)) + ")"
}

// Message is a handshake message of either TLS version. Marshal returns
// the complete message with its 4-byte header; Unmarshal takes one.
type Message interface {
	Type() uint8
	Marshal() []byte
	Unmarshal([]byte) error
}
