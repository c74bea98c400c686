package wire

import "golang.org/x/crypto/cryptobyte"

// TypeCompressedCertificate is the handshake type of CompressedCertificate
// (RFC 8879 section 4).
const TypeCompressedCertificate uint8 = 25

// Certificate compression algorithms (RFC 8879 section 7.3).
const (
	CertCompressionZlib   uint16 = 1
	CertCompressionBrotli uint16 = 2
	CertCompressionZstd   uint16 = 3
)

// CertCompressionName returns the RFC name of a certificate compression
// algorithm, such as "brotli", or "unknown(N)".
func CertCompressionName(alg uint16) string {
	switch alg {
	case CertCompressionZlib:
		return "zlib"
	case CertCompressionBrotli:
		return "brotli"
	case CertCompressionZstd:
		return "zstd"
	}
	if IsGREASE(alg) {
		return "GREASE"
	}
	return "unknown(" + decimal(alg) + ")"
}

// CompressedCertificate is the TLS 1.3 CompressedCertificate message (RFC
// 8879 section 4), which replaces a Certificate message, both on the wire
// and in the transcript.
type CompressedCertificate struct {
	Algorithm          uint16 // CertificateCompressionAlgorithm
	UncompressedLength uint32 // uint24: the Certificate message's body length
	Compressed         []byte // compressed_certificate_message<1..2^24-1>
}

// Type returns TypeCompressedCertificate.
func (m *CompressedCertificate) Type() uint8 { return TypeCompressedCertificate }

// Marshal returns the complete CompressedCertificate message.
func (m *CompressedCertificate) Marshal() []byte {
	return marshalWith(16+len(m.Compressed), m.build)
}

// build writes the complete message.
func (m *CompressedCertificate) build(b *builder) {
	b.message(TypeCompressedCertificate, func(b *builder) {
		b.AddUint16(m.Algorithm)
		b.AddUint24(m.UncompressedLength)
		addOpaque24(b, m.Compressed)
	})
}

// Unmarshal decodes a complete CompressedCertificate message into m,
// replacing all of its fields. The fields alias msg.
func (m *CompressedCertificate) Unmarshal(msg []byte) error {
	*m = CompressedCertificate{}
	s, err := readBody(msg, TypeCompressedCertificate)
	if err != nil {
		return err
	}
	var r CompressedCertificate
	if !s.ReadUint16(&r.Algorithm) || !s.ReadUint24(&r.UncompressedLength) ||
		!readOpaque24(&s, 1, &r.Compressed) || !s.Empty() {
		return decodeError("CompressedCertificate", "body")
	}
	*m = r
	return nil
}

// readCertCompressionAlgorithms reads the compress_certificate extension,
// CertificateCompressionAlgorithm algorithms<2..2^8-2> (RFC 8879 section
// 3).
func readCertCompressionAlgorithms(s *cryptobyte.String, out *[]uint16) bool {
	var v cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&v) || v.Empty() || len(v)%2 != 0 {
		return false
	}
	*out = uint16s(v)
	return true
}

// addCertCompressionAlgorithms writes the compress_certificate extension.
func addCertCompressionAlgorithms(b *builder, algs []uint16) {
	addExtension(b, ExtCompressCertificate, func(b *builder) {
		b.AddUint8LengthPrefixed(func(b *builder) {
			for _, a := range algs {
				b.AddUint16(a)
			}
		})
	})
}
