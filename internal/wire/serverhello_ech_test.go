package wire

import "testing"

// TestServerHelloECHOnlyInRetryRequest: only a HelloRetryRequest carries
// an encrypted_client_hello (draft-ietf-tls-esni section 5), as an
// 8-byte confirmation. A ServerHello that carries one anyway (BoGo's
// ECH-GREASE-Client-TLS12-RejectRetryConfigs sends retry configs in a
// TLS 1.2 one) parses, with the extension left in Extensions, so that
// the handshake refuses it with the alert its version names
// (unsupported_extension in TLS 1.2) rather than decode_error.
func TestServerHelloECHOnlyInRetryRequest(t *testing.T) {
	retryConfigs := vec16(fill(20, 9))
	sh := handshake(2, []byte{3, 3}, fill(32, 1), vec8(), []byte{0xc0, 0x2f, 0},
		vec16(ext(ExtEncryptedClientHello, retryConfigs...)))
	m, err := Parse(sh, false)
	if err != nil {
		t.Fatalf("ServerHello with encrypted_client_hello: %v", err)
	}
	got := m.(*ServerHello)
	if got.ECHConfirmation != nil || len(got.Extensions) != 1 || got.Extensions[0].Type != ExtEncryptedClientHello {
		t.Errorf("ECHConfirmation %x, Extensions %+v", got.ECHConfirmation, got.Extensions)
	}

	hrr := HelloRetryRequestRandom
	short := handshake(2, []byte{3, 3}, hrr[:], vec8(), []byte{0x13, 1, 0},
		vec16(ext(ExtEncryptedClientHello, fill(7, 1)...)))
	if _, err := Parse(short, true); err == nil {
		t.Error("a HelloRetryRequest with a 7-byte ECH confirmation parsed")
	}
	ok := handshake(2, []byte{3, 3}, hrr[:], vec8(), []byte{0x13, 1, 0},
		vec16(ext(ExtEncryptedClientHello, fill(8, 1)...)))
	if m, err := Parse(ok, true); err != nil || len(m.(*ServerHello).ECHConfirmation) != 8 {
		t.Errorf("HelloRetryRequest with its confirmation: %v", err)
	}
}
