package suites

import (
	"crypto"
	"crypto/elliptic"
	"fmt"
	"strings"
)

// sigAlg is the signature algorithm family of a scheme.
type sigAlg uint8

const (
	sigECDSA sigAlg = iota + 1
	sigEd25519
	sigRSAPSS
	sigPKCS1
)

// Scheme is a signature scheme padlock implements (RFC 8446 section
// 4.2.3). In TLS 1.2 the same two bytes are a hash/signature pair
// (RFC 5246 section 7.4.1.4.1); padlock reads them as schemes in both.
type Scheme struct {
	ID   uint16
	Name string // IANA name, e.g. "rsa_pss_rsae_sha256"

	// Hash is the hash applied to the signed content before signing;
	// zero for ed25519, which signs the content itself (PureEdDSA).
	Hash crypto.Hash

	// TLS13 reports whether the scheme may sign TLS 1.3 handshake
	// messages. RSASSA-PKCS1-v1_5 and SHA-1 schemes may appear only in
	// certificates (RFC 8446 section 4.2.3).
	TLS13 bool

	alg sigAlg

	// curve is the curve an ECDSA scheme names. TLS 1.3 binds the two
	// (RFC 8446 section 4.2.3); TLS 1.2 lets any curve sign with any
	// hash (RFC 8422 section 5.10), and the SHA-1 scheme names none.
	curve elliptic.Curve

	// pssOID marks rsa_pss_pss_*, which only a key certified with the
	// RSASSA-PSS OID may make (RFC 8446 section 4.2.3).
	pssOID bool
}

// The signature scheme IDs padlock implements (RFC 8446 section 4.2.3).
const (
	ECDSASecp256r1SHA256 uint16 = 0x0403
	ECDSASecp384r1SHA384 uint16 = 0x0503
	ECDSASecp521r1SHA512 uint16 = 0x0603
	Ed25519              uint16 = 0x0807
	RSAPSSRSAESHA256     uint16 = 0x0804
	RSAPSSRSAESHA384     uint16 = 0x0805
	RSAPSSRSAESHA512     uint16 = 0x0806
	RSAPSSPSSSHA256      uint16 = 0x0809
	RSAPSSPSSSHA384      uint16 = 0x080a
	RSAPSSPSSSHA512      uint16 = 0x080b
	RSAPKCS1SHA256       uint16 = 0x0401
	RSAPKCS1SHA384       uint16 = 0x0501
	RSAPKCS1SHA512       uint16 = 0x0601
	RSAPKCS1SHA1         uint16 = 0x0201
	ECDSASHA1            uint16 = 0x0203
)

// schemes is every signature scheme padlock implements.
//
// rsa_pss_pss_* name RSASSA-PSS with a key whose certificate carries the
// id-RSASSA-PSS OID, rsa_pss_rsae_* with an rsaEncryption key (RFC 8446
// section 4.2.3). The math is the same, but the key type is part of the
// scheme: crypto/x509 gives no public key for an RSASSA-PSS OID, so every
// *rsa.PublicKey padlock holds is rsaEncryption, and rsa_pss_pss_* fit
// none of them (checkKey).
var schemes = []Scheme{
	{ID: ECDSASecp256r1SHA256, Name: "ecdsa_secp256r1_sha256", Hash: crypto.SHA256, TLS13: true, alg: sigECDSA, curve: elliptic.P256()},
	{ID: ECDSASecp384r1SHA384, Name: "ecdsa_secp384r1_sha384", Hash: crypto.SHA384, TLS13: true, alg: sigECDSA, curve: elliptic.P384()},
	{ID: ECDSASecp521r1SHA512, Name: "ecdsa_secp521r1_sha512", Hash: crypto.SHA512, TLS13: true, alg: sigECDSA, curve: elliptic.P521()},
	{ID: Ed25519, Name: "ed25519", TLS13: true, alg: sigEd25519},
	{ID: RSAPSSRSAESHA256, Name: "rsa_pss_rsae_sha256", Hash: crypto.SHA256, TLS13: true, alg: sigRSAPSS},
	{ID: RSAPSSRSAESHA384, Name: "rsa_pss_rsae_sha384", Hash: crypto.SHA384, TLS13: true, alg: sigRSAPSS},
	{ID: RSAPSSRSAESHA512, Name: "rsa_pss_rsae_sha512", Hash: crypto.SHA512, TLS13: true, alg: sigRSAPSS},
	{ID: RSAPSSPSSSHA256, Name: "rsa_pss_pss_sha256", Hash: crypto.SHA256, TLS13: true, alg: sigRSAPSS, pssOID: true},
	{ID: RSAPSSPSSSHA384, Name: "rsa_pss_pss_sha384", Hash: crypto.SHA384, TLS13: true, alg: sigRSAPSS, pssOID: true},
	{ID: RSAPSSPSSSHA512, Name: "rsa_pss_pss_sha512", Hash: crypto.SHA512, TLS13: true, alg: sigRSAPSS, pssOID: true},
	{ID: RSAPKCS1SHA256, Name: "rsa_pkcs1_sha256", Hash: crypto.SHA256, alg: sigPKCS1},
	{ID: RSAPKCS1SHA384, Name: "rsa_pkcs1_sha384", Hash: crypto.SHA384, alg: sigPKCS1},
	{ID: RSAPKCS1SHA512, Name: "rsa_pkcs1_sha512", Hash: crypto.SHA512, alg: sigPKCS1},
	{ID: RSAPKCS1SHA1, Name: "rsa_pkcs1_sha1", Hash: crypto.SHA1, alg: sigPKCS1},
	{ID: ECDSASHA1, Name: "ecdsa_sha1", Hash: crypto.SHA1, alg: sigECDSA},
}

// DefaultSchemes13 is the schemes padlock offers and accepts for TLS 1.3
// handshake signatures, in preference order: no PKCS #1 v1.5, no SHA-1.
var DefaultSchemes13 = []uint16{
	ECDSASecp256r1SHA256, ECDSASecp384r1SHA384, ECDSASecp521r1SHA512,
	Ed25519,
	RSAPSSRSAESHA256, RSAPSSRSAESHA384, RSAPSSRSAESHA512,
	RSAPSSPSSSHA256, RSAPSSPSSSHA384, RSAPSSPSSSHA512,
}

// DefaultSchemes12 is the schemes padlock offers and accepts for TLS 1.2
// handshake signatures: those of TLS 1.3 plus PKCS #1 v1.5 with SHA-2,
// which many TLS 1.2 servers still sign with.
var DefaultSchemes12 = append(DefaultSchemes13[:len(DefaultSchemes13):len(DefaultSchemes13)],
	RSAPKCS1SHA256, RSAPKCS1SHA384, RSAPKCS1SHA512)

// DefaultSchemesCert is the schemes padlock accepts in certificate
// chains (signature_algorithms_cert, RFC 8446 section 4.2.3): as for
// TLS 1.2, since CAs sign with PKCS #1 v1.5 in both versions.
var DefaultSchemesCert = append([]uint16(nil), DefaultSchemes12...)

// SchemeByID returns the signature scheme with the given ID, or nil if
// padlock does not implement it.
func SchemeByID(id uint16) *Scheme {
	for i := range schemes {
		if schemes[i].ID == id {
			return &schemes[i]
		}
	}
	return nil
}

// SchemeByName returns the implemented scheme with the given IANA name,
// compared case-insensitively, or nil.
func SchemeByName(name string) *Scheme {
	for i := range schemes {
		if strings.EqualFold(schemes[i].Name, name) {
			return &schemes[i]
		}
	}
	return nil
}

// SchemeName returns the name of any well-known signature scheme,
// including the ones padlock does not implement and the TLS 1.2
// hash/signature pairs older peers still send. GREASE values are named
// as such; others print as "0x%04X".
func SchemeName(id uint16) string {
	if s := SchemeByID(id); s != nil {
		return s.Name
	}
	if n, ok := schemeNames[id]; ok {
		return n
	}
	if isGREASE(id) {
		return fmt.Sprintf("GREASE(0x%04X)", id)
	}
	return fmt.Sprintf("0x%04X", id)
}

// schemeNames names schemes padlock does not implement: RFC 8446's
// ed448 and reserved DSA values, RFC 8734's brainpool schemes, the ML-DSA
// draft, and the SHA-224 and MD5 pairs of RFC 5246 that some TLS 1.2
// clients send (named the way OpenSSL prints them).
var schemeNames = map[uint16]string{
	0x0101: "rsa_pkcs1_md5",
	0x0202: "dsa_sha1_RESERVED",
	0x0301: "rsa_pkcs1_sha224",
	0x0302: "dsa_sha224",
	0x0303: "ecdsa_sha224",
	0x0402: "dsa_sha256_RESERVED",
	0x0502: "dsa_sha384_RESERVED",
	0x0602: "dsa_sha512_RESERVED",
	0x0808: "ed448",
	0x081A: "ecdsa_brainpoolP256r1tls13_sha256",
	0x081B: "ecdsa_brainpoolP384r1tls13_sha384",
	0x081C: "ecdsa_brainpoolP512r1tls13_sha512",
	0x0904: "mldsa44",
	0x0905: "mldsa65",
	0x0906: "mldsa87",
}
