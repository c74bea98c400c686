package hello

import (
	"strings"
	"testing"

	"padlock/internal/wire"
)

// modern is a TLS 1.3-only hello with a post-quantum group.
func modern(t *testing.T) *wire.ClientHello {
	return buildHello(t, 0x0303, []uint16{0x1301, 0x1302, 0x1303}, []ext{
		sniExt("localhost"), groupsExt(0x11ec, 0x001d), sigExt(0x0403, 0x0804),
		keyShareExt(ks{0x11ec, 1216}), versionsExt(0x0304), {wire.ExtPSKKeyExchangeModes, []byte{1, 1}},
	})
}

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ch    *wire.ClientHello
		grade string
		want  []string // in the reasons
	}{
		{"TLS 1.3 only, post-quantum", modern(t), "A", []string{"Offers TLS 1.3", "X25519MLKEM768", "only AEAD"}},
		{"Chromium-like", chromeLike(t), "B", []string{"CBC mode (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "RSA key transport (TLS_RSA_WITH_AES_128_GCM_SHA256",
			"extended master secret", "Signals secure renegotiation"}},
		{"no post-quantum", buildHello(t, 0x0303, []uint16{0x1301}, []ext{groupsExt(0x001d), versionsExt(0x0304), sigExt(0x0403)}),
			"B", []string{"no post-quantum"}},
		{"TLS 1.2 without EMS or renegotiation_info", buildHello(t, 0x0303, []uint16{0xc02b}, []ext{groupsExt(0x001d), sigExt(0x0403)}),
			"C", []string{"Does not offer TLS 1.3", "Does not offer the extended master secret", "no secure renegotiation"}},
		{"SCSV counts as secure renegotiation", buildHello(t, 0x0303, []uint16{0xc02b, 0x00ff}, []ext{groupsExt(0x11ec), emptyExt(23), versionsExt(0x0304, 0x0303)}),
			"A", []string{"Signals secure renegotiation"}},
		{"TLS 1.1 too", buildHello(t, 0x0303, []uint16{0x1301}, []ext{groupsExt(0x11ec), versionsExt(0x0304, 0x0303, 0x0302), emptyExt(23), {wire.ExtRenegotiationInfo, []byte{0}}}),
			"C", []string{"Still offers TLS 1.1"}},
		{"3DES", buildHello(t, 0x0303, []uint16{0x1301, 0x000a}, []ext{groupsExt(0x11ec), versionsExt(0x0304, 0x0303), emptyExt(23), {wire.ExtRenegotiationInfo, []byte{0}}}),
			"C", []string{"64-bit blocks (Sweet32) (TLS_RSA_WITH_3DES_EDE_CBC_SHA)"}},
		{"RC4 and TLS 1.0", buildHello(t, 0x0301, []uint16{0x0005, 0x002f}, nil), "F", []string{"RC4", "nothing newer than TLS 1.0"}},
		{"SHA-1 signatures", buildHello(t, 0x0303, []uint16{0x1301}, []ext{groupsExt(0x11ec), versionsExt(0x0304), sigExt(0x0403, 0x0201)}),
			"B", []string{"rsa_pkcs1_sha1"}},
	} {
		r := Rate(tc.ch)
		var all []string
		for _, x := range r.Reasons {
			all = append(all, x.Cap+": "+x.Text)
		}
		text := strings.Join(all, "\n")
		if r.Grade != tc.grade {
			t.Errorf("%s: grade %s, want %s\n%s", tc.name, r.Grade, tc.grade, text)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: reasons lack %q:\n%s", tc.name, w, text)
			}
		}
		if r.Summary == "" || len(r.Reasons) == 0 || r.Reasons[0].Cap != r.Grade {
			t.Errorf("%s: rating %+v: the first reason should explain the grade", tc.name, r)
		}
	}
}
