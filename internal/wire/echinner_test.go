package wire

import (
	"bytes"
	"testing"
	"time"

	"padlock/internal/alert"
)

// echHellos returns a ClientHelloInner and a ClientHelloOuter as a client
// builds them: the same offer with the same legacy_session_id, the outer
// one naming the public name and carrying the encrypted extension.
func echHellos() (inner, outer *ClientHello) {
	inner = &ClientHello{Vers: 0x0303, Random: fill(32, 1), SessionID: fill(32, 2),
		CipherSuites: []uint16{0x1301, 0x1303}, CompressionMethods: []uint8{0},
		ServerName: "secret.example", SupportedGroups: []uint16{0x1d, 0x17},
		SignatureAlgorithms: []uint16{0x0804, 0x0403}, ALPNProtocols: []string{"h2"},
		KeyShares:         []KeyShare{{Group: 0x1d, Data: fill(32, 3)}, {Group: 0x11ec, Data: fill(1216, 8)}},
		SupportedVersions: []uint16{0x0304}, PSKModes: []uint8{1},
		ECH: &ECHClientHello{Type: ECHInner}}
	o := *inner
	o.Random, o.ServerName = fill(32, 9), "public.example"
	o.SupportedVersions = []uint16{0x0304, 0x0303}
	o.ECH = &ECHClientHello{Type: ECHOuter, Suite: HPKESuite{KDF: 1, AEAD: 1}, ConfigID: 3, Enc: fill(32, 4), Payload: fill(300, 5)}
	return inner, &o
}

// encodedOf is the EncodedClientHelloInner of h as it stands, extra
// extensions (such as a hand-made ech_outer_extensions) included, with
// no compression and no padding.
func encodedOf(h *ClientHello) []byte {
	c := *h
	c.SessionID = nil
	return c.Marshal()[4:]
}

// outerExts is an ech_outer_extensions naming types.
func outerExts(types ...uint16) Extension {
	var list []byte
	for _, t := range types {
		list = append(list, byte(t>>8), byte(t))
	}
	return Extension{Type: ExtECHOuterExtensions, Data: vec8(list)}
}

// TestClientHelloInnerRoundTrip: decoding what EncodeClientHelloInner
// made gives back the inner hello byte for byte, with and without
// compression and padding.
func TestClientHelloInnerRoundTrip(t *testing.T) {
	inner, outer := echHellos()
	unshared := *outer
	unshared.SupportedGroups, unshared.SignatureAlgorithms = []uint16{0x17}, []uint16{0x0403}
	unshared.KeyShares, unshared.ALPNProtocols, unshared.PSKModes = []KeyShare{{Group: 0x17, Data: fill(65, 4)}}, nil, nil
	for _, tc := range []struct {
		name       string
		outer      *ClientHello
		pad        int
		compressed bool
	}{
		{"compressed", outer, 0, true},
		{"compressed and padded", outer, 37, true},
		{"nothing to compress", &unshared, 0, false},
		{"nothing to compress, padded", &unshared, 300, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			innerRaw, outerRaw := inner.Marshal(), tc.outer.Marshal()
			encoded, err := EncodeClientHelloInner(innerRaw, outerRaw, func(int) int { return tc.pad })
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(encoded[len(encoded)-tc.pad:], make([]byte, tc.pad)) {
				t.Errorf("padding is not %d zeros", tc.pad)
			}
			var probe ClientHello
			if err := probe.Unmarshal(handshake(TypeClientHello, encoded[:len(encoded)-tc.pad])); err != nil {
				t.Fatalf("encoded client_hello: %v", err)
			}
			if len(probe.SessionID) != 0 {
				t.Errorf("encoded legacy_session_id %x, want empty", probe.SessionID)
			}
			hasRefs := bytes.Contains(extTypesBytes(probe.Extensions), []byte{0xfd, 0x00})
			if hasRefs != tc.compressed {
				t.Errorf("ech_outer_extensions present: %v, want %v (extensions %x)", hasRefs, tc.compressed, extTypes(probe.Extensions))
			}
			if tc.compressed && len(encoded) > len(innerRaw)-1000 {
				t.Errorf("compressed to %d bytes of %d: the hybrid key share was not referenced", len(encoded), len(innerRaw))
			}
			got, err := DecodeClientHelloInner(encoded, outerRaw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, innerRaw) {
				t.Errorf("decoded\n%x\nwant\n%x", got, innerRaw)
			}
		})
	}
}

func extTypesBytes(exts []Extension) []byte {
	var b []byte
	for _, e := range exts {
		b = append(b, byte(e.Type>>8), byte(e.Type))
	}
	return b
}

// TestDecodeClientHelloInnerErrors: each bad EncodedClientHelloInner gets
// the alert of section 5.1.
func TestDecodeClientHelloInnerErrors(t *testing.T) {
	inner, outer := echHellos()
	outerRaw := outer.Marshal()
	// withRefs is the encoded inner hello with ech_outer_extensions
	// extensions prepended.
	withRefs := func(exts ...Extension) []byte {
		h := *inner
		h.ExtraExtensions = exts
		return encodedOf(&h)
	}
	rawRefs := func(data ...byte) []byte { return withRefs(Extension{Type: ExtECHOuterExtensions, Data: data}) }
	withSession := *inner
	withSession.SessionID = fill(32, 2)
	good := withRefs(outerExts(ExtSupportedGroups, ExtKeyShare))
	if _, err := DecodeClientHelloInner(good, outerRaw); err != nil {
		t.Fatalf("the well-formed base case: %v", err)
	}
	for _, tc := range []struct {
		name    string
		encoded []byte
		outer   []byte
		want    alert.Description
	}{
		{"padding not zeros", cat(good, []byte{0, 0, 1}), outerRaw, alert.IllegalParameter},
		{"references a missing extension", withRefs(outerExts(ExtSupportedGroups, ExtCookie)), outerRaw, alert.IllegalParameter},
		{"references one twice", withRefs(outerExts(ExtSupportedGroups, ExtSupportedGroups)), outerRaw, alert.IllegalParameter},
		{"references out of order", withRefs(outerExts(ExtKeyShare, ExtSupportedGroups)), outerRaw, alert.IllegalParameter},
		{"references encrypted_client_hello", withRefs(outerExts(ExtSupportedGroups, ExtEncryptedClientHello)), outerRaw, alert.IllegalParameter},
		{"references ech_outer_extensions", withRefs(outerExts(ExtECHOuterExtensions)),
			clientHello(ext(ExtECHOuterExtensions, 2, 0, 10)), alert.IllegalParameter},
		{"second ech_outer_extensions", withRefs(outerExts(ExtSupportedGroups), outerExts(ExtKeyShare)), outerRaw, alert.DecodeError},
		{"empty reference list", rawRefs(0), outerRaw, alert.DecodeError},
		{"reference list of odd length", rawRefs(3, 0, 10, 0), outerRaw, alert.DecodeError},
		{"reference list overruns", rawRefs(4, 0, 10), outerRaw, alert.DecodeError},
		{"byte after the reference list", rawRefs(2, 0, 10, 0), outerRaw, alert.DecodeError},
		{"empty extension", rawRefs(), outerRaw, alert.DecodeError},
		{"legacy_session_id not empty", withSession.Marshal()[4:], outerRaw, alert.IllegalParameter},
		{"truncated fixed fields", good[:40], outerRaw, alert.DecodeError},
		{"extensions overrun", good[:len(good)-1], outerRaw, alert.DecodeError},
		{"nothing", nil, outerRaw, alert.DecodeError},
		{"malformed outer", good, outerRaw[:len(outerRaw)-1], alert.DecodeError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeClientHelloInner(tc.encoded, tc.outer)
			if got != nil {
				t.Errorf("decoded %d bytes beside the error", len(got))
			}
			wantAlert(t, err, tc.want)
		})
	}
}

// TestDecodeClientHelloInnerLinear decodes an inner hello whose maximal
// reference list points into a 64 KiB outer hello of 16,000 extensions:
// the work is one pass over each (section 5.1 asks for linear time, and
// appendix A shows how), and the result is no larger than the two
// together, so the references amplify nothing.
func TestDecodeClientHelloInnerLinear(t *testing.T) {
	var exts [][]byte
	var refs []uint16
	for i := range 16000 {
		exts = append(exts, ext(uint16(0x1000+i)))
		if i >= 16000-127 {
			refs = append(refs, uint16(0x1000+i))
		}
	}
	outer := clientHello(exts...)
	inner, _ := echHellos()
	inner.ExtraExtensions = []Extension{outerExts(refs...)}
	encoded := encodedOf(inner)
	start := time.Now()
	var got []byte
	var err error
	for range 10 {
		if got, err = DecodeClientHelloInner(encoded, outer); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("10 decodings took %v", d)
	}
	if len(got) > len(outer)+len(encoded) {
		t.Errorf("decoded %d bytes from %d + %d", len(got), len(outer), len(encoded))
	}
	var h ClientHello
	// The reference list gives way to the 127 extensions it names.
	if err := h.Unmarshal(got); err != nil || len(h.Extensions) != len(mustParse(t, inner).Extensions)-1+127 {
		t.Errorf("decoded hello: %d extensions, %v", len(h.Extensions), err)
	}
}

func mustParse(t *testing.T, h *ClientHello) *ClientHello {
	var p ClientHello
	if err := p.Unmarshal(h.Marshal()); err != nil {
		t.Fatal(err)
	}
	return &p
}

// TestClientHelloOuterAAD: the AAD is the outer hello without its header,
// the payload zeroed and nothing else changed (section 5.2).
func TestClientHelloOuterAAD(t *testing.T) {
	_, outer := echHellos()
	raw := outer.Marshal()
	aad, err := ClientHelloOuterAAD(raw)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(raw, outer.ECH.Payload) - 4
	n := len(outer.ECH.Payload)
	if len(aad) != len(raw)-4 || !bytes.Equal(aad[:at], raw[4:4+at]) || !bytes.Equal(aad[at:at+n], make([]byte, n)) ||
		!bytes.Equal(aad[at+n:], raw[4+at+n:]) {
		t.Errorf("AAD\n%x\nof\n%x", aad, raw)
	}
	outer.ECH = &ECHClientHello{Type: ECHInner}
	_, err = ClientHelloOuterAAD(outer.Marshal())
	wantAlert(t, err, alert.DecodeError)
	outer.ECH = nil
	_, err = ClientHelloOuterAAD(outer.Marshal())
	wantAlert(t, err, alert.DecodeError)
}
