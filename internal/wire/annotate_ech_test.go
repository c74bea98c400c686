package wire

import "testing"

// annotateMsg annotates a marshaled message, which must walk and tile.
func annotateMsg(t *testing.T, m Message) []Span {
	t.Helper()
	raw := m.Marshal()
	spans, err := Annotate(raw, true)
	if err != nil {
		t.Fatalf("%T: %v", m, err)
	}
	checkSpans(t, raw, spans, true)
	return spans
}

// wantSpans checks the Value of the first span of each name at or after
// the span from.
func wantSpans(t *testing.T, spans []Span, from int, want map[string]string) {
	t.Helper()
	for name, value := range want {
		if s, _ := find(t, spans, from, name); s.Value != value {
			t.Errorf("%s = %q, want %q", name, s.Value, value)
		}
	}
}

func TestAnnotateECHClientHello(t *testing.T) {
	_, outer := echHellos()
	outer.ECH = echOuterExt()
	spans := annotateMsg(t, outer)
	_, at := find(t, spans, 0, "extension: encrypted_client_hello")
	wantSpans(t, spans, at, map[string]string{
		"type": "outer", "cipher_suite": "HKDF-SHA256, ChaCha20-Poly1305", "kdf_id": "HKDF-SHA256",
		"aead_id": "ChaCha20-Poly1305", "config_id": "9", "enc": "32 bytes", "payload": "200 bytes encrypted",
	})
	if s, _ := find(t, spans, at, "aead_id"); s.Depth != 2 {
		t.Errorf("aead_id at depth %d, want 2 (extension, cipher_suite)", s.Depth)
	}
	inner, _ := echHellos()
	wantSpans(t, annotateMsg(t, inner), 0, map[string]string{"type": "inner"})
}

func TestAnnotateECHServerMessages(t *testing.T) {
	hrr := &ServerHello{Vers: 0x0303, Random: HelloRetryRequestRandom[:], CipherSuite: 0x1301,
		SupportedVersion: 0x0304, SelectedGroup: 0x17, ECHConfirmation: fill(8, 2)}
	spans := annotateMsg(t, hrr)
	if s, _ := find(t, spans, 0, "confirmation"); s.Value != "8 bytes" || s.Depth != 1 {
		t.Errorf("confirmation %+v", s)
	}
	ee := &EncryptedExtensions{ECHRetryConfigs: MarshalECHConfigList(sampleECHConfig().Marshal(), rawECHConfig(0xfe0c, []byte("old")))}
	spans = annotateMsg(t, ee)
	wantSpans(t, spans, 0, map[string]string{
		"retry_configs length": "85", "ECHConfig": "public.example", "version": "draft-ietf-tls-esni (0xFE0D)",
		"key_config": "config_id 7", "kem_id": "DHKEM(X25519, HKDF-SHA256)", "public_key": "32 bytes",
		"HpkeSymmetricCipherSuite": "HKDF-SHA256, AES-128-GCM", "maximum_name_length": "64",
		"public_name": "public.example", "ECHConfigExtension": "0x1234", "data": "1 byte",
	})
	first, i := find(t, spans, 0, "ECHConfig")
	second, _ := find(t, spans, i+1, "ECHConfig")
	if first.Depth != 1 || second.Value != "unknown version 0xFE0C" || second.Start != first.End {
		t.Errorf("configs %+v, %+v", first, second)
	}
}

// TestAnnotateEncodedClientHelloInner walks what a server decrypts: the
// references to the outer hello's extensions, then the padding.
func TestAnnotateEncodedClientHelloInner(t *testing.T) {
	inner, outer := echHellos()
	encoded, err := EncodeClientHelloInner(inner.Marshal(), outer.Marshal(), func(int) int { return 20 })
	if err != nil {
		t.Fatal(err)
	}
	spans, err := AnnotateEncodedClientHelloInner(encoded)
	if err != nil {
		t.Fatal(err)
	}
	checkSpans(t, encoded, spans, true)
	refs, i := find(t, spans, 0, "OuterExtensions length")
	typ, _ := find(t, spans, i, "extension_type")
	if refs.Depth != 1 || typ.Depth != 1 || typ.Value == "" {
		t.Errorf("OuterExtensions %+v, first reference %+v", refs, typ)
	}
	if s, _ := find(t, spans, 0, "zeros"); s.Value != "20 zero bytes" || s.End != len(encoded) {
		t.Errorf("padding %+v", s)
	}
	// An ech_outer_extensions that is not a list is opaque, as it is to
	// Parse, for which it is an unknown extension of a ClientHello.
	ch := fullClientHello()
	ch.ExtraExtensions = []Extension{{Type: ExtECHOuterExtensions, Data: []byte{3, 0, 1, 2}}}
	wantSpans(t, annotateMsg(t, ch), 0, map[string]string{"extension data": "4 bytes"})
	if _, err := AnnotateEncodedClientHelloInner(encoded[:50]); err == nil {
		t.Error("truncated: no error")
	}
}
