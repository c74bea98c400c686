package bench

import (
	"crypto/tls"

	"padlock"
)

// echPublicName is the public name of the ECH benchmarks' key.
const echPublicName = "public.example"

// echStacks makes both stacks for a scenario with Encrypted Client
// Hello: the server holds one ECH key, the client its config, so every
// handshake adds an HPKE seal, an open, and the inner hello's second
// transcript.
func echStacks(sc scenario) func() (stack, stack) {
	return func() (stack, stack) {
		key, err := padlock.NewECHKey(echPublicName)
		if err != nil {
			panic(err)
		}
		list := padlock.ECHConfigList(*key)
		p := newPadlockStack(sc, false)
		p.client.EncryptedClientHelloConfigList = list
		p.server.EncryptedClientHelloKeys = []padlock.EncryptedClientHelloKey{*key}
		p.ech = true
		t := newCryptoTLSStack(sc, false)
		t.client.EncryptedClientHelloConfigList = list
		t.server.EncryptedClientHelloKeys = []tls.EncryptedClientHelloKey{{Config: key.Config, PrivateKey: key.PrivateKey, SendAsRetry: true}}
		t.ech = true
		return p, t
	}
}

// echChecked is a stack whose handshakes must use ECH.
type echChecked interface {
	// echAccepted reports whether the client's handshake ran on ECH, or
	// true when the stack was not set up for ECH.
	echAccepted(client endpoint) bool
}

func (s *padlockStack) echAccepted(c endpoint) bool {
	return !s.ech || c.(*padlock.Conn).ConnectionState().ECHAccepted
}

func (s *cryptoTLSStack) echAccepted(c endpoint) bool {
	return !s.ech || c.(*tls.Conn).ConnectionState().ECHAccepted
}
