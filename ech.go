package padlock

import (
	"crypto/hpke"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"padlock/internal/wire"
)

// Encrypted Client Hello (draft-ietf-tls-esni, "ECH"): a client that
// knows the server's ECHConfig encrypts its real ClientHello, the
// ClientHelloInner, with HPKE (RFC 9180), and sends it inside the
// encrypted_client_hello extension of an outer ClientHello that names
// only the config's public_name. An observer sees the public name; the
// server that holds the key sees the real one. echclient.go and
// echserver.go hold the two roles.

// EncryptedClientHelloKey is one ECH key of a server: an ECHConfig and
// the HPKE private key for its public key.
type EncryptedClientHelloKey struct {
	// Config is one ECHConfig (version, length and contents), as it
	// appears in an ECHConfigList.
	Config []byte
	// PrivateKey is the HPKE private key in its RFC 9180 serialization:
	// for DHKEM(X25519, HKDF-SHA256), the 32-byte X25519 scalar.
	PrivateKey []byte
	// SendAsRetry puts Config in the retry_configs a server sends a
	// client whose ClientHelloInner it could not decrypt.
	SendAsRetry bool
}

// ECHRejectionError is the error of a client handshake whose server did
// not accept its encrypted ClientHello. The handshake completed with the
// server's public name only, so the connection is closed (with an
// ech_required alert) and carries no data. RetryConfigList is the
// ECHConfigList the server sent for a retry, or nil if it sent none (ECH
// is then off on that server): retry on a new connection with
// Config.EncryptedClientHelloConfigList set to it, or, when it is nil,
// without ECH (draft-ietf-tls-esni section 6.1.6).
type ECHRejectionError struct {
	RetryConfigList []byte
}

func (e *ECHRejectionError) Error() string {
	if e.RetryConfigList == nil {
		return "padlock: the server rejected Encrypted Client Hello and sent no retry configs"
	}
	return "padlock: the server rejected Encrypted Client Hello; retry with the configs it sent"
}

// HPKE algorithms padlock puts in the configs it makes (RFC 9180 section
// 7): DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256 and either AEAD.
const (
	hpkeKEMX25519      = 0x0020
	hpkeKDFSHA256      = 0x0001
	hpkeAEADAES128GCM  = 0x0001
	hpkeAEADChaCha20   = 0x0003
	hpkeAEADExportOnly = 0xffff
	echTagLen          = 16 // every AEAD HPKE defines has a 16-byte tag
)

// NewECHKey makes an ECH key for a server whose public name (the name an
// observer sees, and the certificate a rejected client checks) is
// publicName: a fresh X25519 HPKE key, a random config_id, AES-128-GCM
// and ChaCha20-Poly1305. The key is marked SendAsRetry.
func NewECHKey(publicName string) (*EncryptedClientHelloKey, error) {
	if !validPublicName(publicName) {
		return nil, fmt.Errorf("padlock: ECH public name %q is not a DNS host name", publicName)
	}
	kem, _ := hpke.NewKEM(hpkeKEMX25519)
	priv, err := kem.GenerateKey()
	if err != nil {
		return nil, err
	}
	privBytes, err := priv.Bytes()
	if err != nil {
		return nil, err
	}
	id := make([]byte, 1)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	cfg := wire.ECHConfig{
		ConfigID:   id[0],
		KEM:        hpkeKEMX25519,
		PublicKey:  priv.PublicKey().Bytes(),
		PublicName: publicName,
		CipherSuites: []wire.HPKESuite{
			{KDF: hpkeKDFSHA256, AEAD: hpkeAEADAES128GCM},
			{KDF: hpkeKDFSHA256, AEAD: hpkeAEADChaCha20},
		},
	}
	return &EncryptedClientHelloKey{Config: cfg.Marshal(), PrivateKey: privBytes, SendAsRetry: true}, nil
}

// ECHConfigList returns the ECHConfigList of the keys' configs, in order:
// what a DNS HTTPS record publishes and a client's
// Config.EncryptedClientHelloConfigList takes.
func ECHConfigList(keys ...EncryptedClientHelloKey) []byte {
	configs := make([][]byte, len(keys))
	for i, k := range keys {
		configs[i] = k.Config
	}
	return wire.MarshalECHConfigList(configs...)
}

// ParseECHConfigList checks an ECHConfigList and describes the configs
// in it that padlock can use, one line each, for people to read.
func ParseECHConfigList(list []byte) ([]string, error) {
	configs, err := wire.ParseECHConfigList(list)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range configs {
		out = append(out, fmt.Sprintf("config_id %d, public_name %s, KEM %#04x, %d cipher suites",
			c.ConfigID, c.PublicName, c.KEM, len(c.CipherSuites)))
	}
	return out, nil
}

// echSuite resolves an ECHConfig's KEM and one HPKE cipher suite to the
// algorithms of crypto/hpke; it fails for algorithms it does not have.
func echSuite(kemID uint16, s wire.HPKESuite) (hpke.KEM, hpke.KDF, hpke.AEAD, error) {
	if s.AEAD == hpkeAEADExportOnly {
		return nil, nil, nil, errors.New("export-only AEAD")
	}
	kem, err := hpke.NewKEM(kemID)
	if err != nil {
		return nil, nil, nil, err
	}
	kdf, err := hpke.NewKDF(s.KDF)
	if err != nil {
		return nil, nil, nil, err
	}
	aead, err := hpke.NewAEAD(s.AEAD)
	if err != nil {
		return nil, nil, nil, err
	}
	return kem, kdf, aead, nil
}

// echInfo is the HPKE info of a config: "tls ech", a zero byte, and the
// ECHConfig (draft-ietf-tls-esni section 6.1).
func echInfo(config []byte) []byte {
	return append([]byte("tls ech\x00"), config...)
}

// validPublicName reports whether a config's public_name is a DNS host
// name that cannot be read as an IPv4 address (section 6.1.7): LDH
// labels of at most 63 bytes, the last not all digits nor 0x-hex.
func validPublicName(name string) bool {
	if name == "" || len(name) > 255 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		return false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	last := strings.ToLower(labels[len(labels)-1])
	if strings.Trim(last, "0123456789") == "" {
		return false
	}
	if hex, ok := strings.CutPrefix(last, "0x"); ok && strings.Trim(hex, "0123456789abcdef") == "" {
		return false
	}
	return true
}
