package padlock

import (
	"padlock/internal/alert"
	"padlock/internal/record"
	"padlock/internal/wire"
)

const (
	recordAlert     = record.Alert
	recordHandshake = record.Handshake
)

// clientHandshake12 runs a TLS 1.2 client handshake after the ServerHello.
func (c *Conn) clientHandshake12(hello *wire.ClientHello, sh *wire.ServerHello) error {
	return alertf(alert.ProtocolVersion, "TLS 1.2 is not implemented yet")
}

// serverHandshake12 runs a TLS 1.2 server handshake after the ClientHello.
func (c *Conn) serverHandshake12(ch *wire.ClientHello) error {
	return alertf(alert.ProtocolVersion, "TLS 1.2 is not implemented yet")
}
