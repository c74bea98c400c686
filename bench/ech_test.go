package bench

import "testing"

// TestECHStacks checks that both stacks of the -ech benchmark really
// handshake with Encrypted Client Hello.
func TestECHStacks(t *testing.T) {
	p, c := echStacks(tls13X25519)()
	for name, st := range map[string]stack{StackPadlock: p, StackCryptoTLS: c} {
		a, z := Pipe()
		client, server := st.pair(a, z)
		errc := make(chan error, 1)
		go func() { errc <- server.Handshake() }()
		if err := client.Handshake(); err != nil {
			t.Fatalf("%s client: %v", name, err)
		}
		if err := <-errc; err != nil {
			t.Fatalf("%s server: %v", name, err)
		}
		if !st.(echChecked).echAccepted(client) {
			t.Errorf("%s: ECH not accepted", name)
		}
		a.Close()
	}
}
