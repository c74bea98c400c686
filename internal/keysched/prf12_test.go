package keysched

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPRF12 checks the two widely circulated TLS 1.2 PRF test vectors
// (P_SHA256 and P_SHA384, label "test label"). The full outputs were
// computed independently with OpenSSL 3.0:
//
//	openssl kdf -keylen 100 -kdfopt digest:SHA256 -kdfopt hexsecret:SECRET \
//	    -kdfopt hexseed:74657374206c6162656cSEED TLS1-PRF
//
// and begin with the bytes the published vectors give.
func TestPRF12(t *testing.T) {
	tests := []struct {
		hash               crypto.Hash
		secret, seed, want string
	}{{
		hash:   crypto.SHA256,
		secret: "9bbe436ba940f017b17652849a71db35",
		seed:   "a0ba9f936cda311827a6f796ffd5198c",
		want: "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a" +
			"6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab" +
			"4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" +
			"87347b66",
	}, {
		hash:   crypto.SHA384,
		secret: "b80b733d6ceefcdc71566ea48e5567df",
		seed:   "cd665cf6a8447dd6ff8b27555edb7465",
		want: "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd" +
			"e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd" +
			"8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425" +
			"9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6" +
			"91c8f3a26854308d5eaa3be85e0990703d73e56f",
	}}
	for _, tt := range tests {
		want := unhex(t, tt.want)
		got := PRF12(tt.hash, unhex(t, tt.secret), "test label", unhex(t, tt.seed), len(want))
		if !bytes.Equal(got, want) {
			t.Errorf("%v:\n got %x\nwant %x", tt.hash, got, want)
		}
		// A shorter output is a prefix of the longer one.
		short := PRF12(tt.hash, unhex(t, tt.secret), "test label", unhex(t, tt.seed), 33)
		if !bytes.Equal(short, want[:33]) {
			t.Errorf("%v, 33 bytes: got %x", tt.hash, short)
		}
	}
	if got := PRF12(crypto.SHA256, []byte("k"), "l", nil, 0); len(got) != 0 {
		t.Errorf("0 bytes asked, %d returned", len(got))
	}
}

// Inputs for the checks of the TLS 1.2 derivations. The expected values
// were computed with OpenSSL's TLS1-PRF from the label and seed layout
// each RFC gives, so they check that layout, not only the PRF.
var (
	premaster12   = append([]byte{3, 3}, bytes.Repeat([]byte{0xab}, 46)...)
	clientRandom  = bytes.Repeat([]byte{0x11}, 32)
	serverRandom  = bytes.Repeat([]byte{0x22}, 32)
	sessionHash12 = bytes.Repeat([]byte{0x33}, 32)
	master12      = bytes.Repeat([]byte{0x44}, 48)
)

func TestMasterSecret12(t *testing.T) {
	got := MasterSecret12(crypto.SHA256, premaster12, clientRandom, serverRandom)
	want := unhex(t, "99d5044bc497a502b76def842269f0228ec8e8d112f66d68bd4a6d9cc8a8cddee59b95cdc7a416eddaa1cbd31d165abd")
	if !bytes.Equal(got, want) {
		t.Errorf("SHA256:\n got %x\nwant %x", got, want)
	}
	got = MasterSecret12(crypto.SHA384, premaster12, clientRandom, serverRandom)
	want = unhex(t, "d36331a0978d33f25c1c94f6984f5a567898d743cf4fe56a90cde6aeeabe922c9aa5cd9d064c8855eb6c518b7518c8c1")
	if !bytes.Equal(got, want) {
		t.Errorf("SHA384:\n got %x\nwant %x", got, want)
	}
}

func TestExtendedMasterSecret12(t *testing.T) {
	got := ExtendedMasterSecret12(crypto.SHA256, premaster12, sessionHash12)
	want := unhex(t, "341a9cea080be5fda3da6596a3dcc1e5b0cf8053fb3510d86be17f82ae9955832edad611bb4ab7515288afcf1410d99e")
	if !bytes.Equal(got, want) {
		t.Errorf("got %x\nwant %x", got, want)
	}
}

func TestKeyBlock12(t *testing.T) {
	tests := []struct {
		hash          crypto.Hash
		keyLen, ivLen int
		block         string // the whole key_block
	}{
		{crypto.SHA256, 16, 4, "3957e49a1ed4131f95efc42a1a8463894d6be1549b066f8143daf0fedca05ac05a14228aed2956e1"},
		{crypto.SHA384, 32, 4, "860f5e5e9489fdf66c072e912a55afdb44275c300ec734a8f4eb69fa925748ac80bd81dad9b8ac9bf4e1238b837c66c3d72d2ec93f0ef70cc145b2b138f31ac4e97b21b81af44d2f"},
	}
	for _, tt := range tests {
		kb := unhex(t, tt.block)
		k, v := tt.keyLen, tt.ivLen
		cKey, sKey, cIV, sIV := KeyBlock12(tt.hash, master12, clientRandom, serverRandom, k, v)
		for _, part := range []struct {
			name      string
			got, want []byte
		}{
			{"client_write_key", cKey, kb[:k]},
			{"server_write_key", sKey, kb[k : 2*k]},
			{"client_write_IV", cIV, kb[2*k : 2*k+v]},
			{"server_write_IV", sIV, kb[2*k+v:]},
		} {
			if !bytes.Equal(part.got, part.want) {
				t.Errorf("%v %s:\n got %x\nwant %x", tt.hash, part.name, part.got, part.want)
			}
		}
		// Appending to one part must not clobber the next.
		_ = append(cKey, 0xff)
		if !bytes.Equal(sKey, kb[k:2*k]) {
			t.Errorf("%v: appending to client_write_key changed server_write_key", tt.hash)
		}
	}
}

func TestVerifyData12(t *testing.T) {
	got := VerifyData12(crypto.SHA256, master12, "client finished", sessionHash12)
	if want := unhex(t, "0258b251b0e921a822d9934f"); !bytes.Equal(got, want) {
		t.Errorf("SHA256 client: got %x, want %x", got, want)
	}
	got = VerifyData12(crypto.SHA384, master12, "server finished", bytes.Repeat([]byte{0x55}, 48))
	if want := unhex(t, "f5dc8e08dd662e1318a28bb3"); !bytes.Equal(got, want) {
		t.Errorf("SHA384 server: got %x, want %x", got, want)
	}
}

// TestExporter12 checks RFC 5705's seed layout, and that no context and an
// empty context differ.
func TestExporter12(t *testing.T) {
	tests := []struct {
		name    string
		context []byte
		want    string
	}{
		{"no context", nil, "3031f774919f093aac8a80954b05f02934bf32ffe1910248539b93433c3f323b8e2610d8f8298697"},
		{"empty context", []byte{}, "6d4e5a1d018e91c0c3c7469fc275db2eec3dd8f81a6570d372e944a9a4a179d1c6f6c1811d5ff1f6"},
		{"context abc", []byte("abc"), "6b8f118fbf77828560d7c62779dbd3005d055db5b790875f4df29182951bcdea90773cf4860b08d4"},
	}
	for _, tt := range tests {
		got := Exporter12(crypto.SHA256, master12, clientRandom, serverRandom, "EXPORTER-test", tt.context, 40)
		if want := unhex(t, tt.want); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", tt.name, got, want)
		}
	}
}
