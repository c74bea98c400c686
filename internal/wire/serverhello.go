package wire

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte"
)

// HelloRetryRequestRandom is the Random that marks a ServerHello as a
// HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446 section
// 4.1.3).
var HelloRetryRequestRandom = [32]byte{
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
}

// ServerHello is the server's answer to a ClientHello (RFC 8446 section
// 4.1.3, RFC 5246 section 7.4.1.3), and also a HelloRetryRequest when
// Random is HelloRetryRequestRandom.
//
// Each known extension is a typed field, absent when zero.
type ServerHello struct {
	Vers              uint16 // legacy_version
	Random            []byte // 32 bytes
	SessionID         []byte // legacy_session_id_echo
	CipherSuite       uint16
	CompressionMethod uint8

	SupportedVersion             uint16   // supported_versions: selected_version
	KeyShare                     KeyShare // key_share of a ServerHello; Group 0 means absent
	SelectedGroup                uint16   // key_share of a HelloRetryRequest
	Cookie                       []byte   // HelloRetryRequest only
	SelectedIdentity             uint16   // pre_shared_key, if HasSelectedIdentity
	HasSelectedIdentity          bool
	ALPNProtocol                 string // TLS 1.2; TLS 1.3 puts it in EncryptedExtensions
	ExtendedMasterSecret         bool
	SessionTicketSupported       bool
	SecureRenegotiationSupported bool   // renegotiation_info present
	SecureRenegotiation          []byte // renegotiated_connection
	ECPointFormats               []uint8
	StatusRequest                bool   // empty status_request (RFC 6066 section 8)
	ServerNameAck                bool   // empty server_name: the server used the client's name (RFC 6066 section 3)
	RecordSizeLimit              uint16 // TLS 1.2 record_size_limit (RFC 8449); 0 means absent
	ECHConfirmation              []byte // HelloRetryRequest's encrypted_client_hello: 8 bytes (draft-ietf-tls-esni section 5)

	// Extensions lists, after Unmarshal, every extension in wire order.
	// Marshal ignores it.
	Extensions []Extension

	// Raw is the complete message that Unmarshal decoded.
	Raw []byte
}

// Type returns TypeServerHello.
func (m *ServerHello) Type() uint8 { return TypeServerHello }

// IsHelloRetryRequest reports whether m is a HelloRetryRequest.
func (m *ServerHello) IsHelloRetryRequest() bool {
	return bytes.Equal(m.Random, HelloRetryRequestRandom[:])
}

// Marshal returns the complete ServerHello message. The extension block
// is left out when there is no extension, as TLS 1.2 permits.
func (m *ServerHello) Marshal() []byte { return marshalWith(128, m.build) }

// build writes the complete message.
func (m *ServerHello) build(b *builder) {
	b.message(TypeServerHello, func(b *builder) {
		b.AddUint16(m.Vers)
		addRandom(b, m.Random)
		addSessionID(b, m.SessionID)
		b.AddUint16(m.CipherSuite)
		b.AddUint8(m.CompressionMethod)
		if m.hasExtensions() {
			b.AddUint16LengthPrefixed(m.addExtensions)
		}
	})
}

// Unmarshal decodes a complete ServerHello message into m, replacing all
// of its fields. The fields alias msg.
func (m *ServerHello) Unmarshal(msg []byte) error {
	*m = ServerHello{}
	if err := m.unmarshal(msg); err != nil {
		*m = ServerHello{}
		return err
	}
	m.Raw = msg[:len(msg):len(msg)]
	return nil
}

func (m *ServerHello) unmarshal(msg []byte) error {
	s, err := readBody(msg, TypeServerHello)
	if err != nil {
		return err
	}
	if !s.ReadUint16(&m.Vers) || !readRandom(&s, &m.Random) || !readSessionID(&s, &m.SessionID) ||
		!s.ReadUint16(&m.CipherSuite) || !s.ReadUint8(&m.CompressionMethod) {
		return decodeError("ServerHello", "fixed fields")
	}
	if s.Empty() {
		return nil // TLS 1.2 allows no extension block at all
	}
	msgName, dup := "ServerHello", dupDecode
	if m.IsHelloRetryRequest() {
		msgName, dup = "HelloRetryRequest", dupIllegal
	}
	if m.Extensions, err = readExtensions(&s, msgName, dup); err != nil {
		return err
	}
	for _, e := range m.Extensions {
		data := cryptobyte.String(e.Data)
		ok, err := m.parseExtension(e.Type, &data)
		if err := extensionError(ok, err, data, msgName, e.Type); err != nil {
			return err
		}
	}
	return nil
}
