package wire

import (
	"bytes"
	"reflect"
	"testing"

	"padlock/internal/alert"
)

// sampleECHConfig is an ECHConfig with every field set, an optional
// extension included.
func sampleECHConfig() *ECHConfig {
	return &ECHConfig{ConfigID: 7, KEM: 0x0020, PublicKey: fill(32, 1),
		CipherSuites:  []HPKESuite{{KDF: 1, AEAD: 1}, {KDF: 1, AEAD: 3}},
		MaxNameLength: 64, PublicName: "public.example",
		Extensions: []Extension{{Type: 0x1234, Data: []byte("x")}, {Type: 0x2345}}}
}

// rawECHConfig is an ECHConfig of any version with contents as given.
func rawECHConfig(version uint16, contents ...[]byte) []byte {
	return cat([]byte{byte(version >> 8), byte(version)}, vec16(contents...))
}

// echContents builds ECHConfigContents from its parts, for malformed ones.
func echContents(pub, suites, name, exts []byte) []byte {
	return cat([]byte{7, 0, 0x20}, vec16(pub), vec16(suites), []byte{0}, vec8(name), vec16(exts))
}

func TestECHConfigListRoundTrip(t *testing.T) {
	want := sampleECHConfig()
	raw := bytes.Clone(want.Marshal())
	mandatory := sampleECHConfig()
	mandatory.Extensions = append(mandatory.Extensions, Extension{Type: 0x8001})
	list := MarshalECHConfigList(
		rawECHConfig(0xfe0c, []byte("an older draft's config")), // another version: skipped
		raw,
		mandatory.Marshal(), // a mandatory extension padlock does not know: skipped
	)
	got, err := ParseECHConfigList(list)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d configs, want the one of version 0xfe0d without mandatory extensions", len(got))
	}
	if !bytes.Equal(got[0].Raw, raw) {
		t.Errorf("Raw %x, want %x", got[0].Raw, raw)
	}
	if !reflect.DeepEqual(&got[0], want) {
		t.Errorf("parsed\n%+v\nwant\n%+v", got[0], *want)
	}
	// Marshal of what parsed gives the same bytes, which parse the same.
	again, err := ParseECHConfigList(MarshalECHConfigList(got[0].Marshal()))
	if err != nil || len(again) != 1 || !reflect.DeepEqual(again[0], got[0]) {
		t.Errorf("re-parse: %+v, %v", again, err)
	}
	// Nothing usable is an empty result, not an error (section 4).
	got, err = ParseECHConfigList(MarshalECHConfigList(rawECHConfig(0xfe0c, nil), mandatory.Marshal()))
	if err != nil || len(got) != 0 {
		t.Errorf("no usable config: %+v, %v", got, err)
	}
}

func TestECHConfigListMalformed(t *testing.T) {
	good := echContents(fill(32, 1), []byte{0, 1, 0, 1}, []byte("p.example"), nil)
	cfg := func(contents []byte) []byte { return vec16(rawECHConfig(ECHVersion, contents)) }
	for name, list := range map[string][]byte{
		"nothing":                       nil,
		"empty list":                    vec16(),
		"list of 3 bytes":               vec16([]byte{0xfe, 0x0d, 0}),
		"trailing byte after the list":  cat(cfg(good), []byte{0}),
		"list length overruns":          cat([]byte{0xff, 0xff}, rawECHConfig(ECHVersion, good)),
		"config length overruns":        vec16([]byte{0xfe, 0x0d, 0xff, 0xff}, good),
		"config length overruns (skip)": vec16([]byte{0xfe, 0x0c, 0, 200}, good),
		"trailing byte in contents":     cfg(cat(good, []byte{0})),
		"truncated contents":            cfg(good[:len(good)-1]),
		"empty public_key":              cfg(echContents(nil, []byte{0, 1, 0, 1}, []byte("p"), nil)),
		"no cipher suite":               cfg(echContents(fill(32, 1), nil, []byte("p"), nil)),
		"cipher suites of 6 bytes":      cfg(echContents(fill(32, 1), []byte{0, 1, 0, 1, 0, 1}, []byte("p"), nil)),
		"empty public_name":             cfg(echContents(fill(32, 1), []byte{0, 1, 0, 1}, nil, nil)),
		"truncated extension":           cfg(echContents(fill(32, 1), []byte{0, 1, 0, 1}, []byte("p"), []byte{0, 1, 0})),
		"duplicated extension":          cfg(echContents(fill(32, 1), []byte{0, 1, 0, 1}, []byte("p"), cat(ext(9), ext(9)))),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ParseECHConfigList(list)
			if got != nil {
				t.Errorf("configs %+v beside the error", got)
			}
			wantAlert(t, err, alert.DecodeError)
		})
	}
}

// echOuterExt is an outer encrypted_client_hello with every field set.
func echOuterExt() *ECHClientHello {
	return &ECHClientHello{Type: ECHOuter, Suite: HPKESuite{KDF: 1, AEAD: 3}, ConfigID: 9, Enc: fill(32, 4), Payload: fill(200, 5)}
}

// TestECHExtensionRoundTrip checks encrypted_client_hello in the three
// messages that carry it (section 5): both types in a ClientHello,
// retry_configs in EncryptedExtensions, the confirmation in a
// HelloRetryRequest.
func TestECHExtensionRoundTrip(t *testing.T) {
	second := echOuterExt()
	second.Enc = nil // a second ClientHelloOuter's enc is empty (section 6.1.5)
	for _, ech := range []*ECHClientHello{echOuterExt(), second, {Type: ECHInner}} {
		ch := fullClientHello()
		ch.ECH = ech
		var got ClientHello
		if err := got.Unmarshal(ch.Marshal()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.ECH, ech) {
			t.Errorf("ECH %+v, want %+v", got.ECH, ech)
		}
	}
	retry := MarshalECHConfigList(sampleECHConfig().Marshal())
	var ee EncryptedExtensions
	if err := ee.Unmarshal((&EncryptedExtensions{ECHRetryConfigs: retry}).Marshal()); err != nil || !bytes.Equal(ee.ECHRetryConfigs, retry) {
		t.Errorf("retry_configs %x, %v", ee.ECHRetryConfigs, err)
	}
	hrr := &ServerHello{Vers: 0x0303, Random: HelloRetryRequestRandom[:], CipherSuite: 0x1301, SupportedVersion: 0x0304,
		SelectedGroup: 0x17, ECHConfirmation: fill(8, 6)}
	raw := hrr.Marshal()
	var sh ServerHello
	if err := sh.Unmarshal(raw); err != nil || !bytes.Equal(sh.ECHConfirmation, fill(8, 6)) {
		t.Fatalf("confirmation %x, %v", sh.ECHConfirmation, err)
	}
	// The transcript of hrr_accept_confirmation zeroes the 8 bytes, and
	// only them (section 7.2.1).
	zeroed, err := ZeroECHConfirmation(raw)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(raw, fill(8, 6))
	if !bytes.Equal(zeroed[:at], raw[:at]) || !bytes.Equal(zeroed[at:at+8], make([]byte, 8)) || !bytes.Equal(zeroed[at+8:], raw[at+8:]) {
		t.Errorf("zeroed %x\nfrom   %x", zeroed, raw)
	}
	hrr.ECHConfirmation = nil
	if plain, err := ZeroECHConfirmation(hrr.Marshal()); err != nil || !bytes.Equal(plain, hrr.Marshal()) {
		t.Errorf("without the extension: %x, %v", plain, err)
	}
}

// TestECHExtensionMalformed checks the alert of each bad
// encrypted_client_hello a peer may send.
func TestECHExtensionMalformed(t *testing.T) {
	outer := echOuterExt()
	b := marshalWith(0, func(b *builder) { outer.add(b) })
	serverHello := func(data ...byte) []byte {
		return handshake(TypeServerHello, []byte{3, 3}, HelloRetryRequestRandom[:], vec8(), []byte{0x13, 0x01, 0},
			vec16(ext(ExtSupportedVersions, 3, 4), ext(ExtEncryptedClientHello, data...)))
	}
	for _, tc := range []struct {
		name string
		msg  []byte
		want alert.Description
	}{
		// Section 7: a type that is neither outer nor inner.
		{"unknown ECHClientHelloType", clientHello(ext(ExtEncryptedClientHello, 2)), alert.IllegalParameter},
		{"empty", clientHello(ext(ExtEncryptedClientHello)), alert.DecodeError},
		{"inner with a trailing byte", clientHello(ext(ExtEncryptedClientHello, 1, 0)), alert.DecodeError},
		{"outer truncated", clientHello(ext(ExtEncryptedClientHello, b[:len(b)-1]...)), alert.DecodeError},
		{"outer with a trailing byte", clientHello(ext(ExtEncryptedClientHello, cat(b, []byte{0})...)), alert.DecodeError},
		{"outer with an empty payload", clientHello(ext(ExtEncryptedClientHello, cat(b[:6], vec16(fill(32, 4)), vec16())...)), alert.DecodeError},
		// Section 6.1.4: a confirmation of another length.
		{"HelloRetryRequest confirmation of 7 bytes", serverHello(fill(7, 1)...), alert.DecodeError},
		{"HelloRetryRequest confirmation of 9 bytes", serverHello(fill(9, 1)...), alert.DecodeError},
		// Section 6.1.6: retry_configs that do not parse.
		{"retry_configs malformed", handshake(TypeEncryptedExtensions, vec16(ext(ExtEncryptedClientHello, 0, 4, 0xfe, 0x0d, 0, 9))), alert.DecodeError},
		{"retry_configs empty", handshake(TypeEncryptedExtensions, vec16(ext(ExtEncryptedClientHello))), alert.DecodeError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.msg, true)
			wantAlert(t, err, tc.want)
		})
	}
}
