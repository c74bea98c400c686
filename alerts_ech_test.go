package padlock

import (
	"bytes"
	"errors"
	"testing"

	"padlock/internal/alert"
	"padlock/internal/wire"
)

// The Encrypted Client Hello rows of TestAlertTable (draft-ietf-tls-esni
// sections 5, 5.1, 6.1.4-6.1.7, 7, 7.1 and 7.1.1): what padlock answers
// to hostile ECH input as a server holding ECH keys and as a client
// offering ECH. Rows that need a server to decrypt crafted bytes seal
// them with the server's key in echSealer (alerts_echhelpers_test.go).

// echRows are the ECH rows, both roles.
func echRows(t *testing.T) []alertCase {
	keys := newECHRowKeys(t)
	return append(echServerRows(t, keys), echClientRows(t, keys)...)
}

// echServerRows are the rows of a server under test holding keys.main.
func echServerRows(t *testing.T, keys echRowKeys) []alertCase {
	withKey := keys.serverWith(keys.main)
	hello := func(edit func(*wire.ClientHello)) []byte { return newClientHello(t, v13, nil, edit) }
	rawECH := func(data ...byte) func(*wire.ClientHello) {
		return func(h *wire.ClientHello) {
			h.ECH, h.ExtraExtensions = nil, []wire.Extension{{Type: wire.ExtEncryptedClientHello, Data: data}}
		}
	}
	// sealed is a row whose ClientHelloOuter carries, sealed with the
	// server's key, an inner hello that inner spoiled, encoded and then
	// spoiled by encoded.
	sealed := func(name string, want alert.Description, inner func(*wire.ClientHello), encoded func([]byte) []byte) alertCase {
		in, out := echHelloPair(t, nil)
		if inner != nil {
			inner(in)
		}
		enc := encodeInner(in)
		if encoded != nil {
			enc = encoded(enc)
		}
		outer := newECHSealer(t, keys.main).seal(t, out, enc, nil)
		return alertCase{name: name, role: asServer, vers: v13, want: wantFatal(want), ut: withKey,
			script: sendAll(hsRecord(outer.Marshal()))}
	}
	refs := func(types ...uint16) func(*wire.ClientHello) {
		return func(h *wire.ClientHello) { h.ExtraExtensions = []wire.Extension{echOuterExtensions(types...)} }
	}
	// rejected is a row whose client offers ECH with a config the server
	// cannot use: no alert, the handshake goes on with the outer hello
	// and EncryptedExtensions carries the retry configs (section 7.1);
	// the client, rejected, ends it with ech_required.
	rejected := func(name string, list []byte) alertCase {
		return alertCase{name: name, role: asServer, vers: v13, want: wantRemote(alert.ECHRequired), ut: withKey,
			peer: func(c *Config) { c.EncryptedClientHelloConfigList = list },
			check: func(t *testing.T, ut *Conn, _ []byte) {
				if ut.ConnectionState().ECHAccepted {
					t.Error("the server accepted ECH")
				}
			},
			wrote: wantRetryConfigs(ECHConfigList(*keys.main))}
	}
	return []alertCase{
		// Section 7: only an outer extension comes from the network.
		{name: "ClientHello with an inner encrypted_client_hello", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: withKey, script: sendAll(hsRecord(hello(func(h *wire.ClientHello) { h.ECH = &wire.ECHClientHello{Type: wire.ECHInner} })))},
		{name: "encrypted_client_hello of unknown type", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: withKey, script: sendAll(hsRecord(hello(rawECH(2, 0, 1))))},
		{name: "malformed encrypted_client_hello", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			ut: withKey, script: sendAll(hsRecord(hello(rawECH(0, 0, 1, 0))))},
		// Section 7.1: the inner hello must carry the inner extension
		// and offer nothing below TLS 1.3.
		sealed("ClientHelloInner offers TLS 1.2", alert.IllegalParameter,
			func(h *wire.ClientHello) { h.SupportedVersions = []uint16{VersionTLS13, VersionTLS12} }, nil),
		sealed("ClientHelloInner is TLS 1.2 only", alert.IllegalParameter,
			func(h *wire.ClientHello) { h.SupportedVersions = nil }, nil),
		sealed("ClientHelloInner lacks encrypted_client_hello", alert.IllegalParameter,
			func(h *wire.ClientHello) { h.ECH = nil }, nil),
		sealed("ClientHelloInner with an outer encrypted_client_hello", alert.IllegalParameter,
			func(h *wire.ClientHello) { h.ECH = &wire.ECHClientHello{Type: wire.ECHOuter, Payload: []byte{1}} }, nil),
		// Section 5.1: the padding and ech_outer_extensions.
		sealed("EncodedClientHelloInner padding not zeros", alert.IllegalParameter, nil,
			func(b []byte) []byte { return append(b, 0, 0, 0, 1) }),
		sealed("EncodedClientHelloInner with a legacy_session_id", alert.IllegalParameter, nil,
			func(b []byte) []byte {
				var h wire.ClientHello
				h.Unmarshal(hsMessage(wire.TypeClientHello, b))
				h.SessionID = bytes.Repeat([]byte{1}, 32)
				return h.Marshal()[4:]
			}),
		// An empty plaintext opens, so ECH is accepted, and decodes to
		// nothing (the server once went on without an inner hello).
		sealed("empty EncodedClientHelloInner", alert.DecodeError, nil, func([]byte) []byte { return nil }),
		sealed("EncodedClientHelloInner that is no ClientHello", alert.DecodeError, nil,
			func([]byte) []byte { return []byte("not a hello") }),
		sealed("ech_outer_extensions references a missing extension", alert.IllegalParameter,
			refs(wire.ExtSupportedGroups, wire.ExtCookie), nil),
		sealed("ech_outer_extensions references one twice", alert.IllegalParameter,
			refs(wire.ExtSupportedGroups, wire.ExtSupportedGroups), nil),
		sealed("ech_outer_extensions out of order", alert.IllegalParameter,
			refs(wire.ExtKeyShare, wire.ExtSupportedGroups), nil),
		sealed("ech_outer_extensions references encrypted_client_hello", alert.IllegalParameter,
			refs(wire.ExtEncryptedClientHello), nil),
		sealed("ech_outer_extensions twice", alert.DecodeError,
			func(h *wire.ClientHello) {
				h.ExtraExtensions = []wire.Extension{echOuterExtensions(wire.ExtSupportedGroups), echOuterExtensions(wire.ExtKeyShare)}
			}, nil),
		sealed("ech_outer_extensions with an odd list", alert.DecodeError,
			func(h *wire.ClientHello) {
				h.ExtraExtensions = []wire.Extension{{Type: wire.ExtECHOuterExtensions, Data: []byte{3, 0, 10, 0}}}
			}, nil),
		// Section 7.1: what no key opens is no error.
		rejected("wrong config_id: the outer handshake, with retry configs", keys.wrongID),
		rejected("payload that does not decrypt: the outer handshake, with retry configs", ECHConfigList(*keys.other)),
		{name: "GREASE encrypted_client_hello: the handshake goes on, with retry configs", role: asServer, vers: v13,
			want: wantNoAlert, ut: withKey, check: gotPing, wrote: wantRetryConfigs(ECHConfigList(*keys.main))},
		// Section 6.2.1: the second ClientHello repeats the GREASE
		// extension, which the server, never having opened it, ignores.
		{name: "GREASE encrypted_client_hello through a HelloRetryRequest", role: asServer, vers: v13,
			want: wantNoAlert, ut: func(c *Config) { withKey(c); p256(c) }, check: gotPing,
			peer: func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} }},
		// Section 7.1.1: the second ClientHelloOuter after an accepted
		// ECH's HelloRetryRequest continues the first.
		secondOuterRow(t, keys, "lacks encrypted_client_hello", alert.MissingExtension,
			func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello { return outer }),
		secondOuterRow(t, keys, "changes config_id", alert.IllegalParameter,
			func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello {
				return s.seal(t, outer, encodeInner(inner), func(e *wire.ECHClientHello) { e.ConfigID++ })
			}),
		secondOuterRow(t, keys, "changes the cipher suite", alert.IllegalParameter,
			func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello {
				return s.seal(t, outer, encodeInner(inner), func(e *wire.ECHClientHello) { e.Suite.AEAD = hpkeAEADChaCha20 })
			}),
		secondOuterRow(t, keys, "with a non-empty enc", alert.IllegalParameter,
			func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello {
				return s.seal(t, outer, encodeInner(inner), func(e *wire.ECHClientHello) { e.Enc = s.enc })
			}),
		secondOuterRow(t, keys, "whose payload does not decrypt", alert.DecryptError,
			func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello {
				o := s.seal(t, outer, encodeInner(inner), nil)
				o.ECH.Payload[0] ^= 1
				return o
			}),
		secondOuterRow(t, keys, "whose inner hello lacks encrypted_client_hello", alert.IllegalParameter,
			func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello {
				inner.ECH = nil
				return s.seal(t, outer, encodeInner(inner), nil)
			}),
	}
}

// secondOuterRow is a server row: a first ClientHelloOuter the server
// accepts, whose x25519 share makes a server preferring secp256r1 ask
// for another; the second ClientHelloOuter is what second makes of the
// hellos as an honest client would send them, sealed under the first
// one's HPKE context.
func secondOuterRow(t *testing.T, keys echRowKeys, name string, want alert.Description,
	second func(s *echSealer, inner, outer *wire.ClientHello) *wire.ClientHello) alertCase {
	retryGroups := func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} }
	s := newECHSealer(t, keys.main)
	inner, outer := echHelloPair(t, retryGroups)
	first := s.seal(t, outer, encodeInner(inner), nil).Marshal()
	share := []wire.KeyShare{{Group: uint16(CurveP256), Data: p256Public()}}
	inner2, outer2 := *inner, *outer
	inner2.KeyShares, outer2.KeyShares = share, share
	outer2.ECH = nil
	last := second(s, &inner2, &outer2).Marshal()
	return alertCase{name: "second ClientHelloOuter " + name, role: asServer, vers: v13, want: wantFatal(want),
		ut: func(c *Config) { keys.serverWith(keys.main)(c); p256(c) },
		script: func(sc *script) {
			sc.send(hsRecord(first))
			sc.next() // the HelloRetryRequest
			sc.send(hsRecord(last))
		}}
}

// echClientRows are the rows of a client under test offering ECH with
// the config of keys.main.
func echClientRows(t *testing.T, keys echRowKeys) []alertCase {
	offer := func(list []byte) func(*Config) {
		return func(c *Config) { c.EncryptedClientHelloConfigList = list }
	}
	withList := offer(ECHConfigList(*keys.main))
	retryGroups := func(c *Config) { withList(c); c.CurvePreferences = []CurveID{X25519, CurveP256} }
	notRetry := func(r *rec) bool {
		return r.isMsg(wire.TypeServerHello) && len(r.data) >= 38 && !bytes.Equal(r.data[6:38], wire.HelloRetryRequestRandom[:])
	}
	// rejectedWith checks the error of a rejected client: an
	// *ECHRejectionError carrying retry.
	rejectedWith := func(retry []byte) func(*testing.T, *Conn, []byte) {
		return func(t *testing.T, ut *Conn, _ []byte) {
			var rej *ECHRejectionError
			if err := ut.Handshake(); !errors.As(err, &rej) {
				t.Fatalf("Handshake: %v, want an *ECHRejectionError", err)
			}
			if !bytes.Equal(rej.RetryConfigList, retry) || (retry == nil) != (rej.RetryConfigList == nil) {
				t.Errorf("RetryConfigList %x, want %x", rej.RetryConfigList, retry)
			}
		}
	}
	return []alertCase{
		// Section 6.1.4: a HelloRetryRequest's confirmation is 8 bytes.
		{name: "HelloRetryRequest with an encrypted_client_hello of 7 bytes", role: asClient, vers: v13,
			want: wantFatal(alert.DecodeError), ut: retryGroups,
			script: func(s *script) {
				hrr := retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, CurveP256)
				s.send(hsRecord(withExtensions(hrr, rawExt(wire.ExtEncryptedClientHello, make([]byte, 7)))))
			}},
		// Section 5: retry_configs answer only an outer hello.
		{name: "retry_configs after ECH was accepted", role: asClient, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			ut: withList, peer: keys.serverWith(keys.main),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), editMsg(func(ee *wire.EncryptedExtensions) {
				ee.ECHRetryConfigs = ECHConfigList(*keys.main)
			}))},
		// Section 6.1.6: retry_configs that do not parse.
		{name: "malformed retry_configs after ECH was rejected", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			ut: withList, peer: keys.serverWith(keys.other),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), replaceWith(protHS(encryptedExtensions(
				rawExt(wire.ExtEncryptedClientHello, []byte{0, 6, 0xfe, 0x0d, 0, 9, 1, 2})))))},
		// Section 6.1.5: after an accepted HelloRetryRequest the
		// ServerHello must confirm ECH again.
		{name: "ServerHello after an accepted HelloRetryRequest does not confirm ECH", role: asClient, vers: v13,
			want: wantFatal(alert.IllegalParameter), ut: retryGroups,
			peer: func(c *Config) { keys.serverWith(keys.main)(c); p256(c) },
			edit: onFirst(notRetry, editMsg(func(sh *wire.ServerHello) { sh.Random[31] ^= 1 }))},
		// Section 6.1.7: rejected, the client authenticates the public
		// name; the certificate is not valid for it.
		{name: "ECH rejected by a server not valid for the public name", role: asClient, vers: v13,
			want: wantFatal(alert.BadCertificate), ut: offer(ECHConfigList(*keys.stranger))},
		// Section 6.1.6: rejected, the client ends the handshake with
		// ech_required and hands the retry configs, if any, to its caller.
		{name: "ECH rejected with retry configs: ech_required", role: asClient, vers: v13, want: wantFatal(alert.ECHRequired),
			ut: withList, peer: keys.serverWith(keys.other), check: rejectedWith(ECHConfigList(*keys.other))},
		{name: "ECH rejected in a HelloRetryRequest: ech_required", role: asClient, vers: v13, want: wantFatal(alert.ECHRequired),
			ut: retryGroups, peer: func(c *Config) { keys.serverWith(keys.other)(c); p256(c) },
			check: rejectedWith(ECHConfigList(*keys.other))},
		{name: "ECH rejected by a server without ECH: ech_required", role: asClient, vers: v13, want: wantFatal(alert.ECHRequired),
			ut: withList, check: rejectedWith(nil)},
		// Section 6.1.2: the outer hello's pre_shared_key is GREASE, so a
		// server that rejected ECH cannot have resumed with it.
		{name: "ECH rejected, yet the ServerHello selects a PSK", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { withList(c); c.ClientSessionCache = NewLRUClientSessionCache(1) },
			prepare: func(t *testing.T, cc, sc *Config) {
				keys.serverWith(keys.main)(sc)
				sc.SetSessionTicketKeys([]TicketKey{{1}})
				primeTicket(t, cc, sc)
			},
			script: func(s *script) {
				ch := s.clientHello()
				if ch != nil && len(ch.PSKIdentities) == 0 {
					s.t.Error("the client offered no PSK: the row tests nothing")
				}
				s.send(hsRecord(serverHello13(ch, func(sh *wire.ServerHello) { sh.HasSelectedIdentity = true })))
			}},
		// Section 6.2.1: a GREASE client ignores retry_configs.
		{name: "retry_configs answering GREASE are ignored", role: asClient, vers: v13, want: wantNoAlert, check: gotPing,
			peer: keys.serverWith(keys.main)},
	}
}
