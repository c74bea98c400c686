package padlock

import (
	"bytes"
	"testing"
)

// TestECHKeyPEMRoundTrip checks that the PEM form keeps the key and its
// config, and that the config list can be read from it alone.
func TestECHKeyPEMRoundTrip(t *testing.T) {
	key, err := NewECHKey("public.example")
	if err != nil {
		t.Fatal(err)
	}
	data, err := MarshalECHKeyPEM(*key)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-----BEGIN PRIVATE KEY-----", "-----BEGIN ECHCONFIG-----"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("PEM lacks %q", want)
		}
	}
	got, err := ParseECHKeyPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Config, key.Config) || !bytes.Equal(got.PrivateKey, key.PrivateKey) {
		t.Errorf("round trip changed the key")
	}
	list, err := ECHConfigListFromPEM(data)
	if err != nil || !bytes.Equal(list, ECHConfigList(*key)) {
		t.Errorf("ECHConfigListFromPEM = %x, %v", list, err)
	}
	names, err := ECHPublicNames(list)
	if err != nil || len(names) != 1 || names[0] != "public.example" {
		t.Errorf("ECHPublicNames = %v, %v", names, err)
	}
}

// TestECHKeyPEMMismatch checks that a config for another key is refused.
func TestECHKeyPEMMismatch(t *testing.T) {
	a, _ := NewECHKey("a.example")
	b, _ := NewECHKey("b.example")
	pa, _ := MarshalECHKeyPEM(*a)
	pb, _ := MarshalECHKeyPEM(*b)
	keyA, _, _ := bytes.Cut(pa, []byte("-----BEGIN ECHCONFIG"))
	_, cfgB, _ := bytes.Cut(pb, []byte("-----END PRIVATE KEY-----\n"))
	if _, err := ParseECHKeyPEM(append(append([]byte{}, keyA...), cfgB...)); err == nil {
		t.Error("a config for another key was accepted")
	}
	if _, err := ParseECHKeyPEM([]byte("not pem")); err == nil {
		t.Error("no PEM accepted")
	}
}

func FuzzParseECHKeyPEM(f *testing.F) {
	key, _ := NewECHKey("public.example")
	data, _ := MarshalECHKeyPEM(*key)
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseECHKeyPEM(data)
		ECHConfigListFromPEM(data)
	})
}
