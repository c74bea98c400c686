package wire

import (
	"bytes"
	"testing"
)

// TestEncodeInnerKeepsServerName: an inner hello whose server_name
// equals the outer one's still carries it in the EncodedClientHelloInner,
// where padding hides its length (draft-ietf-tls-esni section 6.1.3);
// the extensions around it are compressed as before (BoGo's
// ECH-Client-NeverCompressServerName).
func TestEncodeInnerKeepsServerName(t *testing.T) {
	hello := func(ech *ECHClientHello) *ClientHello {
		return &ClientHello{Vers: 0x0303, Random: fill(32, 1), CipherSuites: []uint16{0x1301},
			CompressionMethods: []uint8{0}, ServerName: "public.example",
			SupportedGroups: []uint16{0x1d, 0x17}, SignatureAlgorithms: []uint16{0x0804, 0x0403},
			ALPNProtocols: []string{"proto"}, SupportedVersions: []uint16{0x0304},
			KeyShares: []KeyShare{{Group: 0x1d, Data: fill(32, 7)}}, ECH: ech}
	}
	inner := hello(&ECHClientHello{Type: ECHInner}).Marshal()
	outer := hello(&ECHClientHello{Type: ECHOuter, Enc: fill(32, 2), Payload: fill(100, 3)}).Marshal()
	encoded, err := EncodeClientHelloInner(inner, outer, func(int) int { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(encoded, []byte("public.example")) {
		t.Error("server_name was compressed out of the EncodedClientHelloInner")
	}
	if len(encoded) >= len(inner) {
		t.Errorf("nothing was compressed: %d bytes encoded from %d", len(encoded), len(inner))
	}
	decoded, err := DecodeClientHelloInner(encoded, outer)
	if err != nil || !bytes.Equal(decoded[4+2+32+1:], inner[4+2+32+1:]) {
		t.Errorf("decode: %v\n%x\n%x", err, decoded, inner)
	}
}
