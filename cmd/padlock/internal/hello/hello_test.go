package hello

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	o := Describe(chromeLike(t))
	if !o.GREASE {
		t.Error("GREASE not noticed")
	}
	if o.CipherSuites[0].Name != "GREASE(0x3A3A)" || !o.CipherSuites[0].GREASE || o.CipherSuites[1].Name != "TLS_AES_128_GCM_SHA256" {
		t.Errorf("cipher suites: %+v", o.CipherSuites[:2])
	}
	if o.Versions[0].Name != "GREASE(0x5A5A)" || o.Versions[1].Name != "TLS 1.3" {
		t.Errorf("versions: %+v", o.Versions)
	}
	if o.Groups[1].Name != "X25519MLKEM768" || len(o.KeyShares) != 3 || o.KeyShares[1].String() != "X25519MLKEM768 (1216 bytes)" || o.KeyShares[0].String() != "GREASE(0x2A2A) (1 byte)" {
		t.Errorf("groups %+v, key shares %+v", o.Groups, o.KeyShares)
	}
	if o.ServerName != "localhost" || strings.Join(o.ALPN, ",") != "h2,http/1.1" {
		t.Errorf("SNI %q, ALPN %q", o.ServerName, o.ALPN)
	}
	want := map[string]string{
		"GREASE(0x0A0A)":                         "reserved value",
		"server_name":                            "localhost",
		"extended_master_secret":                 "RFC 7627",
		"renegotiation_info":                     "secure renegotiation",
		"supported_groups":                       "GREASE(0x2A2A), X25519MLKEM768, x25519, secp256r1, secp384r1",
		"ec_point_formats":                       "uncompressed",
		"session_ticket":                         "asks for a TLS 1.2 session ticket",
		"application_layer_protocol_negotiation": "h2, http/1.1",
		"status_request":                         "OCSP",
		"signature_algorithms":                   "ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256",
		"key_share":                              "X25519MLKEM768 (1216 bytes), x25519 (32 bytes)",
		"psk_key_exchange_modes":                 "psk_dhe_ke",
		"supported_versions":                     "GREASE(0x5A5A), TLS 1.3, TLS 1.2",
		"compress_certificate":                   "brotli",
		"application_settings":                   `"h2"`,
		"encrypted_client_hello":                 "HKDF-SHA256 with AES-128-GCM, config 7, 32-byte key, 144-byte",
		"GREASE(0x1A1A)":                         "reserved value",
		"trust_anchors":                          "1 trust anchor IDs",
		"signed_certificate_timestamp":           "Certificate Transparency",
	}
	if len(o.Extensions) != len(want) {
		t.Errorf("%d extensions, want %d", len(o.Extensions), len(want))
	}
	for _, e := range o.Extensions {
		w, ok := want[e.Name]
		if !ok {
			t.Errorf("unexpected extension %+v", e)
			continue
		}
		if !strings.Contains(e.Value, w) {
			t.Errorf("%s: %q, want it to contain %q", e.Name, e.Value, w)
		}
		if e.GREASE != strings.HasPrefix(e.Name, "GREASE") {
			t.Errorf("%s: GREASE flag %v", e.Name, e.GREASE)
		}
	}
}

// TestDescribeMalformedOther checks that an extension wire keeps as
// bytes and that does not decode is shown by its size.
func TestDescribeMalformedOther(t *testing.T) {
	ch := buildHello(t, 0x0303, []uint16{0x1301}, []ext{{34, []byte{5, 1}}, {65036, []byte{9}}, {0x1234, []byte{1, 2, 3}}, emptyExt(0x4321)})
	o := Describe(ch)
	for i, want := range []string{"2 bytes", "1 byte", "3 bytes", "(empty)"} {
		if o.Extensions[i].Value != want {
			t.Errorf("extension %d: %q, want %q", i, o.Extensions[i].Value, want)
		}
	}
	if o.Extensions[2].Name != "unknown(4660)" {
		t.Errorf("name %q", o.Extensions[2].Name)
	}
}
