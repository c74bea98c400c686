package bench

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/mlkem"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"testing"

	"padlock"
)

// The floor of a handshake is the primitive operations it cannot do
// without, called directly, for both sides: key exchange, signatures and
// their verification (the CertificateVerify or ServerKeyExchange and the
// leaf's signature by its CA), the key schedule's HKDF or PRF calls, the
// AEAD keys, the transcript hash of every message byte and the AEAD
// protection of the encrypted messages. Parsing, building messages,
// copying and the x509 bookkeeping around the signature check are what a
// stack adds; so is the session ticket a server sends. Message sizes are
// those of a padlock handshake, measured once: a few bytes more or less
// change the floor by nanoseconds.

// floorState is what a floor handshake starts from: what each side holds
// before the handshake (keys, the parsed CA) and the byte counts.
type floorState struct {
	sc          scenario
	resume      bool
	ca, leaf    *x509.Certificate
	serverKey   crypto.Signer
	hashed      int // handshake message bytes each side hashes
	encrypted   int // bytes of encrypted handshake records, both directions
	verifyChain bool
}

func floorHandshake(sc scenario, resume bool) func(*testing.B) {
	return func(b *testing.B) {
		ca, is := sc.chain()
		f := &floorState{sc: sc, resume: resume, ca: ca, leaf: is.Cert, serverKey: is.Key, verifyChain: !resume}
		f.hashed, f.encrypted = handshakeBytes(b, sc, resume)
		b.ReportAllocs()
		m := startCPU(b)
		for i := 0; i < b.N; i++ {
			if err := f.handshake(); err != nil {
				b.Fatal(err)
			}
		}
		m.stop(b)
	}
}

func (f *floorState) handshake() error {
	secret, err := f.keyExchange()
	if err != nil {
		return err
	}
	if !f.resume {
		if err := f.authenticate(); err != nil {
			return err
		}
	}
	for range 2 { // each side
		if f.sc.vers == padlock.VersionTLS13 {
			if err := schedule13(secret, f.resume); err != nil {
				return err
			}
		} else if err := schedule12(secret); err != nil {
			return err
		}
		h := sha256.New()
		h.Write(make([]byte, f.hashed))
		h.Sum(nil)
	}
	return protect(f.encrypted)
}

// keyExchange runs both sides' key exchange and returns the shared
// secret.
func (f *floorState) keyExchange() ([]byte, error) {
	if f.sc.vers == padlock.VersionTLS12 && f.sc.suite == padlock.TLS_RSA_WITH_AES_128_GCM_SHA256 {
		pub := f.leaf.PublicKey.(*rsa.PublicKey)
		pm := make([]byte, 48)
		rand.Read(pm)
		ct, err := rsa.EncryptPKCS1v15(rand.Reader, pub, pm) //nolint:staticcheck // the key exchange measured
		if err != nil {
			return nil, err
		}
		key := make([]byte, 48)
		return key, rsa.DecryptPKCS1v15SessionKey(nil, f.serverKey.(*rsa.PrivateKey), ct, key) //nolint:staticcheck
	}
	first, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	var dk *mlkem.DecapsulationKey768
	if f.sc.group == padlock.X25519MLKEM768 {
		if dk, err = mlkem.GenerateKey768(); err != nil {
			return nil, err
		}
	}
	second, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	peer, err := ecdh.X25519().NewPublicKey(first.PublicKey().Bytes())
	if err != nil {
		return nil, err
	}
	s1, err := second.ECDH(peer)
	if err != nil {
		return nil, err
	}
	back, err := ecdh.X25519().NewPublicKey(second.PublicKey().Bytes())
	if err != nil {
		return nil, err
	}
	s2, err := first.ECDH(back)
	if err != nil {
		return nil, err
	}
	if dk != nil {
		ek, err := mlkem.NewEncapsulationKey768(dk.EncapsulationKey().Bytes())
		if err != nil {
			return nil, err
		}
		k1, ct := ek.Encapsulate()
		k2, err := dk.Decapsulate(ct)
		if err != nil {
			return nil, err
		}
		if string(k1) != string(k2) || string(s1) != string(s2) {
			return nil, errFloor
		}
		return append(k2, s2...), nil
	}
	if string(s1) != string(s2) {
		return nil, errFloor
	}
	return s2, nil
}

// authenticate signs as the server and verifies as the client: the
// handshake signature and the leaf's signature by the CA.
func (f *floorState) authenticate() error {
	digest := sha256.Sum256(make([]byte, 130)) // the signed content of RFC 8446 section 4.4.3
	var sig []byte
	var err error
	switch k := f.serverKey.(type) {
	case *ecdsa.PrivateKey:
		if sig, err = ecdsa.SignASN1(rand.Reader, k, digest[:]); err != nil {
			return err
		}
		if !ecdsa.VerifyASN1(&k.PublicKey, digest[:], sig) {
			return errFloor
		}
	case *rsa.PrivateKey:
		if f.sc.suite == padlock.TLS_RSA_WITH_AES_128_GCM_SHA256 {
			break // RSA key transport: no signature but the CA's
		}
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}
		if sig, err = rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], opts); err != nil {
			return err
		}
		if err := rsa.VerifyPSS(&k.PublicKey, crypto.SHA256, digest[:], sig, opts); err != nil {
			return err
		}
	}
	return f.ca.CheckSignature(f.leaf.SignatureAlgorithm, f.leaf.RawTBSCertificate, f.leaf.Signature)
}

type floorError string

func (e floorError) Error() string { return string(e) }

const errFloor = floorError("bench: floor handshake: the two sides disagree")

// schedule13 runs one side's TLS 1.3 key schedule (RFC 8446 section 7.1)
// for SHA-256: the three extractions, the derived and traffic secrets,
// the key and IV of each of the four traffic secrets with their AEADs,
// and the two Finished MACs; with a PSK, the binder too.
func schedule13(shared []byte, psk bool) error {
	zero := make([]byte, sha256.Size)
	th := sha256.Sum256(nil)
	early, err := hkdf.Extract(sha256.New, zero, zero)
	if err != nil {
		return err
	}
	if psk {
		bk := expandLabel(early, "res binder", th[:], 32)
		finished(bk, th[:])
	}
	derived := expandLabel(early, "derived", th[:], 32)
	hs, err := hkdf.Extract(sha256.New, shared, derived)
	if err != nil {
		return err
	}
	traffic := [][]byte{expandLabel(hs, "c hs traffic", th[:], 32), expandLabel(hs, "s hs traffic", th[:], 32)}
	derived = expandLabel(hs, "derived", th[:], 32)
	ms, err := hkdf.Extract(sha256.New, zero, derived)
	if err != nil {
		return err
	}
	traffic = append(traffic, expandLabel(ms, "c ap traffic", th[:], 32), expandLabel(ms, "s ap traffic", th[:], 32))
	expandLabel(ms, "exp master", th[:], 32)
	expandLabel(ms, "res master", th[:], 32)
	for _, t := range traffic {
		if _, err := newGCM(expandLabel(t, "key", nil, 16)); err != nil {
			return err
		}
		expandLabel(t, "iv", nil, 12)
	}
	finished(traffic[0], th[:])
	finished(traffic[1], th[:])
	return nil
}

// expandLabel is HKDF-Expand-Label (RFC 8446 section 7.1) with SHA-256.
func expandLabel(secret []byte, label string, context []byte, n int) []byte {
	info := []byte{byte(n >> 8), byte(n), byte(6 + len(label))}
	info = append(append(append(info, "tls13 "...), label...), byte(len(context)))
	info = append(info, context...)
	out, err := hkdf.Expand(sha256.New, secret, string(info), n)
	if err != nil {
		panic(err)
	}
	return out
}

// finished is the Finished MAC of RFC 8446 section 4.4.4.
func finished(base, th []byte) []byte {
	mac := hmac.New(sha256.New, expandLabel(base, "finished", nil, 32))
	mac.Write(th)
	return mac.Sum(nil)
}

// schedule12 runs one side's TLS 1.2 key derivation for SHA-256: the
// extended master secret (RFC 7627), the key block of an AES-128-GCM
// suite and its two AEADs, and both Finished messages' verify_data.
func schedule12(premaster []byte) error {
	seed := make([]byte, 64)
	master := prf12(premaster, "extended master secret", seed[:32], 48)
	kb := prf12(master, "key expansion", seed, 40)
	for _, k := range [][]byte{kb[:16], kb[16:32]} {
		if _, err := newGCM(k); err != nil {
			return err
		}
	}
	prf12(master, "client finished", seed[:32], 12)
	prf12(master, "server finished", seed[:32], 12)
	return nil
}

// prf12 is the TLS 1.2 PRF with SHA-256 (RFC 5246 section 5).
func prf12(secret []byte, label string, seed []byte, n int) []byte {
	ls := append([]byte(label), seed...)
	mac := hmac.New(sha256.New, secret)
	mac.Write(ls)
	a := mac.Sum(nil)
	var out []byte
	for len(out) < n {
		mac.Reset()
		mac.Write(a)
		mac.Write(ls)
		out = mac.Sum(out)
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(a[:0])
	}
	return out[:n]
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// protect seals and opens n bytes of handshake records with AES-128-GCM,
// in records of at most 16 KiB.
func protect(n int) error {
	aead, err := newGCM(make([]byte, 16))
	if err != nil {
		return err
	}
	nonce := make([]byte, 12)
	buf := make([]byte, n+aead.Overhead())
	sealed := aead.Seal(buf[:0], nonce, buf[:n], nil)
	_, err = aead.Open(sealed[:0], nonce, sealed, nil)
	return err
}
