package main

import (
	"bytes"
	"crypto/rand"
	"errors"

	"padlock"
)

// The runner tests certificate compression (RFC 8879) with algorithms of
// its own, in the private-use range, whose transforms the shim must
// share (BoringSSL's ssl/test/test_config.cc installs the same three).
const (
	shrinkingAlg = 0xff01 // drops the Certificate's two leading zero bytes
	expandingAlg = 0xff02 // prefixes 1, 2, 3, 4
	randomAlg    = 0xff03 // prefixes one random byte
)

// expandingPrefix is what expandingAlg adds.
var expandingPrefix = []byte{1, 2, 3, 4}

// testCompressor is one of the runner's algorithms as a padlock
// CertificateCompressor.
type testCompressor struct {
	alg        uint16
	compress   func(src []byte) ([]byte, error)
	decompress func(dst, src []byte) error
}

func (t testCompressor) Algorithm() uint16                   { return t.alg }
func (t testCompressor) Compress(src []byte) ([]byte, error) { return t.compress(src) }
func (t testCompressor) Decompress(dst, src []byte) error    { return t.decompress(dst, src) }

var errDecompress = errors.New("input does not decompress to the declared length")

// testCompressors are the runner's algorithms, in BoringSSL's order of
// preference.
var testCompressors = []testCompressor{
	{expandingAlg,
		func(src []byte) ([]byte, error) { return append(bytes.Clone(expandingPrefix), src...), nil },
		func(dst, src []byte) error {
			if !bytes.HasPrefix(src, expandingPrefix) || len(src)-len(expandingPrefix) != len(dst) {
				return errDecompress
			}
			copy(dst, src[len(expandingPrefix):])
			return nil
		}},
	{shrinkingAlg,
		func(src []byte) ([]byte, error) {
			if len(src) < 2 || src[0] != 0 || src[1] != 0 {
				return nil, errors.New("a Certificate body without two leading zero bytes")
			}
			return bytes.Clone(src[2:]), nil
		},
		func(dst, src []byte) error {
			if len(dst) != 2+len(src) {
				return errDecompress
			}
			dst[0], dst[1] = 0, 0
			copy(dst[2:], src)
			return nil
		}},
	{randomAlg,
		func(src []byte) ([]byte, error) {
			out := make([]byte, 1+len(src))
			if _, err := rand.Read(out[:1]); err != nil {
				return nil, err
			}
			copy(out[1:], src)
			return out, nil
		},
		func(dst, src []byte) error {
			if len(src) != 1+len(dst) {
				return errDecompress
			}
			copy(dst, src[1:])
			return nil
		}},
}

// setCertCompression applies -install-cert-compression-algs (all three
// algorithms) and -install-one-cert-compression-alg (just the one).
func setCertCompression(cfg *padlock.Config, tc *testConfig) {
	for _, c := range testCompressors {
		if tc.installCompression || tc.installOneCompression == int(c.alg) {
			cfg.CertificateCompression = append(cfg.CertificateCompression, c)
		}
	}
}
