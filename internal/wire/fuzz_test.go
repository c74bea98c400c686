package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// checkRoundTrip parses msg and, if it parses, checks that the message
// marshals to bytes that parse to the same message and marshal the same
// again. Raw and the Extensions lists are left out of the comparison:
// Marshal writes the typed fields in its own order and drops unknown
// extensions.
func checkRoundTrip(t *testing.T, msg []byte, tls13 bool) {
	t.Helper()
	m, err := Parse(msg, tls13)
	if err != nil {
		return
	}
	raw := m.Marshal()
	m2, err := Parse(raw, tls13)
	if err != nil {
		t.Fatalf("%T re-marshaled to %x, which does not parse: %v\ninput %x", m, raw, err, msg)
	}
	if again := m2.Marshal(); !bytes.Equal(again, raw) {
		t.Fatalf("%T: second Marshal differs:\n%x\n%x", m, again, raw)
	}
	if !reflect.DeepEqual(normalize(m), normalize(m2)) {
		t.Fatalf("%T: re-parsed message differs:\n%+v\n%+v", m, m, m2)
	}
}

// FuzzParse feeds arbitrary bytes to Parse in both versions: nothing may
// panic, and whatever parses must round-trip.
func FuzzParse(f *testing.F) {
	for _, s := range samples() {
		f.Add(s.msg.Marshal())
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		checkRoundTrip(t, msg, true)
		checkRoundTrip(t, msg, false)
		if n, ok := SplitMessage(msg); ok && n < 4 {
			t.Fatalf("SplitMessage = %d", n)
		}
	})
}

// FuzzParseECHConfigList feeds arbitrary bytes to ParseECHConfigList:
// nothing may panic, each config that parses marshals back to the bytes
// it came from, and the list of them parses to the same configs.
func FuzzParseECHConfigList(f *testing.F) {
	f.Add(MarshalECHConfigList(sampleECHConfig().Marshal()))
	mandatory := sampleECHConfig()
	mandatory.Extensions = []Extension{{Type: 0x8001}}
	f.Add(MarshalECHConfigList(rawECHConfig(0xfe0c, []byte("old")), sampleECHConfig().Marshal(), mandatory.Marshal()))
	f.Fuzz(func(t *testing.T, list []byte) {
		configs, err := ParseECHConfigList(list)
		if err != nil {
			return
		}
		var raws [][]byte
		for i := range configs {
			c := configs[i]
			orig := c.Raw
			if again := c.Marshal(); !bytes.Equal(again, orig) {
				t.Fatalf("config %d marshals to\n%x\nfrom\n%x", i, again, orig)
			}
			raws = append(raws, orig)
		}
		again, err := ParseECHConfigList(MarshalECHConfigList(raws...))
		if len(configs) == 0 {
			return // an empty list does not encode
		}
		if err != nil || !reflect.DeepEqual(again, configs) {
			t.Fatalf("re-parsed %+v, %v\nwant %+v", again, err, configs)
		}
	})
}

// FuzzDecodeClientHelloInner decodes arbitrary EncodedClientHelloInner
// bytes against an arbitrary ClientHelloOuter: nothing may panic, the
// result is bounded by its inputs (the references amplify nothing), and
// an inner hello that decodes, from an outer that parses, encodes and
// decodes back to itself.
func FuzzDecodeClientHelloInner(f *testing.F) {
	// Small seeds: the fuzzer minimizes each new input it finds, which
	// for hellos with a hybrid key share takes longer than a CI run.
	inner, outer := echHellos()
	inner.KeyShares, outer.KeyShares = inner.KeyShares[:1], outer.KeyShares[:1]
	inner.SignatureAlgorithms, outer.SignatureAlgorithms = nil, nil
	outer.ECH.Payload = fill(20, 5)
	innerRaw, outerRaw := inner.Marshal(), outer.Marshal()
	for _, pad := range []int{0, 5} {
		encoded, err := EncodeClientHelloInner(innerRaw, outerRaw, func(int) int { return pad })
		if err != nil {
			f.Fatal(err)
		}
		f.Add(encoded, outerRaw)
	}
	f.Add(encodedOf(inner), outerRaw)
	f.Fuzz(func(t *testing.T, encoded, outer []byte) {
		got, err := DecodeClientHelloInner(encoded, outer)
		if err != nil {
			return
		}
		if len(got) > 4+len(encoded)+32+len(outer) {
			t.Fatalf("decoded %d bytes from %d + %d", len(got), len(encoded), len(outer))
		}
		var o, h ClientHello
		if o.Unmarshal(outer) != nil || h.Unmarshal(got) != nil {
			return // duplicated extensions make references ambiguous; parsing rejects them
		}
		again, err := EncodeClientHelloInner(got, outer, func(int) int { return 0 })
		if err != nil {
			t.Fatalf("encoding the decoded hello: %v", err)
		}
		if back, err := DecodeClientHelloInner(again, outer); err != nil || !bytes.Equal(back, got) {
			t.Fatalf("re-encoded hello decodes to %x, %v\nwant %x", back, err, got)
		}
	})
}
