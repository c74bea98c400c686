package hello

import (
	"regexp"
	"testing"

	"padlock/internal/wire"
)

// TestJA4Published checks the example of FoxIO's specification
// (technical_details/JA4.md): 15 cipher suites and 16 extensions in the
// order given there, signature algorithms 0403,0804,0401,0503,0805,0501,
// 0806,0601 and ALPN h2, plus GREASE values, which must change nothing.
func TestJA4Published(t *testing.T) {
	ciphers := []uint16{0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	exts := []ext{
		emptyExt(0xdada),
		{27, []byte{2, 0, 2}},
		sniExt("example.com"),
		keyShareExt(ks{0x8a8a, 1}, ks{0x001d, 32}),
		alpnExt("h2", "http/1.1"),
		{0x4469, protocolNames("h2")},
		emptyExt(wire.ExtExtendedMasterSecret),
		{wire.ExtPSKKeyExchangeModes, []byte{1, 1}},
		sigExt(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601),
		{wire.ExtStatusRequest, []byte{1, 0, 0, 0, 0}},
		emptyExt(wire.ExtSessionTicket),
		emptyExt(wire.ExtSCT),
		versionsExt(0x7a7a, 0x0304, 0x0303),
		{wire.ExtRenegotiationInfo, []byte{0}},
		pointsExt(0),
		groupsExt(0x8a8a, 0x001d, 0x0017, 0x0018),
		{wire.ExtPadding, make([]byte, 20)},
		{0xfafa, []byte{0}},
	}
	fp, raw := JA4(buildHello(t, 0x0303, ciphers, exts))
	if want := "t13d1516h2_8daaf6152771_e5627efa2ab1"; fp != want {
		t.Errorf("JA4 = %s, want %s", fp, want)
	}
	if want := "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"; raw != want {
		t.Errorf("JA4_r =\n %s\nwant\n %s", raw, want)
	}
}

// TestJA4NoSignatureAlgorithms checks the specification's second vector:
// without signature algorithms the extension list is hashed alone.
func TestJA4NoSignatureAlgorithms(t *testing.T) {
	exts := []ext{
		{27, []byte{2, 0, 2}}, sniExt("example.com"), keyShareExt(ks{0x001d, 32}), alpnExt("h2"),
		{0x4469, protocolNames("h2")}, emptyExt(wire.ExtExtendedMasterSecret), {wire.ExtPSKKeyExchangeModes, []byte{1, 1}},
		sigExt(0x0403), // emptied below: its type still counts
		{wire.ExtStatusRequest, []byte{1, 0, 0, 0, 0}}, emptyExt(wire.ExtSessionTicket), emptyExt(wire.ExtSCT),
		versionsExt(0x0304), {wire.ExtRenegotiationInfo, []byte{0}}, pointsExt(0), groupsExt(0x001d), {wire.ExtPadding, []byte{0}},
	}
	// An empty signature_algorithms does not parse; empty the parsed list.
	ch := buildHello(t, 0x0303, []uint16{0x1301}, exts)
	ch.SignatureAlgorithms = nil
	fp, _ := JA4(ch)
	if want := "6d807ffa2a79"; fp[len(fp)-12:] != want {
		t.Errorf("JA4 = %s, want it to end in %s", fp, want)
	}
}

func TestJA4Parts(t *testing.T) {
	for _, tc := range []struct {
		name string
		ch   *wire.ClientHello
		want string // a regular expression
	}{
		{"TLS 1.2, no SNI, no ALPN", buildHello(t, 0x0303, []uint16{0xc02b, 0xc02f}, []ext{groupsExt(0x001d)}),
			`^t12i020100_[0-9a-f]{12}_[0-9a-f]{12}$`},
		{"legacy TLS 1.0", buildHello(t, 0x0301, []uint16{0x002f}, nil), `^t10i010000_[0-9a-f]{12}_000000000000$`},
		{"only GREASE ciphers", buildHello(t, 0x0303, []uint16{0x0a0a}, []ext{emptyExt(0x1a1a)}), `^t12i000000_000000000000_000000000000$`},
		{"http/1.1", buildHello(t, 0x0303, []uint16{0x1301}, []ext{alpnExt("http/1.1"), versionsExt(0x0304)}), `^t13i0102h1_`},
	} {
		fp, _ := JA4(tc.ch)
		if !regexp.MustCompile(tc.want).MatchString(fp) {
			t.Errorf("%s: JA4 = %s, want %s", tc.name, fp, tc.want)
		}
	}
}

// TestJA4ALPN checks the ALPN characters against the specification's
// examples.
func TestJA4ALPN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"h2", "h2"}, {"http/1.1", "h1"}, {"h", "hh"}, {"", "00"},
		{"\xab", "ab"}, {"\xab\xcd", "ad"}, {"\x30\xab", "3b"},
		{"\x30\x31\xab\xcd", "3d"}, {"\x30\xab\xcd\x31", "01"},
	} {
		if got := ja4ALPN([]string{tc.in}); got != tc.want {
			t.Errorf("ALPN %q: %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := ja4ALPN(nil); got != "00" {
		t.Errorf("no ALPN: %q, want 00", got)
	}
}

func TestJA4Counts(t *testing.T) {
	ciphers := make([]uint16, 120)
	for i := range ciphers {
		ciphers[i] = uint16(0x0100 + i)
	}
	fp, _ := JA4(buildHello(t, 0x0303, ciphers, nil))
	if fp[:10] != "t12i990000" {
		t.Errorf("JA4 = %s, want the cipher count capped at 99", fp)
	}
}
