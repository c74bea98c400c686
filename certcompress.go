package padlock

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"errors"
	"io"
	"slices"
	"sync"

	"padlock/internal/alert"
	"padlock/internal/wire"
	"padlock/trace"
)

// A CertificateCompressor is one algorithm of TLS 1.3 certificate
// compression (RFC 8879). Implementations must be safe for concurrent
// use.
type CertificateCompressor interface {
	// Algorithm returns the algorithm's code point (RFC 8879 section
	// 7.3): 1 zlib, 2 brotli, 3 zstd.
	Algorithm() uint16
	// Compress returns the compressed form of a Certificate message's
	// body.
	Compress(src []byte) ([]byte, error)
	// Decompress decompresses src into dst, whose length is the
	// uncompressed_length the peer declared. It must fail unless src
	// decompresses to exactly len(dst) bytes, and must not produce, or
	// buffer, more than that: a short output and one that would run
	// over dst are both errors (RFC 8879 section 5).
	Decompress(dst, src []byte) error
}

// ZlibCompressor is certificate compression with zlib (RFC 1950), built
// on the standard library. Its zero value is ready to use.
type ZlibCompressor struct{}

// Algorithm returns 1, zlib.
func (ZlibCompressor) Algorithm() uint16 { return wire.CertCompressionZlib }

// Compress compresses src with zlib at the best compression level: a
// chain is compressed once and the result kept (see compressedCache).
func (ZlibCompressor) Compress(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Decompress decompresses the zlib stream src into exactly dst.
func (ZlibCompressor) Decompress(dst, src []byte) error {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return err
	}
	return ReadDecompressed(dst, r)
}

// ReadDecompressed fills dst from the decompressing reader r and checks
// that r ends there, reading at most one byte beyond dst: the way a
// CertificateCompressor's Decompress keeps to the declared length (len(dst))
// however much its input would expand to. Too few bytes or too many is an
// error.
func ReadDecompressed(dst []byte, r io.Reader) error {
	if _, err := io.ReadFull(r, dst); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return errors.New("decompresses to fewer bytes than declared")
		}
		return err
	}
	var one [1]byte
	n, err := r.Read(one[:])
	for n == 0 && err == nil {
		n, err = r.Read(one[:])
	}
	if n > 0 {
		return errors.New("decompresses to more bytes than declared")
	}
	if err != io.EOF {
		return err
	}
	return nil
}

// compressionAlgorithms returns the code points of the configured
// compressors, for the compress_certificate extension.
func (c *Config) compressionAlgorithms() []uint16 {
	var algs []uint16
	for _, cc := range c.CertificateCompression {
		if a := cc.Algorithm(); !slices.Contains(algs, a) {
			algs = append(algs, a)
		}
	}
	return algs
}

// compressorFor returns the configured compressor for alg, or nil.
func (c *Config) compressorFor(alg uint16) CertificateCompressor {
	for _, cc := range c.CertificateCompression {
		if cc.Algorithm() == alg {
			return cc
		}
	}
	return nil
}

// maxCompressedEntries bounds the compressed chains a Config keeps.
const maxCompressedEntries = 64

// compressedCache keeps the compressed form of the Certificate messages
// a Config's connections sent: the chain is the same in every handshake,
// so it is compressed once per algorithm (brotli's best level costs more
// than the rest of a handshake's work). Entries are keyed by the hash of
// the uncompressed body, so a changed staple or chain is a new entry.
type compressedCache struct {
	mu      sync.Mutex
	entries map[compressedKey][]byte
}

// compressedKey names one compressed Certificate body.
type compressedKey struct {
	alg  uint16
	body [sha256.Size]byte
}

// compressedCacheMu guards the creation of Config.compressed.
var compressedCacheMu sync.Mutex

// compressedCache returns the Config's cache, made on first use and
// shared with its clones.
func (c *Config) compressedCache() *compressedCache {
	compressedCacheMu.Lock()
	defer compressedCacheMu.Unlock()
	if c.compressed == nil {
		c.compressed = &compressedCache{entries: map[compressedKey][]byte{}}
	}
	return c.compressed
}

// compress returns body compressed by cc, from the cache when it can.
func (cache *compressedCache) compress(cc CertificateCompressor, body []byte) ([]byte, error) {
	key := compressedKey{alg: cc.Algorithm(), body: sha256.Sum256(body)}
	cache.mu.Lock()
	out, ok := cache.entries[key]
	cache.mu.Unlock()
	if ok {
		return out, nil
	}
	out, err := cc.Compress(body)
	if err != nil {
		return nil, err
	}
	cache.mu.Lock()
	if len(cache.entries) >= maxCompressedEntries {
		clear(cache.entries) // a server with this many chains rotates them
	}
	cache.entries[key] = out
	cache.mu.Unlock()
	return out, nil
}

// compressCertificate returns the CompressedCertificate to send in place
// of m, compressed with the first configured algorithm that the peer
// offered in peerAlgs (RFC 8879 section 4), or nil to send m as it is.
func (c *Conn) compressCertificate(m *wire.Certificate13, peerAlgs []uint16) (*wire.CompressedCertificate, error) {
	var cc CertificateCompressor
	for _, x := range c.config.CertificateCompression {
		if slices.Contains(peerAlgs, x.Algorithm()) {
			cc = x
			break
		}
	}
	if cc == nil {
		return nil, nil
	}
	body := m.Marshal()[4:]
	out, err := c.config.compressedCache().compress(cc, body)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	if len(out) == 0 || 2+3+3+len(out) >= len(body) {
		return nil, nil // no saving (or nothing to carry): send it as it is
	}
	return &wire.CompressedCertificate{Algorithm: cc.Algorithm(), UncompressedLength: uint32(len(body)), Compressed: out}, nil
}

// readCertificate13 reads the peer's Certificate or, when this side
// offered compression, the CompressedCertificate that may replace it
// (RFC 8879 section 4). The transcript holds the message as it came,
// compressed or not; the phase gets the Certificate either way.
func (c *Conn) readCertificate13() (*wire.Certificate13, error) {
	if len(c.config.CertificateCompression) == 0 {
		return readMessage[wire.Certificate13](c)
	}
	t, err := c.peekHandshakeType()
	if err != nil {
		return nil, err
	}
	if t != wire.TypeCompressedCertificate {
		return readMessage[wire.Certificate13](c)
	}
	cm, err := readMessage[wire.CompressedCertificate](c)
	if err != nil {
		return nil, err
	}
	// RFC 8879 section 4: "MUST be one of the algorithms listed in the
	// peer's compress_certificate extension".
	cc := c.config.compressorFor(cm.Algorithm)
	if cc == nil {
		return nil, alertf(alert.IllegalParameter, "CompressedCertificate with %s, which was not offered",
			wire.CertCompressionName(cm.Algorithm))
	}
	// RFC 8879 section 5: the limit of an uncompressed Certificate holds,
	// and is checked before decompressing anything.
	n := int(cm.UncompressedLength)
	if limit := c.maxMessage(wire.TypeCertificate); n > limit {
		return nil, alertf(alert.BadCertificate, "CompressedCertificate declares %d bytes, over the certificate limit of %d", n, limit)
	}
	raw := make([]byte, 4+n)
	raw[0], raw[1], raw[2], raw[3] = wire.TypeCertificate, byte(n>>16), byte(n>>8), byte(n)
	if err := cc.Decompress(raw[4:], cm.Compressed); err != nil {
		// RFC 8879 section 4: a length mismatch, or anything that does not
		// decompress, is bad_certificate.
		return nil, alertf(alert.BadCertificate, "CompressedCertificate (%s, %d bytes declared): %v",
			wire.CertCompressionName(cm.Algorithm), n, err)
	}
	m := new(wire.Certificate13)
	if err := m.Unmarshal(raw); err != nil {
		return nil, alert.Wrap(alert.DecodeError, err)
	}
	c.state.CertificateCompression = cm.Algorithm
	if c.tracing() {
		c.traceStep(trace.StepCertificate, trace.KindInfo, "certificate decompressed",
			"The CompressedCertificate decompressed to the Certificate message the "+c.peerName()+
				" would otherwise have sent; it is checked as if it had come uncompressed (RFC 8879 section 5).",
			messageFields(m)...)
	}
	return m, nil
}
