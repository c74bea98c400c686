package bench

import (
	"slices"
	"strings"
	"testing"

	"padlock"
)

// The stacks a Group compares.
const (
	StackPadlock   = "padlock"
	StackCryptoTLS = "crypto-tls"
	StackFloor     = "floor"
)

// Case is one benchmark: the work of a Group done by one Stack.
type Case struct {
	Group string // what is measured, such as "Handshake13/x25519-ecdsa"
	Stack string // StackPadlock, StackCryptoTLS or StackFloor
	Fn    func(*testing.B)
}

// Name is the benchmark's name: Group/Stack.
func (c Case) Name() string { return c.Group + "/" + c.Stack }

// twins returns the padlock and crypto/tls Cases of a group, and its
// floor when there is one.
func twins(group string, fn func(*testing.B, stack), mk func() (stack, stack), floor func(*testing.B)) []Case {
	cs := []Case{
		{group, StackPadlock, func(b *testing.B) { p, _ := mk(); fn(b, p) }},
		{group, StackCryptoTLS, func(b *testing.B) { _, t := mk(); fn(b, t) }},
	}
	if floor != nil {
		cs = append(cs, Case{group, StackFloor, floor})
	}
	return cs
}

// stacks makes both stacks for a scenario.
func stacks(sc scenario, resume bool) func() (stack, stack) {
	return func() (stack, stack) { return newPadlockStack(sc, resume), newCryptoTLSStack(sc, resume) }
}

// handshakeCases are the handshakes: full TLS 1.3 with three kinds of
// key exchange and certificate, and with Encrypted Client Hello, resumed
// TLS 1.3, and the two TLS 1.2 key exchanges.
func handshakeCases() []Case {
	full := func(b *testing.B, st stack) { benchHandshake(b, st, false) }
	resumed := func(b *testing.B, st stack) { benchHandshake(b, st, true) }
	var cs []Case
	cs = append(cs, twins("Handshake13/x25519-ecdsa", full, stacks(tls13X25519, false), floorHandshake(tls13X25519, false))...)
	// The same with a new client Config per connection: no verified
	// chain to reuse, what a client that talks to a server once pays.
	cold := func() (stack, stack) {
		p, t := stacks(tls13X25519, false)()
		p.(*padlockStack).cold = true
		return p, t
	}
	cs = append(cs, twins("Handshake13/x25519-ecdsa-cold", full, cold, floorHandshake(tls13X25519, false))...)
	// The same with Encrypted Client Hello: no floor, as the floor has
	// no HPKE.
	cs = append(cs, twins("Handshake13/x25519-ecdsa-ech", full, echStacks(tls13X25519), nil)...)
	cs = append(cs, twins("Handshake13/mlkem-ecdsa", full, stacks(tls13MLKEM, false), floorHandshake(tls13MLKEM, false))...)
	cs = append(cs, twins("Handshake13/x25519-rsa", full, stacks(tls13RSA, false), floorHandshake(tls13RSA, false))...)
	cs = append(cs, twins("Handshake13/resumed", resumed, stacks(tls13X25519, true), floorHandshake(tls13X25519, true))...)
	cs = append(cs, twins("Handshake12/ecdhe-ecdsa", full, stacks(tls12ECDHE, false), floorHandshake(tls12ECDHE, false))...)
	cs = append(cs, twins("Handshake12/rsa-kx", full, stacks(tls12RSAKX, false), floorHandshake(tls12RSAKX, false))...)
	return cs
}

// bulkCases are the transfers, per suite and transport, with the raw
// AEAD as their floor. TLS 1.3 suites other than TLS_AES_128_GCM_SHA256
// cannot be chosen in crypto/tls, so those groups have no twin.
func bulkCases() []Case {
	var cs []Case
	for _, bc := range []struct {
		name string
		sc   scenario
		aead aeadMaker
		twin bool
	}{
		{"Bulk13/aes128gcm", tls13X25519, aes128GCM, true},
		{"Bulk13/aes256gcm", withSuite(tls13X25519, padlock.TLS_AES_256_GCM_SHA384), aes256GCM, false},
		{"Bulk13/chacha20", withSuite(tls13X25519, padlock.TLS_CHACHA20_POLY1305_SHA256), chacha, false},
		{"Bulk12/aes128gcm", tls12ECDHE, aes128GCM, true},
		{"Bulk12/aes256gcm", tls12ECDHE256, aes256GCM, true},
		{"Bulk12/chacha20", tls12ECDHECC, chacha, true},
	} {
		for _, transport := range []string{overPipe, overTCP} {
			fn := func(b *testing.B, st stack) { benchBulk(b, st, transport) }
			group := bc.name + "/" + transport
			more := twins(group, fn, stacks(bc.sc, false), floorAEAD(bc.aead, recordSize))
			if !bc.twin {
				more = slices.DeleteFunc(more, func(c Case) bool { return c.Stack == StackCryptoTLS })
			}
			cs = append(cs, more...)
		}
	}
	return cs
}

// smallCases are the small-record round trips and the idle connections.
func smallCases() []Case {
	var cs []Case
	for _, transport := range []string{overPipe, overTCP} {
		fn := func(b *testing.B, st stack) { benchEcho(b, st, transport) }
		cs = append(cs, twins("Echo64/"+transport, fn, stacks(tls13X25519, false), floorEcho)...)
	}
	quiet := func(b *testing.B, st stack) { benchIdle(b, st, false) }
	reading := func(b *testing.B, st stack) { benchIdle(b, st, true) }
	cs = append(cs, twins("IdleConn/tls13", quiet, stacks(tls13X25519, false), nil)...)
	cs = append(cs, twins("IdleConn/tls13/reading", reading, stacks(tls13X25519, false), nil)...)
	return cs
}

func withSuite(sc scenario, suite uint16) scenario {
	sc.suite = suite
	return sc
}

// Cases returns every benchmark, in the order of the table.
func Cases() []Case {
	var cs []Case
	cs = append(cs, handshakeCases()...)
	cs = append(cs, bulkCases()...)
	cs = append(cs, smallCases()...)
	cs = append(cs, firstByteCases()...)
	return cs
}

// Select returns the Cases whose name contains every space-separated
// word of filter (all of them when filter is empty).
func Select(filter string) []Case {
	var out []Case
	for _, c := range Cases() {
		if matches(c.Name(), filter) {
			out = append(out, c)
		}
	}
	return out
}

func matches(name, filter string) bool {
	for _, w := range strings.Fields(filter) {
		if !strings.Contains(strings.ToLower(name), strings.ToLower(w)) {
			return false
		}
	}
	return true
}
