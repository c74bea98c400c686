package wire

import (
	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// Parse decodes the complete handshake message msg into the type its
// first byte names. tls13 chooses between the TLS 1.3 and TLS 1.2 forms
// of Certificate, CertificateRequest and NewSessionTicket; a ServerHello
// may be a HelloRetryRequest. An unknown type fails with
// unexpected_message. The message aliases msg.
func Parse(msg []byte, tls13 bool) (Message, error) {
	s := cryptobyte.String(msg)
	var typ uint8
	if !s.ReadUint8(&typ) {
		return nil, alert.New(alert.DecodeError, "wire: empty handshake message")
	}
	m := newMessage(typ, tls13)
	if m == nil {
		return nil, alert.New(alert.UnexpectedMessage, "wire: unknown handshake message type %d", typ)
	}
	if err := m.Unmarshal(msg); err != nil {
		return nil, err
	}
	return m, nil
}

// newMessage returns a zero message of type typ, or nil.
func newMessage(typ uint8, tls13 bool) Message {
	switch typ {
	case TypeHelloRequest:
		return new(HelloRequest)
	case TypeClientHello:
		return new(ClientHello)
	case TypeServerHello:
		return new(ServerHello)
	case TypeNewSessionTicket:
		if tls13 {
			return new(NewSessionTicket13)
		}
		return new(NewSessionTicket12)
	case TypeEndOfEarlyData:
		return new(EndOfEarlyData)
	case TypeEncryptedExtensions:
		return new(EncryptedExtensions)
	case TypeCertificate:
		if tls13 {
			return new(Certificate13)
		}
		return new(Certificate12)
	case TypeServerKeyExchange:
		return new(ServerKeyExchange)
	case TypeCertificateRequest:
		if tls13 {
			return new(CertificateRequest13)
		}
		return new(CertificateRequest12)
	case TypeServerHelloDone:
		return new(ServerHelloDone)
	case TypeCertificateVerify:
		return new(CertificateVerify)
	case TypeClientKeyExchange:
		return new(ClientKeyExchange)
	case TypeFinished:
		return new(Finished)
	case TypeCertificateStatus:
		return new(CertificateStatus)
	case TypeKeyUpdate:
		return new(KeyUpdate)
	case TypeCompressedCertificate:
		return new(CompressedCertificate)
	}
	return nil
}

// SplitMessage reads the handshake header at the start of buf. If buf
// holds the whole 4-byte header, it returns the length of the complete
// message, header included, and true; the caller checks the length
// against its limit before waiting for that many bytes.
func SplitMessage(buf []byte) (msgLen int, ok bool) {
	s := cryptobyte.String(buf)
	var n uint32
	if !s.Skip(1) || !s.ReadUint24(&n) {
		return 0, false
	}
	return 4 + int(n), true
}
