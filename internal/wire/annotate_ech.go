package wire

import "golang.org/x/crypto/cryptobyte"

// This file walks the fields of Encrypted Client Hello for Annotate
// (draft-ietf-tls-esni sections 4, 5 and 5.1), in the draft's names.

// echClientHello walks a ClientHello's encrypted_client_hello: the type,
// then, for an outer one, what a server needs to decrypt the payload.
func (a *annotator) echClientHello(c *cursor) {
	switch a.u8(c, "type", echTypeName) {
	case ECHOuter:
		a.hpkeSuite(c, "cipher_suite")
		a.u8(c, "config_id", decimal[uint8])
		a.opaque(c, 2, "enc", nBytes)
		a.opaque(c, 2, "payload", func(b []byte) string { return nBytes(b) + " encrypted" })
	case ECHInner:
	default:
		a.rest(c, "data", nBytes)
	}
}

// hpkeSuite walks an HpkeSymmetricCipherSuite as a container of its
// kdf_id and aead_id.
func (a *annotator) hpkeSuite(c *cursor, name string) {
	i := a.open(c, name)
	kdf := a.u16(c, "kdf_id", HPKEKDFName)
	aead := a.u16(c, "aead_id", HPKEAEADName)
	a.close(i, c, HPKEKDFName(kdf)+", "+HPKEAEADName(aead))
}

// outerExtensions walks an ech_outer_extensions, which only an
// EncodedClientHelloInner carries (section 5.1). Anything else under its
// code point is an unknown extension to Parse, and so opaque here: the
// report is false.
func (a *annotator) outerExtensions(c *cursor) bool {
	peek := c.s
	var list cryptobyte.String
	if !peek.ReadUint8LengthPrefixed(&list) || !peek.Empty() || len(list)%2 != 0 {
		return false
	}
	a.list16(c, 1, "OuterExtensions", "extension_type", ExtensionName)
	return true
}

// echConfigList walks an ECHConfigList, as in the retry_configs of
// EncryptedExtensions: each ECHConfig a container named after its
// public_name.
func (a *annotator) echConfigList(c *cursor, name string) {
	list := a.vector(c, 2, name)
	for a.more(&list) {
		i := a.open(&list, "ECHConfig")
		version := a.u16(&list, "version", echVersionName)
		contents := a.vector(&list, 2, "contents")
		value := echVersionName(version)
		if version == ECHVersion {
			value = a.echConfigContents(&contents)
		} else {
			a.rest(&contents, "contents", nBytes)
		}
		a.done(&contents, "ECHConfig")
		a.close(i, &list, value)
	}
}

// echConfigContents walks ECHConfigContents (section 4) and returns its
// public_name.
func (a *annotator) echConfigContents(c *cursor) string {
	key := a.open(c, "key_config")
	id := a.u8(c, "config_id", decimal[uint8])
	a.u16(c, "kem_id", HPKEKEMName)
	a.opaque(c, 2, "public_key", nBytes)
	suites := a.vector(c, 2, "cipher_suites")
	for a.more(&suites) {
		a.hpkeSuite(&suites, "HpkeSymmetricCipherSuite")
	}
	a.close(key, c, "config_id "+decimal(id))
	a.u8(c, "maximum_name_length", decimal[uint8])
	var publicName string
	a.opaque(c, 1, "public_name", func(b []byte) string { publicName = printable(b); return publicName })
	exts := a.vector(c, 2, "extensions")
	for a.more(&exts) {
		i := a.open(&exts, "ECHConfigExtension")
		typ := a.u16(&exts, "type", echConfigExtensionName)
		a.opaque(&exts, 2, "data", nBytes)
		a.close(i, &exts, echConfigExtensionName(typ))
	}
	return publicName
}

// AnnotateEncodedClientHelloInner walks a decrypted
// EncodedClientHelloInner (section 5.1): a ClientHello body, whose
// ech_outer_extensions names extensions of the ClientHelloOuter, then
// the padding. Its spans are as Annotate's, offsets into encoded.
func AnnotateEncodedClientHelloInner(encoded []byte) ([]Span, error) {
	a := annotator{msg: "EncodedClientHelloInner", spans: make([]Span, 0, 8+len(encoded)/8)}
	c := &cursor{s: encoded}
	a.clientHello(c)
	if a.more(c) {
		a.rest(c, "zeros", zeroBytes)
	}
	return a.spans, a.err
}
