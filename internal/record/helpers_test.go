package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"

	"padlock/internal/alert"
)

// Fixed test keys: the record layer does not care where keys come from.
var (
	testKey16 = bytes.Repeat([]byte{0x42}, 16)
	testKey32 = bytes.Repeat([]byte{0x24}, 32)
	testIV12  = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
)

func newGCM(t testing.TB, key []byte) cipher.AEAD {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func newChaCha(t testing.TB) cipher.AEAD {
	t.Helper()
	a, err := chacha20poly1305.New(testKey32)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// suite makes a fresh Cipher for one direction; both ends of a test call it
// once each, so they share key and IV but not sequence numbers.
type suite struct {
	name    string
	version uint16
	make    func(testing.TB) *Cipher // nil: plaintext
}

var suites = []suite{
	{"plaintext", 0, nil},
	{"tls13-aes128gcm", Version13, func(t testing.TB) *Cipher { return NewCipher13(newGCM(t, testKey16), testIV12) }},
	{"tls13-chacha20poly1305", Version13, func(t testing.TB) *Cipher { return NewCipher13(newChaCha(t), testIV12) }},
	{"tls12-aes128gcm", Version12, func(t testing.TB) *Cipher { return NewCipher12(newGCM(t, testKey16), testIV12[:4], 8) }},
	{"tls12-chacha20poly1305", Version12, func(t testing.TB) *Cipher { return NewCipher12(newChaCha(t), testIV12, 0) }},
}

// writer returns a Writer into buf set up for s.
func (s suite) writer(t testing.TB, buf io.Writer) *Writer {
	w := NewWriter(buf)
	if s.make != nil {
		w.SetVersion(s.version)
		w.SetCipher(s.make(t))
	}
	return w
}

// reader returns a Reader of r set up for s.
func (s suite) reader(t testing.TB, r io.Reader) *Reader {
	rd := NewReader(r)
	if s.make != nil {
		rd.SetVersion(s.version)
		rd.SetCipher(s.make(t))
	}
	return rd
}

// readHex reads a testdata file of hex bytes; lines starting with # are
// comments.
func readHex(t testing.TB, name string) []byte {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var digits strings.Builder
	for _, line := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(line, "#") {
			digits.WriteString(strings.ReplaceAll(line, " ", ""))
		}
	}
	b, err := hex.DecodeString(digits.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantAlert fails unless err carries alert d.
func wantAlert(t testing.TB, err error, d alert.Description) {
	t.Helper()
	var ae *alert.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want alert %v", err, d)
	}
	if ae.Description != d {
		t.Fatalf("got alert %v (%v), want %v", ae.Description, err, d)
	}
}

// nonce13 computes the RFC 8446 section 5.3 nonce independently of Cipher.
func nonce13(iv []byte, seq uint64) []byte {
	n := bytes.Clone(iv)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	for i := range s {
		n[len(n)-8+i] ^= s[i]
	}
	return n
}

// craft13 protects an arbitrary TLSInnerPlaintext with the AEAD directly,
// to build records the Writer refuses to make.
func craft13(aead cipher.AEAD, iv []byte, seq uint64, inner []byte) []byte {
	rec := make([]byte, HeaderLen, HeaderLen+len(inner)+aead.Overhead())
	putHeader(rec, ApplicationData, Version12, len(inner)+aead.Overhead())
	return aead.Seal(rec, nonce13(iv, seq), inner, rec[:HeaderLen])
}

// craft12 protects an arbitrary plaintext as a TLS 1.2 AES-GCM record.
func craft12(aead cipher.AEAD, salt []byte, seq uint64, t ContentType, pt []byte) []byte {
	rec := make([]byte, HeaderLen+8, HeaderLen+8+len(pt)+aead.Overhead())
	putHeader(rec, t, Version12, 8+len(pt)+aead.Overhead())
	binary.BigEndian.PutUint64(rec[HeaderLen:], seq)
	nonce := append(bytes.Clone(salt), rec[HeaderLen:]...)
	var aad [13]byte
	binary.BigEndian.PutUint64(aad[:], seq)
	aad[8], aad[9], aad[10] = byte(t), 3, 3
	binary.BigEndian.PutUint16(aad[11:], uint16(len(pt)))
	return aead.Seal(rec, nonce, pt, aad[:])
}
