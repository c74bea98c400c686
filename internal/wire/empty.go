package wire

// This file holds the messages whose body is empty.

// unmarshalEmpty checks that msg is a message of type typ with an empty
// body.
func unmarshalEmpty(msg []byte, typ uint8) error {
	s, err := readBody(msg, typ)
	if err != nil {
		return err
	}
	if !s.Empty() {
		return decodeError(TypeName(typ), "body: not empty")
	}
	return nil
}

// marshalEmpty returns the message of type typ with an empty body.
func marshalEmpty(typ uint8) []byte {
	return []byte{typ, 0, 0, 0}
}

// buildEmpty writes the message of type typ with an empty body.
func buildEmpty(b *builder, typ uint8) {
	b.buf = append(b.buf, typ, 0, 0, 0)
}

// HelloRequest asks a TLS 1.2 client to renegotiate (RFC 5246 section
// 7.4.1.1).
type HelloRequest struct{}

// Type returns TypeHelloRequest.
func (m *HelloRequest) Type() uint8 { return TypeHelloRequest }

// Marshal returns the complete HelloRequest message.
func (m *HelloRequest) Marshal() []byte { return marshalEmpty(TypeHelloRequest) }

func (m *HelloRequest) build(b *builder) { buildEmpty(b, TypeHelloRequest) }

// Unmarshal checks that msg is a HelloRequest message.
func (m *HelloRequest) Unmarshal(msg []byte) error { return unmarshalEmpty(msg, TypeHelloRequest) }

// ServerHelloDone ends the TLS 1.2 server's first flight (RFC 5246
// section 7.4.5).
type ServerHelloDone struct{}

// Type returns TypeServerHelloDone.
func (m *ServerHelloDone) Type() uint8 { return TypeServerHelloDone }

// Marshal returns the complete ServerHelloDone message.
func (m *ServerHelloDone) Marshal() []byte { return marshalEmpty(TypeServerHelloDone) }

func (m *ServerHelloDone) build(b *builder) { buildEmpty(b, TypeServerHelloDone) }

// Unmarshal checks that msg is a ServerHelloDone message.
func (m *ServerHelloDone) Unmarshal(msg []byte) error {
	return unmarshalEmpty(msg, TypeServerHelloDone)
}

// EndOfEarlyData ends the client's 0-RTT data (RFC 8446 section 4.5).
type EndOfEarlyData struct{}

// Type returns TypeEndOfEarlyData.
func (m *EndOfEarlyData) Type() uint8 { return TypeEndOfEarlyData }

// Marshal returns the complete EndOfEarlyData message.
func (m *EndOfEarlyData) Marshal() []byte { return marshalEmpty(TypeEndOfEarlyData) }

func (m *EndOfEarlyData) build(b *builder) { buildEmpty(b, TypeEndOfEarlyData) }

// Unmarshal checks that msg is an EndOfEarlyData message.
func (m *EndOfEarlyData) Unmarshal(msg []byte) error { return unmarshalEmpty(msg, TypeEndOfEarlyData) }
