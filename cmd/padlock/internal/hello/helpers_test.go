package hello

import (
	"testing"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/wire"
)

// ext is an extension for buildHello: its type and extension_data.
type ext struct {
	typ  uint16
	data []byte
}

// buildHello makes a ClientHello with exactly these fields, extensions in
// this order, and parses it back as a server would. With exts nil it has
// no extension block at all.
func buildHello(t testing.TB, vers uint16, ciphers []uint16, exts []ext) *wire.ClientHello {
	t.Helper()
	var b cryptobyte.Builder
	b.AddUint8(wire.TypeClientHello)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(vers)
		b.AddBytes(make([]byte, 32))
		b.AddUint8(0) // legacy_session_id
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { addUint16s(b, ciphers) })
		b.AddUint8(1)
		b.AddUint8(0) // null compression
		if exts != nil {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, e := range exts {
					b.AddUint16(e.typ)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.data) })
				}
			})
		}
	})
	msg := b.BytesOrPanic()
	m, err := wire.Parse(msg, true)
	if err != nil {
		t.Fatalf("the test's ClientHello does not parse: %v", err)
	}
	return m.(*wire.ClientHello)
}

func addUint16s(b *cryptobyte.Builder, v []uint16) {
	for _, x := range v {
		b.AddUint16(x)
	}
}

// u16list is a vector of uint16 with a two-byte length.
func u16list(v ...uint16) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { addUint16s(b, v) })
	return b.BytesOrPanic()
}

func sniExt(host string) ext {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(0)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(host)) })
	})
	return ext{wire.ExtServerName, b.BytesOrPanic()}
}

func groupsExt(g ...uint16) ext { return ext{wire.ExtSupportedGroups, u16list(g...)} }
func sigExt(s ...uint16) ext    { return ext{wire.ExtSignatureAlgorithms, u16list(s...)} }
func emptyExt(typ uint16) ext   { return ext{typ, nil} }

func pointsExt(f ...uint8) ext {
	return ext{wire.ExtECPointFormats, append([]byte{byte(len(f))}, f...)}
}

func alpnExt(protocols ...string) ext { return ext{wire.ExtALPN, protocolNames(protocols...)} }

func protocolNames(protocols ...string) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, p := range protocols {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(p)) })
		}
	})
	return b.BytesOrPanic()
}

func versionsExt(v ...uint16) ext {
	var b cryptobyte.Builder
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { addUint16s(b, v) })
	return ext{wire.ExtSupportedVersions, b.BytesOrPanic()}
}

// ks is a key share for keyShareExt: a group and the size of its key.
type ks struct {
	group uint16
	size  int
}

// keyShareExt sends the shares in turn, each key all zeros.
func keyShareExt(shares ...ks) ext {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, s := range shares {
			b.AddUint16(s.group)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, s.size)) })
		}
	})
	return ext{wire.ExtKeyShare, b.BytesOrPanic()}
}

// chromeLike is a ClientHello shaped like a current Chromium's: GREASE
// in every list, X25519MLKEM768 first, legacy CBC and RSA suites at the
// end, ECH GREASE, ALPS and certificate compression.
func chromeLike(t testing.TB) *wire.ClientHello {
	return buildHello(t, 0x0303,
		[]uint16{0x3a3a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		[]ext{
			emptyExt(0x0a0a),
			sniExt("localhost"),
			emptyExt(wire.ExtExtendedMasterSecret),
			{wire.ExtRenegotiationInfo, []byte{0}},
			groupsExt(0x2a2a, 0x11ec, 0x001d, 0x0017, 0x0018),
			pointsExt(0),
			emptyExt(wire.ExtSessionTicket),
			alpnExt("h2", "http/1.1"),
			{wire.ExtStatusRequest, []byte{1, 0, 0, 0, 0}},
			sigExt(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601),
			emptyExt(wire.ExtSCT),
			keyShareExt(ks{0x2a2a, 1}, ks{0x11ec, 1216}, ks{0x001d, 32}),
			{wire.ExtPSKKeyExchangeModes, []byte{1, 1}},
			versionsExt(0x5a5a, 0x0304, 0x0303),
			{27, []byte{2, 0, 2}},
			{17613, protocolNames("h2")},
			{65037, echBytes()},
			{51764, []byte{0, 4, 3, 1, 2, 3}},
			{0x1a1a, []byte{0}},
		})
}

// echBytes is an outer ECHClientHello: HKDF-SHA256, AES-128-GCM, config
// 7, a 32-byte key and a 144-byte payload.
func echBytes() []byte {
	var b cryptobyte.Builder
	b.AddUint8(0)
	b.AddUint16(1)
	b.AddUint16(1)
	b.AddUint8(7)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, 32)) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, 144)) })
	return b.BytesOrPanic()
}
