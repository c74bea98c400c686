package wire

import (
	"bytes"
	"strconv"
	"testing"

	"padlock/internal/alert"
)

// rfc8448Messages are the testdata messages, all TLS 1.3.
var rfc8448Messages = []string{
	"s3_clienthello", "s3_serverhello", "s3_encryptedextensions", "s3_certificate",
	"s3_certificateverify", "s3_finished", "s3_newsessionticket", "s4_clienthello",
	"s4_serverhello", "s4_encryptedextensions", "s4_endofearlydata", "s5_helloretryrequest",
	"s5_clienthello2", "s6_certificaterequest", "s6_certificateverify",
}

// checkSpans checks the layout promised by Annotate: spans in bounds and
// in byte order, each nested in the span before it at the depth above,
// none overlapping another at its depth. If tiled, the leaves must also
// cover msg exactly.
func checkSpans(t *testing.T, msg []byte, spans []Span, tiled bool) {
	t.Helper()
	var parents []Span       // the chain of containers of the current span
	lastEnd := map[int]int{} // where the last span at each depth ended
	for i, s := range spans {
		if s.Start < 0 || s.End <= s.Start || s.End > len(msg) || s.Depth < 0 {
			t.Fatalf("span %d %+v out of bounds of %d bytes", i, s, len(msg))
		}
		if i > 0 && s.Start < spans[i-1].Start {
			t.Fatalf("span %d %+v before span %d %+v", i, s, i-1, spans[i-1])
		}
		if s.Depth > len(parents) {
			t.Fatalf("span %d %+v: depth %d with %d containers", i, s, s.Depth, len(parents))
		}
		parents = parents[:s.Depth]
		if s.Depth > 0 {
			if p := parents[s.Depth-1]; s.Start < p.Start || s.End > p.End {
				t.Fatalf("span %d %+v outside its container %+v", i, s, p)
			}
		}
		if s.Start < lastEnd[s.Depth] {
			t.Fatalf("span %d %+v overlaps the one before at depth %d", i, s, s.Depth)
		}
		lastEnd[s.Depth] = s.End
		parents = append(parents, s)
	}
	if !tiled {
		return
	}
	pos := 0
	for i, s := range spans {
		if i+1 < len(spans) && spans[i+1].Depth > s.Depth {
			continue // a container: its parts follow
		}
		if s.Start != pos {
			t.Fatalf("leaf %d %+v: want start %d", i, s, pos)
		}
		pos = s.End
	}
	if pos != len(msg) {
		t.Fatalf("leaves end at %d of %d bytes", pos, len(msg))
	}
}

// find returns the first span named name at or after the span from, and
// its index.
func find(t *testing.T, spans []Span, from int, name string) (Span, int) {
	t.Helper()
	for i := from; i < len(spans); i++ {
		if spans[i].Name == name {
			return spans[i], i
		}
	}
	t.Fatalf("no span %q after %d", name, from)
	return Span{}, 0
}

// annotate annotates a testdata message, which must walk and tile.
func annotate(t *testing.T, name string) ([]byte, []Span) {
	t.Helper()
	raw := loadHex(t, name)
	spans, err := Annotate(raw, true)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkSpans(t, raw, spans, true)
	return raw, spans
}

func TestAnnotateRFC8448(t *testing.T) {
	for _, name := range rfc8448Messages {
		t.Run(name, func(t *testing.T) {
			raw, spans := annotate(t, name)
			m, _ := Parse(raw, true)
			if spans[0] != (Span{Name: "msg_type", Start: 0, End: 1, Value: TypeName(m.Type())}) {
				t.Errorf("first span %+v", spans[0])
			}
			if spans[1].Name != "length" || spans[1].Start != 1 || spans[1].End != 4 || spans[1].Value != strconv.Itoa(len(raw)-4) {
				t.Errorf("second span %+v", spans[1])
			}
		})
	}
}

func TestAnnotateClientHello(t *testing.T) {
	raw, spans := annotate(t, "s3_clienthello")
	var suites []string
	for _, s := range spans {
		if s.Name == "cipher_suite" {
			suites = append(suites, s.Value)
		}
	}
	want := []string{"TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"}
	if len(suites) != 3 || suites[0] != want[0] || suites[1] != want[1] || suites[2] != want[2] {
		t.Errorf("cipher suites %q", suites)
	}
	if s, _ := find(t, spans, 0, "host_name"); s.Value != "server" || s.Depth != 1 {
		t.Errorf("host_name %+v", s)
	}

	// The x25519 key share: the 32 bytes after group and length, two
	// levels down (extension, KeyShareEntry).
	x25519 := mustHex(t, "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c")
	at := bytes.Index(raw, x25519)
	ext, i := find(t, spans, 0, "extension: key_share")
	entry, i := find(t, spans, i, "KeyShareEntry")
	group, i := find(t, spans, i, "group")
	ke, _ := find(t, spans, i, "key_exchange")
	if ke != (Span{Name: "key_exchange", Start: at, End: at + 32, Depth: 2, Value: "32 bytes"}) {
		t.Errorf("key_exchange %+v, want bytes at %d", ke, at)
	}
	if group.Value != "x25519" || group.Start != at-4 || entry.Value != "x25519" || entry.Depth != 1 ||
		ext.Depth != 0 || ext.End != at+32 {
		t.Errorf("extension %+v, entry %+v, group %+v", ext, entry, group)
	}
}

func TestAnnotateServerHello(t *testing.T) {
	raw, spans := annotate(t, "s3_serverhello")
	pub := mustHex(t, "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f")
	at := bytes.Index(raw, pub)
	if ke, _ := find(t, spans, 0, "key_exchange"); ke.Start != at || ke.End != at+32 || ke.Depth != 1 {
		t.Errorf("key_exchange %+v, want at %d", ke, at)
	}
	if s, _ := find(t, spans, 0, "selected_version"); s.Value != "TLS 1.3" {
		t.Errorf("selected_version %+v", s)
	}

	_, spans = annotate(t, "s5_helloretryrequest")
	if s, _ := find(t, spans, 0, "random"); s.Value != `HelloRetryRequest: SHA-256("HelloRetryRequest")` {
		t.Errorf("HRR random %+v", s)
	}
	if s, _ := find(t, spans, 0, "selected_group"); s.Value != "secp256r1" || s.Depth != 1 {
		t.Errorf("selected_group %+v", s)
	}
}

func TestAnnotatePSK(t *testing.T) {
	raw, spans := annotate(t, "s4_clienthello")
	binder := mustHex(t, "3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d")
	if s, _ := find(t, spans, 0, "binder"); !bytes.Equal(raw[s.Start:s.End], binder) || s.End != len(raw) {
		t.Errorf("binder %+v", s)
	}
	if s, _ := find(t, spans, 0, "obfuscated_ticket_age"); s.Value != "4208372427" || s.Depth != 2 {
		t.Errorf("obfuscated_ticket_age %+v", s)
	}
	if s, _ := find(t, spans, 0, "padding"); s.Value != "87 zero bytes" {
		t.Errorf("padding %+v", s)
	}
}

func TestAnnotateCertificate(t *testing.T) {
	_, spans := annotate(t, "s3_certificate")
	entry, i := find(t, spans, 0, "CertificateEntry")
	data, _ := find(t, spans, i, "cert_data")
	if entry.Value != "CN=rsa" || data.Value != "CN=rsa" || data.End-data.Start != 0x1b0 || data.Depth != 1 {
		t.Errorf("entry %+v, cert_data %+v", entry, data)
	}
	_, spans = annotate(t, "s6_certificateverify")
	if s, _ := find(t, spans, 0, "algorithm"); s.Value != "ecdsa_secp256r1_sha256" {
		t.Errorf("algorithm %+v", s)
	}
}

// TestAnnotateSamples walks a message of every type, with every field
// and extension wire knows.
func TestAnnotateSamples(t *testing.T) {
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			raw := s.msg.Marshal()
			spans, err := Annotate(raw, s.tls13)
			if err != nil {
				t.Fatal(err)
			}
			checkSpans(t, raw, spans, true)
			for _, sp := range spans {
				if sp.Name == "extension data" || sp.Name == "body" {
					t.Errorf("%+v: a known field shown as opaque", sp)
				}
			}
		})
	}
}

func TestAnnotateValues(t *testing.T) {
	ch := fullClientHello()
	ch.CipherSuites = []uint16{0x0a0a, 0x1301}
	ch.ExtraExtensions = []Extension{{Type: 0x1a1a}, {Type: 0xfe0c, Data: []byte{1, 2, 3}}}
	ch.ServerName = "evil\x1b[2J"
	spans, err := Annotate(ch.Marshal(), true)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"cipher_suite":              "GREASE(0x0A0A)",
		"extension: GREASE(0x1a1a)": "",
		"extension data":            "3 bytes",
		"host_name":                 `"evil\x1b[2J"`,
		"protocol_name":             "h2",
		"version":                   "TLS 1.3",
		"ke_mode":                   "psk_dhe_ke",
		"ec_point_format":           "uncompressed",
		"status_type":               "ocsp",
		"named_group":               "x25519",
	} {
		if s, _ := find(t, spans, 0, name); s.Value != want {
			t.Errorf("%s = %q, want %q", name, s.Value, want)
		}
	}

	for _, tc := range []struct {
		msg  Message
		name string
		want string
	}{
		{NewClientKeyExchangeRSA(fill(256, 1)), "EncryptedPreMasterSecret", "256 bytes"},
		{NewClientKeyExchangeECDHE(fill(65, 1)), "ecdh_Yc", "65 bytes"},
		{&ClientKeyExchange{Data: []byte{7}}, "exchange_keys", "1 byte"},
		{&KeyUpdate{}, "request_update", "update_not_requested"},
		{&CertificateRequest12{CertificateTypes: []uint8{64}, SignatureAlgorithms: []uint16{0x0403}}, "certificate_type", "ecdsa_sign"},
		{&ServerHello{Vers: 0x0303, Random: append(fill(24, 1), "DOWNGRD\x01"...), CipherSuite: 0xc02f}, "random",
			"32 bytes, ending in the TLS 1.2 downgrade sentinel"},
	} {
		raw := tc.msg.Marshal()
		spans, err := Annotate(raw, false)
		if err != nil {
			t.Fatalf("%T: %v", tc.msg, err)
		}
		checkSpans(t, raw, spans, true)
		if s, _ := find(t, spans, 0, tc.name); s.Value != tc.want {
			t.Errorf("%T: %s = %q, want %q", tc.msg, tc.name, s.Value, tc.want)
		}
	}
}

// TestAnnotateMalformed checks that a message that does not walk gives
// what was walked before the fault, in bounds, and an error.
func TestAnnotateMalformed(t *testing.T) {
	if spans, err := Annotate(nil, true); err == nil || len(spans) != 0 {
		t.Errorf("empty message: %v, %v", spans, err)
	}
	raw := loadHex(t, "s4_clienthello")
	for n := 1; n < len(raw); n++ {
		spans, err := Annotate(raw[:n], true)
		if err == nil {
			t.Fatalf("%d bytes: no error", n)
		}
		checkSpans(t, raw[:n], spans, false)
	}
	// A byte after the body: the body is walked, then the fault.
	good, _ := Annotate(raw, true)
	spans, err := Annotate(append(raw[:len(raw):len(raw)], 0), true)
	wantAlert(t, err, alert.DecodeError)
	if len(spans) != len(good) {
		t.Errorf("trailing byte: %d spans, want %d", len(spans), len(good))
	}
	// A fault inside the body keeps what came before it.
	bad := bytes.Clone(raw)
	bad[40] = 7 // an odd cipher_suites length
	spans, err = Annotate(bad, true)
	if err == nil || spans[len(spans)-1].Name != "cipher_suite" {
		t.Errorf("odd cipher_suites: %v, last span %+v", err, spans[len(spans)-1])
	}
	// The synthetic message_hash of a transcript walks too.
	spans, err = Annotate(MessageHash(fill(32, 1)), true)
	if err != nil || len(spans) != 3 || spans[2].Name != "Hash(ClientHello1)" {
		t.Errorf("message_hash: %+v, %v", spans, err)
	}
	// An unknown type is shown as a body.
	spans, err = Annotate([]byte{99, 0, 0, 2, 1, 2}, true)
	if err != nil || len(spans) != 3 || spans[2].Name != "body" {
		t.Errorf("unknown type: %+v, %v", spans, err)
	}
}

// FuzzAnnotate walks arbitrary bytes as both versions: nothing may panic,
// the spans must keep their layout, and whatever Parse accepts must walk
// without error, its leaves covering every byte.
func FuzzAnnotate(f *testing.F) {
	for _, s := range samples() {
		f.Add(s.msg.Marshal())
	}
	for _, name := range rfc8448Messages {
		f.Add(loadHex(f, name))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, tls13 := range []bool{true, false} {
			spans, err := Annotate(msg, tls13)
			_, perr := Parse(msg, tls13)
			if perr == nil && err != nil {
				t.Fatalf("tls13=%v: Parse accepts what Annotate does not: %v", tls13, err)
			}
			checkSpans(t, msg, spans, perr == nil)
		}
	})
}

func BenchmarkAnnotateClientHello(b *testing.B) {
	raw := loadHex(b, "s4_clienthello")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Annotate(raw, true); err != nil {
			b.Fatal(err)
		}
	}
}
