package wire

import (
	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// ClientHello is the first message of a handshake (RFC 8446 section
// 4.1.2, RFC 5246 section 7.4.1.2), in the one form both versions share.
//
// Each known extension is a typed field, absent when zero (nil, "", 0 or
// false) unless its comment says otherwise.
type ClientHello struct {
	Vers               uint16 // legacy_version
	Random             []byte // 32 bytes
	SessionID          []byte // legacy_session_id, at most 32 bytes
	CipherSuites       []uint16
	CompressionMethods []uint8

	ServerName                   string // server_name: the host_name entry
	StatusRequest                bool   // status_request of type ocsp (RFC 6066 section 8)
	SupportedGroups              []uint16
	ECPointFormats               []uint8 // RFC 8422 section 5.1.2; nil means absent
	SignatureAlgorithms          []uint16
	SignatureAlgorithmsCert      []uint16
	ALPNProtocols                []string
	SCT                          bool // signed_certificate_timestamp (RFC 6962)
	ExtendedMasterSecret         bool // RFC 7627
	SessionTicketSupported       bool // session_ticket present (RFC 5077)
	SessionTicket                []byte
	SupportedVersions            []uint16
	Cookie                       []byte
	PSKModes                     []uint8    // psk_key_exchange_modes
	CertificateAuthorities       [][]byte   // DER distinguished names
	KeyShares                    []KeyShare // nil: absent; empty but non-nil: an empty client_shares
	EarlyData                    bool
	SecureRenegotiationSupported bool            // renegotiation_info present (RFC 5746)
	SecureRenegotiation          []byte          // renegotiated_connection
	RecordSizeLimit              uint16          // RFC 8449
	CertCompressionAlgorithms    []uint16        // compress_certificate (RFC 8879 section 3)
	PaddingLen                   int             // length of the padding extension's zero bytes (RFC 7685)
	ECH                          *ECHClientHello // encrypted_client_hello (draft-ietf-tls-esni section 5); nil: absent
	PSKIdentities                []PSKIdentity   // pre_shared_key, always written last
	PSKBinders                   [][]byte

	// Extensions lists, after Unmarshal, every extension in wire order,
	// unknown ones included (for fingerprints and traces). Marshal
	// ignores it.
	Extensions []Extension
	// ExtraExtensions are written by Marshal before the typed ones, for
	// example GREASE (RFC 8701). Unmarshal does not set it.
	ExtraExtensions []Extension

	// Raw is the complete message that Unmarshal decoded.
	Raw []byte
}

// Type returns TypeClientHello.
func (m *ClientHello) Type() uint8 { return TypeClientHello }

// Marshal returns the complete ClientHello message. Extensions come in a
// fixed order (that of RFC 8448's traces) after ExtraExtensions, with
// pre_shared_key last as RFC 8446 section 4.2.11 requires.
func (m *ClientHello) Marshal() []byte { return marshalWith(512, m.build) }

// build writes the complete message.
func (m *ClientHello) build(b *builder) {
	b.message(TypeClientHello, func(b *builder) {
		b.AddUint16(m.Vers)
		addRandom(b, m.Random)
		addSessionID(b, m.SessionID)
		addUint16s(b, m.CipherSuites)
		addUint8s(b, m.CompressionMethods)
		b.AddUint16LengthPrefixed(m.addExtensions)
	})
}

// Unmarshal decodes a complete ClientHello message into m, replacing all
// of its fields. The fields alias msg.
func (m *ClientHello) Unmarshal(msg []byte) error {
	*m = ClientHello{}
	if err := m.unmarshal(msg); err != nil {
		*m = ClientHello{}
		return err
	}
	m.Raw = msg[:len(msg):len(msg)]
	return nil
}

func (m *ClientHello) unmarshal(msg []byte) error {
	s, err := readBody(msg, TypeClientHello)
	if err != nil {
		return err
	}
	// cipher_suites<2..2^16-2>, legacy_compression_methods<1..2^8-1>.
	if !s.ReadUint16(&m.Vers) || !readRandom(&s, &m.Random) || !readSessionID(&s, &m.SessionID) ||
		!readUint16s(&s, &m.CipherSuites) || !readUint8s(&s, &m.CompressionMethods) {
		return decodeError("ClientHello", "fixed fields")
	}
	if s.Empty() {
		return nil // TLS 1.2 allows no extension block at all
	}
	if m.Extensions, err = readExtensions(&s, "ClientHello", dupDecode); err != nil {
		return err
	}
	// RFC 8446 section 4.2.11: servers "MUST check that it is the last
	// extension and otherwise fail the handshake with an illegal_parameter".
	for i, e := range m.Extensions {
		if e.Type == ExtPreSharedKey && i != len(m.Extensions)-1 {
			return alert.New(alert.IllegalParameter, "wire: ClientHello: pre_shared_key is not the last extension")
		}
	}
	for _, e := range m.Extensions {
		data := cryptobyte.String(e.Data)
		ok, err := m.parseExtension(e.Type, &data)
		if err := extensionError(ok, err, data, "ClientHello", e.Type); err != nil {
			return err
		}
	}
	return nil
}
