package wire

import "golang.org/x/crypto/cryptobyte"

// NewSessionTicket13 is the TLS 1.3 NewSessionTicket (RFC 8446 section
// 4.6.1).
type NewSessionTicket13 struct {
	Lifetime     uint32 // ticket_lifetime, seconds
	AgeAdd       uint32 // ticket_age_add
	Nonce        []byte // ticket_nonce<0..255>
	Ticket       []byte // ticket<1..2^16-1>
	MaxEarlyData uint32 // early_data: max_early_data_size, if HasEarlyData
	HasEarlyData bool

	// Extensions lists, after Unmarshal, every extension in wire order.
	// Marshal ignores it.
	Extensions []Extension
}

// Type returns TypeNewSessionTicket.
func (m *NewSessionTicket13) Type() uint8 { return TypeNewSessionTicket }

// Marshal returns the complete NewSessionTicket message.
func (m *NewSessionTicket13) Marshal() []byte {
	return marshalWith(24+len(m.Nonce)+len(m.Ticket), m.build)
}

// build writes the complete message.
func (m *NewSessionTicket13) build(b *builder) {
	b.message(TypeNewSessionTicket, func(b *builder) {
		b.AddUint32(m.Lifetime)
		b.AddUint32(m.AgeAdd)
		addOpaque8(b, m.Nonce)
		addOpaque16(b, m.Ticket)
		b.AddUint16LengthPrefixed(func(b *builder) {
			if m.HasEarlyData {
				addExtension(b, ExtEarlyData, func(b *builder) { b.AddUint32(m.MaxEarlyData) })
			}
		})
	})
}

// Unmarshal decodes a complete TLS 1.3 NewSessionTicket message into m,
// replacing all of its fields. The fields alias msg.
func (m *NewSessionTicket13) Unmarshal(msg []byte) error {
	*m = NewSessionTicket13{}
	if err := m.unmarshal(msg); err != nil {
		*m = NewSessionTicket13{}
		return err
	}
	return nil
}

func (m *NewSessionTicket13) unmarshal(msg []byte) error {
	s, err := readBody(msg, TypeNewSessionTicket)
	if err != nil {
		return err
	}
	if !s.ReadUint32(&m.Lifetime) || !s.ReadUint32(&m.AgeAdd) ||
		!readOpaque8(&s, 0, &m.Nonce) || !readOpaque16(&s, 1, &m.Ticket) {
		return decodeError("NewSessionTicket", "fixed fields")
	}
	if m.Extensions, err = readExtensions(&s, "NewSessionTicket", dupIllegal); err != nil {
		return err
	}
	for _, e := range m.Extensions {
		data := cryptobyte.String(e.Data)
		ok, err := m.parseExtension(e.Type, &data)
		if err := extensionError(ok, err, data, "NewSessionTicket", e.Type); err != nil {
			return err
		}
	}
	return nil
}

// parseExtension decodes one NewSessionTicket extension into its typed field.
func (m *NewSessionTicket13) parseExtension(typ uint16, data *cryptobyte.String) (bool, error) {
	if typ != ExtEarlyData {
		readRest(data) // unknown: only recorded in Extensions
		return true, nil
	}
	m.HasEarlyData = true
	return data.ReadUint32(&m.MaxEarlyData), nil
}

// NewSessionTicket12 is the TLS 1.2 NewSessionTicket (RFC 5077 section
// 3.3). An empty Ticket means the server issues none after all.
type NewSessionTicket12 struct {
	Lifetime uint32 // ticket_lifetime_hint, seconds; 0 means unspecified
	Ticket   []byte // ticket<0..2^16-1>
}

// Type returns TypeNewSessionTicket.
func (m *NewSessionTicket12) Type() uint8 { return TypeNewSessionTicket }

// Marshal returns the complete NewSessionTicket message.
func (m *NewSessionTicket12) Marshal() []byte { return marshalWith(10+len(m.Ticket), m.build) }

// build writes the complete message.
func (m *NewSessionTicket12) build(b *builder) {
	b.message(TypeNewSessionTicket, func(b *builder) {
		b.AddUint32(m.Lifetime)
		addOpaque16(b, m.Ticket)
	})
}

// Unmarshal decodes a complete TLS 1.2 NewSessionTicket message into m,
// replacing all of its fields. Ticket aliases msg.
func (m *NewSessionTicket12) Unmarshal(msg []byte) error {
	*m = NewSessionTicket12{}
	s, err := readBody(msg, TypeNewSessionTicket)
	if err != nil {
		return err
	}
	var r NewSessionTicket12
	if !s.ReadUint32(&r.Lifetime) || !readOpaque16(&s, 0, &r.Ticket) || !s.Empty() {
		return decodeError("NewSessionTicket", "body")
	}
	*m = r
	return nil
}
