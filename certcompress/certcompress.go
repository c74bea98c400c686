// Package certcompress has the certificate compression algorithms of RFC
// 8879 that need more than Go's standard library: brotli, which Chrome
// and BoringSSL offer, and zstd. Each is a padlock.CertificateCompressor
// to list in padlock.Config.CertificateCompression:
//
//	config.CertificateCompression = []padlock.CertificateCompressor{
//		certcompress.Brotli{}, certcompress.Zstd{}, padlock.ZlibCompressor{},
//	}
//
// Decompression is bounded by the length the peer declared: neither
// decompressor writes, or reads ahead, more than one byte beyond it.
package certcompress

import (
	"bytes"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"padlock"
)

// Code points of RFC 8879 section 7.3.
const (
	algBrotli uint16 = 2
	algZstd   uint16 = 3
)

var (
	_ padlock.CertificateCompressor = Brotli{}
	_ padlock.CertificateCompressor = Zstd{}
)

// Brotli is certificate compression with brotli (RFC 7932). Its zero
// value is ready to use.
type Brotli struct{}

// Algorithm returns 2, brotli.
func (Brotli) Algorithm() uint16 { return algBrotli }

// Compress compresses src at brotli's best level (padlock compresses a
// chain once and keeps the result), with the smallest window that holds
// all of src: a larger one gains nothing and makes the peer's decoder
// keep more memory.
func (Brotli) Compress(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	lgwin := 10 // brotli's smallest window, 1 KiB
	for lgwin < 24 && 1<<lgwin < len(src) {
		lgwin++
	}
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: lgwin})
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Decompress decompresses src into exactly dst. The decoder's own
// buffer follows the window the stream declares, and may reach brotli's
// largest, 16 MiB, for a moment before the length check ends a bomb:
// the brotli package has no one-shot decoder into a fixed buffer.
func (Brotli) Decompress(dst, src []byte) error {
	return padlock.ReadDecompressed(dst, brotli.NewReader(bytes.NewReader(src)))
}

// Zstd is certificate compression with Zstandard (RFC 8478). Its zero
// value is ready to use.
type Zstd struct{}

// Algorithm returns 3, zstd.
func (Zstd) Algorithm() uint16 { return algZstd }

// Compress compresses src at zstd's best level.
func (Zstd) Compress(src []byte) ([]byte, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	return enc.EncodeAll(src, nil), nil
}

// minZstdWindow is the largest window Decompress accepts for even the
// smallest output: encoders may declare a window beyond the content's
// size, and one this small costs little memory.
const minZstdWindow = 1 << 16

// Decompress decompresses src into exactly dst. The frame's window, the
// memory the decoder keeps, may not exceed the larger of len(dst) and 64
// KiB.
func (Zstd) Decompress(dst, src []byte) error {
	dec, err := zstd.NewReader(bytes.NewReader(src),
		zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(uint64(max(len(dst), minZstdWindow))))
	if err != nil {
		return err
	}
	defer dec.Close()
	return padlock.ReadDecompressed(dst, dec)
}
