package padlock

import (
	"bytes"
	"crypto/hpke"
	"testing"

	"padlock/internal/wire"
)

// What the ECH rows of TestAlertTable are made of: the keys, the hellos
// an ECH client would build, and a sealer that encrypts any bytes to a
// server key as a client does, so that a row reaches the server's
// decoding of the inner hello with whatever it wants decoded.

// echRowKeys are the ECH keys of the rows.
type echRowKeys struct {
	main     *EncryptedClientHelloKey // public name echPublicName, which the test certificate covers
	other    *EncryptedClientHelloKey // main's config_id, another HPKE key: main's payloads do not open with it
	stranger *EncryptedClientHelloKey // public name public.invalid, which the test certificate does not cover
	wrongID  []byte                   // an ECHConfigList of main's config under another config_id
}

func newECHRowKeys(t *testing.T) echRowKeys {
	key := func(name string) *EncryptedClientHelloKey {
		k, err := NewECHKey(name)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	// withID returns k's config under the config_id id.
	withID := func(k *EncryptedClientHelloKey, id uint8) []byte {
		configs, err := wire.ParseECHConfigList(ECHConfigList(*k))
		if err != nil || len(configs) != 1 {
			t.Fatalf("test ECH config: %v", err)
		}
		configs[0].ConfigID = id
		return configs[0].Marshal()
	}
	keys := echRowKeys{main: key(echPublicName), other: key(echPublicName), stranger: key("public.invalid")}
	id := withID(keys.main, 0)[4] // config_id is the first byte of the contents
	keys.other.Config = withID(keys.other, id)
	keys.wrongID = wire.MarshalECHConfigList(withID(keys.main, id+1))
	return keys
}

// serverWith gives a server config the ECH key k.
func (echRowKeys) serverWith(k *EncryptedClientHelloKey) func(*Config) {
	return func(c *Config) { c.EncryptedClientHelloKeys = []EncryptedClientHelloKey{*k} }
}

// echHelloPair returns the hellos a padlock client with cfg would build
// for ECH (draft-ietf-tls-esni section 6.1): an inner one naming
// localhost, with the inner extension and TLS 1.3 only, and an outer one
// naming the public name, for a sealer to add its extension to. Both
// have the same legacy_session_id, which the server copies from the
// outer hello into the inner one.
func echHelloPair(t *testing.T, cfg func(*Config)) (inner, outer *wire.ClientHello) {
	var base wire.ClientHello
	if err := base.Unmarshal(newClientHello(t, v13, cfg, nil)); err != nil {
		t.Fatal(err)
	}
	base.Raw, base.Extensions = nil, nil
	in, out := base, base
	in.ServerName, in.SupportedVersions = "localhost", []uint16{VersionTLS13}
	in.ECH = &wire.ECHClientHello{Type: wire.ECHInner}
	out.ServerName, out.ECH = echPublicName, nil
	return &in, &out
}

// encodeInner is the EncodedClientHelloInner of h (section 5.1) as it
// stands, without compression or padding: legacy_session_id emptied,
// the handshake header left off.
func encodeInner(h *wire.ClientHello) []byte {
	c := *h
	c.SessionID = nil
	return c.Marshal()[4:]
}

// echOuterExtensions is an ech_outer_extensions naming types.
func echOuterExtensions(types ...uint16) wire.Extension {
	list := []byte{byte(2 * len(types))}
	for _, t := range types {
		list = append(list, byte(t>>8), byte(t))
	}
	return wire.Extension{Type: wire.ExtECHOuterExtensions, Data: list}
}

// echSealer is the sending side of HPKE for one ECH config, as a client
// sets it up (section 6.1): one context for the first ClientHelloOuter
// and a second.
type echSealer struct {
	config wire.ECHConfig
	suite  wire.HPKESuite
	sender *hpke.Sender
	enc    []byte
	sealed bool
}

func newECHSealer(t testing.TB, key *EncryptedClientHelloKey) *echSealer {
	configs, err := wire.ParseECHConfigList(ECHConfigList(*key))
	if err != nil || len(configs) != 1 {
		t.Fatalf("test ECH config: %v", err)
	}
	s := &echSealer{config: configs[0], suite: configs[0].CipherSuites[0]}
	kem, err := hpke.NewKEM(s.config.KEM)
	if err != nil {
		t.Fatal(err)
	}
	kdf, err := hpke.NewKDF(s.suite.KDF)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := hpke.NewAEAD(s.suite.AEAD)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := kem.NewPublicKey(s.config.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	info := append([]byte("tls ech\x00"), s.config.Raw...)
	if s.enc, s.sender, err = hpke.NewSender(pub, kdf, aead, info); err != nil {
		t.Fatal(err)
	}
	return s
}

// seal returns a copy of outer carrying an outer encrypted_client_hello
// whose payload is encoded, sealed over the copy's ClientHelloOuterAAD
// (section 5.2). The first seal sends enc, later ones an empty one
// (section 6.1.5). edit, if not nil, changes the extension first.
func (s *echSealer) seal(t testing.TB, outer *wire.ClientHello, encoded []byte, edit func(*wire.ECHClientHello)) *wire.ClientHello {
	o := *outer
	o.ECH = &wire.ECHClientHello{Type: wire.ECHOuter, Suite: s.suite, ConfigID: s.config.ConfigID,
		Payload: make([]byte, len(encoded)+echTagLen)}
	if !s.sealed {
		o.ECH.Enc = s.enc
	}
	if edit != nil {
		edit(o.ECH)
	}
	aad, err := wire.ClientHelloOuterAAD(o.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if o.ECH.Payload, err = s.sender.Seal(aad, encoded); err != nil {
		t.Fatal(err)
	}
	s.sealed = true
	return &o
}

// wantRetryConfigs checks that the server under test's
// EncryptedExtensions, the first message it protected, carried list as
// retry_configs (draft-ietf-tls-esni section 7.1).
func wantRetryConfigs(list []byte) func(*testing.T, []*rec) {
	return func(t *testing.T, recs []*rec) {
		for _, r := range recs {
			if !r.prot || !r.isMsg(wire.TypeEncryptedExtensions) {
				continue
			}
			n, _ := wire.SplitMessage(r.data)
			var ee wire.EncryptedExtensions
			if err := ee.Unmarshal(r.data[:n]); err != nil {
				t.Fatalf("EncryptedExtensions: %v", err)
			}
			if !bytes.Equal(ee.ECHRetryConfigs, list) {
				t.Errorf("retry_configs %x, want %x", ee.ECHRetryConfigs, list)
			}
			return
		}
		t.Error("padlock wrote no EncryptedExtensions")
	}
}
