package wire

import "padlock/internal/alert"

// Finished carries the verify_data that authenticates the handshake
// (RFC 8446 section 4.4.4, RFC 5246 section 7.4.9). Its length depends on
// the cipher suite, so wire only requires it to be non-empty.
type Finished struct {
	VerifyData []byte
}

// Type returns TypeFinished.
func (m *Finished) Type() uint8 { return TypeFinished }

// Marshal returns the complete Finished message.
func (m *Finished) Marshal() []byte { return marshalWith(4+len(m.VerifyData), m.build) }

// build writes the complete message.
func (m *Finished) build(b *builder) {
	b.message(TypeFinished, func(b *builder) {
		b.AddBytes(m.VerifyData)
	})
}

// Unmarshal decodes a complete Finished message into m, replacing all of
// its fields. VerifyData aliases msg.
func (m *Finished) Unmarshal(msg []byte) error {
	*m = Finished{}
	s, err := readBody(msg, TypeFinished)
	if err != nil {
		return err
	}
	if s.Empty() {
		return decodeError("Finished", "empty verify_data")
	}
	m.VerifyData = readRest(&s)
	return nil
}

// MessageHash returns the synthetic message_hash handshake message that
// replaces ClientHello1 in the transcript after a HelloRetryRequest
// (RFC 8446 section 4.4.1): type 254, the uint24 length, then h, the
// hash of ClientHello1.
func MessageHash(h []byte) []byte {
	return marshalMessage(TypeMessageHash, 4+len(h), func(b *builder) { b.AddBytes(h) })
}

// KeyUpdate tells the peer that the sender updated its traffic keys
// (RFC 8446 section 4.6.3).
type KeyUpdate struct {
	RequestUpdate bool // update_requested: the peer must update its keys too
}

// Type returns TypeKeyUpdate.
func (m *KeyUpdate) Type() uint8 { return TypeKeyUpdate }

// Marshal returns the complete KeyUpdate message.
func (m *KeyUpdate) Marshal() []byte { return marshalWith(5, m.build) }

// build writes the complete message.
func (m *KeyUpdate) build(b *builder) {
	b.message(TypeKeyUpdate, func(b *builder) {
		if m.RequestUpdate {
			b.AddUint8(1)
		} else {
			b.AddUint8(0)
		}
	})
}

// Unmarshal decodes a complete KeyUpdate message into m. A request_update
// other than 0 or 1 is an illegal_parameter (RFC 8446 section 4.6.3).
func (m *KeyUpdate) Unmarshal(msg []byte) error {
	*m = KeyUpdate{}
	s, err := readBody(msg, TypeKeyUpdate)
	if err != nil {
		return err
	}
	var v uint8
	if !s.ReadUint8(&v) || !s.Empty() {
		return decodeError("KeyUpdate", "body")
	}
	if v > 1 {
		return alert.New(alert.IllegalParameter, "wire: KeyUpdate: request_update %d", v)
	}
	m.RequestUpdate = v == 1
	return nil
}
