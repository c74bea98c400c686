package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// fill returns n bytes of value v, for building sample messages.
func fill(n int, v byte) []byte { return bytes.Repeat([]byte{v}, n) }

// sample is a message with every field populated and the tls13 flag that
// Parse needs for it.
type sample struct {
	name  string
	tls13 bool
	msg   Message
}

func fullClientHello() *ClientHello {
	return &ClientHello{
		Vers: 0x0303, Random: fill(32, 1), SessionID: fill(32, 2),
		CipherSuites: []uint16{0x1301, 0xc02b}, CompressionMethods: []uint8{0},
		ServerName: "example.com", StatusRequest: true,
		SupportedGroups: []uint16{0x1d, 0x17}, ECPointFormats: []uint8{0},
		SignatureAlgorithms: []uint16{0x0804, 0x0403}, SignatureAlgorithmsCert: []uint16{0x0401},
		ALPNProtocols: []string{"h2", "http/1.1"}, SCT: true, ExtendedMasterSecret: true,
		SessionTicketSupported: true, SessionTicket: fill(40, 3),
		SupportedVersions: []uint16{0x0304, 0x0303}, Cookie: fill(20, 4), PSKModes: []uint8{1},
		CertificateAuthorities: [][]byte{fill(10, 5), fill(3, 6)},
		KeyShares:              []KeyShare{{Group: 0x1d, Data: fill(32, 7)}, {Group: 0x11ec, Data: fill(1216, 8)}},
		EarlyData:              true, SecureRenegotiationSupported: true, SecureRenegotiation: fill(12, 9),
		RecordSizeLimit: 0x4001, PaddingLen: 17, CertCompressionAlgorithms: []uint16{2, 1, 0x3a3a},
		PSKIdentities: []PSKIdentity{{Identity: fill(50, 10), ObfuscatedTicketAge: 12345}, {Identity: []byte("ext"), ObfuscatedTicketAge: 0}},
		PSKBinders:    [][]byte{fill(32, 11), fill(48, 12)},
	}
}

func samples() []sample {
	hrrRandom := HelloRetryRequestRandom
	return []sample{
		{"ClientHello", true, fullClientHello()},
		{"ClientHello/empty-key-shares", true, &ClientHello{Vers: 0x0303, Random: fill(32, 1),
			CipherSuites: []uint16{0x1301}, CompressionMethods: []uint8{0}, KeyShares: []KeyShare{}}},
		{"ServerHello13", true, &ServerHello{Vers: 0x0303, Random: fill(32, 1), SessionID: fill(32, 2),
			CipherSuite: 0x1301, SupportedVersion: 0x0304, KeyShare: KeyShare{Group: 0x1d, Data: fill(32, 3)},
			SelectedIdentity: 1, HasSelectedIdentity: true}},
		{"HelloRetryRequest", true, &ServerHello{Vers: 0x0303, Random: hrrRandom[:], CipherSuite: 0x1302,
			SupportedVersion: 0x0304, SelectedGroup: 0x17, Cookie: fill(30, 4)}},
		{"ServerHello12", false, &ServerHello{Vers: 0x0303, Random: fill(32, 5), SessionID: fill(16, 6),
			CipherSuite: 0xc02f, ALPNProtocol: "h2", ExtendedMasterSecret: true, SessionTicketSupported: true,
			SecureRenegotiationSupported: true, SecureRenegotiation: fill(24, 7), ECPointFormats: []uint8{0},
			StatusRequest: true, ServerNameAck: true, RecordSizeLimit: 1000}},
		{"ServerHello12/no-extensions", false, &ServerHello{Vers: 0x0303, Random: fill(32, 5), CipherSuite: 0x9c}},
		{"EncryptedExtensions", true, &EncryptedExtensions{ServerNameAck: true, ALPNProtocol: "h2",
			SupportedGroups: []uint16{0x1d}, EarlyData: true, RecordSizeLimit: 64}},
		{"Certificate13", true, &Certificate13{RequestContext: fill(8, 1), Entries: []CertificateEntry{
			{Data: fill(300, 2), OCSPStaple: fill(100, 3), SCTs: [][]byte{fill(40, 4), fill(41, 5)}},
			{Data: fill(200, 6)},
		}}},
		{"Certificate12", false, &Certificate12{Certificates: [][]byte{fill(300, 1), fill(200, 2)}}},
		{"CertificateRequest13", true, &CertificateRequest13{Context: fill(4, 1),
			SignatureAlgorithms: []uint16{0x0804}, SignatureAlgorithmsCert: []uint16{0x0401},
			CertificateAuthorities: [][]byte{fill(20, 2)}, CertCompressionAlgorithms: []uint16{3}}},
		{"CompressedCertificate", true, &CompressedCertificate{Algorithm: 2, UncompressedLength: 4000, Compressed: fill(700, 3)}},
		{"CertificateRequest12", false, &CertificateRequest12{CertificateTypes: []uint8{1, 64},
			SignatureAlgorithms: []uint16{0x0401, 0x0403}, CertificateAuthorities: [][]byte{fill(20, 2), fill(5, 3)}}},
		{"CertificateVerify", true, &CertificateVerify{Scheme: 0x0804, Signature: fill(256, 1)}},
		{"Finished", true, &Finished{VerifyData: fill(48, 1)}},
		{"NewSessionTicket13", true, &NewSessionTicket13{Lifetime: 7200, AgeAdd: 0xdeadbeef, Nonce: fill(8, 1),
			Ticket: fill(100, 2), MaxEarlyData: 16384, HasEarlyData: true}},
		{"NewSessionTicket12", false, &NewSessionTicket12{Lifetime: 7200, Ticket: fill(100, 2)}},
		{"KeyUpdate", true, &KeyUpdate{RequestUpdate: true}},
		{"ServerKeyExchange", false, &ServerKeyExchange{CurveType: 3, Group: 0x17, PublicKey: fill(65, 4),
			Scheme: 0x0403, Signature: fill(71, 5)}},
		{"ClientKeyExchange", false, NewClientKeyExchangeECDHE(fill(32, 6))},
		{"CertificateStatus", false, &CertificateStatus{OCSPResponse: fill(500, 7)}},
		{"ServerHelloDone", false, &ServerHelloDone{}},
		{"EndOfEarlyData", true, &EndOfEarlyData{}},
		{"HelloRequest", false, &HelloRequest{}},
		{"ClientHello/ECH-outer", true, &ClientHello{Vers: 0x0303, Random: fill(32, 1), CipherSuites: []uint16{0x1301},
			CompressionMethods: []uint8{0}, ServerName: "public.example", ECH: echOuterExt()}},
		{"ClientHello/ECH-inner", true, &ClientHello{Vers: 0x0303, Random: fill(32, 1), CipherSuites: []uint16{0x1301},
			CompressionMethods: []uint8{0}, ServerName: "secret.example", ECH: &ECHClientHello{Type: ECHInner}}},
		{"HelloRetryRequest/ECH", true, &ServerHello{Vers: 0x0303, Random: hrrRandom[:], CipherSuite: 0x1301,
			SupportedVersion: 0x0304, SelectedGroup: 0x17, ECHConfirmation: fill(8, 2)}},
		{"EncryptedExtensions/ECH", true, &EncryptedExtensions{ECHRetryConfigs: MarshalECHConfigList(
			sampleECHConfig().Marshal(), rawECHConfig(0xfe0c, []byte("old")))}},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			raw := s.msg.Marshal()
			if n, ok := SplitMessage(raw); !ok || n != len(raw) {
				t.Fatalf("SplitMessage = %d, %v; want %d", n, ok, len(raw))
			}
			m, err := Parse(raw, s.tls13)
			if err != nil {
				t.Fatal(err)
			}
			if m.Type() != s.msg.Type() || reflect.TypeOf(m) != reflect.TypeOf(s.msg) {
				t.Fatalf("parsed as %T", m)
			}
			if again := m.Marshal(); !bytes.Equal(again, raw) {
				t.Errorf("second Marshal differs:\n got %x\nwant %x", again, raw)
			}
			if !reflect.DeepEqual(normalize(m), s.msg) {
				t.Errorf("parsed\n%+v\nwant\n%+v", m, s.msg)
			}
		})
	}
}

// TestClientHelloExtensionOrder checks the fixed order Marshal writes and
// that Unmarshal records it, unknown extensions included.
func TestClientHelloExtensionOrder(t *testing.T) {
	m := fullClientHello()
	m.ExtraExtensions = []Extension{{Type: 0x0a0a}, {Type: 0xfe0c, Data: []byte{1, 2, 3}}}
	var got ClientHello
	if err := got.Unmarshal(m.Marshal()); err != nil {
		t.Fatal(err)
	}
	want := []uint16{0x0a0a, 0xfe0c, ExtServerName, ExtExtendedMasterSecret, ExtRenegotiationInfo,
		ExtSupportedGroups, ExtECPointFormats, ExtSessionTicket, ExtALPN, ExtStatusRequest, ExtSCT,
		ExtKeyShare, ExtEarlyData, ExtSupportedVersions, ExtSignatureAlgorithms, ExtSignatureAlgorithmsCert,
		ExtCookie, ExtPSKKeyExchangeModes, ExtCertificateAuthorities, ExtRecordSizeLimit, ExtCompressCertificate, ExtPadding,
		ExtPreSharedKey}
	if !reflect.DeepEqual(extTypes(got.Extensions), want) {
		t.Errorf("order %x\nwant  %x", extTypes(got.Extensions), want)
	}
	if !bytes.Equal(got.Extensions[1].Data, []byte{1, 2, 3}) || got.Extensions[0].Data != nil {
		t.Errorf("unknown extensions %+v", got.Extensions[:2])
	}
}

// TestBinders checks the binder contract on a ClientHello offering two
// PSKs: placeholder and final binders give the same prefix, and
// BindersLen marks where the binders list starts.
func TestBinders(t *testing.T) {
	m := fullClientHello()
	m.SetBinders([][]byte{make([]byte, 32), make([]byte, 48)})
	placeholder := m.Marshal()
	n := m.BindersLen()
	if n != 2+33+49 {
		t.Fatalf("BindersLen = %d", n)
	}
	final := [][]byte{fill(32, 0xaa), fill(48, 0xbb)}
	m.SetBinders(final)
	raw := m.Marshal()
	if len(raw) != len(placeholder) || !bytes.Equal(raw[:len(raw)-n], placeholder[:len(raw)-n]) {
		t.Fatal("prefix changed with the binders")
	}
	var got ClientHello
	if err := got.Unmarshal(raw); err != nil {
		t.Fatal(err)
	}
	if got.BindersLen() != n || !reflect.DeepEqual(got.PSKBinders, final) {
		t.Errorf("parsed BindersLen %d, binders %x", got.BindersLen(), got.PSKBinders)
	}
	if (&ClientHello{}).BindersLen() != 0 {
		t.Error("BindersLen without PSKs is not 0")
	}
}

// TestUnmarshalResets checks that a struct reused for a smaller message
// keeps nothing of the previous one.
func TestUnmarshalResets(t *testing.T) {
	var m ClientHello
	if err := m.Unmarshal(fullClientHello().Marshal()); err != nil {
		t.Fatal(err)
	}
	small := &ClientHello{Vers: 0x0303, Random: fill(32, 1), CipherSuites: []uint16{0x1301}, CompressionMethods: []uint8{0}}
	if err := m.Unmarshal(small.Marshal()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalize(&m), small) {
		t.Errorf("after reuse: %+v", m)
	}
	if err := m.Unmarshal([]byte{1, 0, 0, 0}); err == nil {
		t.Fatal("empty ClientHello parsed")
	}
	if !reflect.DeepEqual(m, ClientHello{}) {
		t.Errorf("not zeroed after an error: %+v", m)
	}
}

func TestClientKeyExchange(t *testing.T) {
	pub := fill(65, 1)
	got, err := NewClientKeyExchangeECDHE(pub).ECDHEPublic()
	if err != nil || !bytes.Equal(got, pub) {
		t.Errorf("ECDHEPublic = %x, %v", got, err)
	}
	enc := fill(256, 2)
	got, err = NewClientKeyExchangeRSA(enc).RSAEncrypted()
	if err != nil || !bytes.Equal(got, enc) {
		t.Errorf("RSAEncrypted = %x, %v", got, err)
	}
	if _, err := NewClientKeyExchangeRSA(enc).ECDHEPublic(); err == nil {
		t.Error("RSA body decoded as an ECDHE point")
	}
	if _, err := NewClientKeyExchangeECDHE(pub).RSAEncrypted(); err == nil {
		t.Error("ECDHE body decoded as an RSA premaster")
	}
}

func TestServerKeyExchangeParams(t *testing.T) {
	m := &ServerKeyExchange{CurveType: 3, Group: 0x1d, PublicKey: fill(32, 1), Scheme: 0x0804, Signature: fill(256, 2)}
	params := m.Params()
	if want := append([]byte{3, 0, 0x1d, 32}, fill(32, 1)...); !bytes.Equal(params, want) {
		t.Errorf("Params = %x", params)
	}
	if raw := m.Marshal(); !bytes.Equal(raw[4:4+len(params)], params) {
		t.Error("Params is not the start of the body")
	}
}

func TestMessageHash(t *testing.T) {
	h := fill(32, 0x5a)
	if got, want := MessageHash(h), append([]byte{254, 0, 0, 32}, h...); !bytes.Equal(got, want) {
		t.Errorf("MessageHash = %x", got)
	}
}

func TestNames(t *testing.T) {
	for typ, want := range map[uint8]string{TypeClientHello: "ClientHello", TypeKeyUpdate: "KeyUpdate",
		TypeMessageHash: "MessageHash", 3: "unknown(3)", 255: "unknown(255)"} {
		if got := TypeName(typ); got != want {
			t.Errorf("TypeName(%d) = %q", typ, got)
		}
	}
	for typ, want := range map[uint16]string{ExtKeyShare: "key_share", ExtRenegotiationInfo: "renegotiation_info",
		0x3a3a: "GREASE(0x3a3a)", 0xfe0d: "encrypted_client_hello", 0xfe0c: "unknown(65036)"} {
		if got := ExtensionName(typ); got != want {
			t.Errorf("ExtensionName(%#x) = %q", typ, got)
		}
	}
	grease := map[uint16]bool{}
	for i := range uint16(16) {
		grease[0x0a0a+0x1010*i] = true
	}
	for v := range 1 << 16 {
		if IsGREASE(uint16(v)) != grease[uint16(v)] {
			t.Errorf("IsGREASE(%#04x) = %v", v, !grease[uint16(v)])
		}
	}
}

func TestSplitMessage(t *testing.T) {
	if _, ok := SplitMessage([]byte{1, 0, 0}); ok {
		t.Error("3-byte header accepted")
	}
	if n, ok := SplitMessage([]byte{20, 0x01, 0x02, 0x03}); !ok || n != 4+0x010203 {
		t.Errorf("SplitMessage = %d, %v", n, ok)
	}
}

// TestCompressCertificateMalformed checks the limits of RFC 8879: the
// algorithm list is algorithms<2..2^8-2>, and a CompressedCertificate
// carries at least one compressed byte.
func TestCompressCertificateMalformed(t *testing.T) {
	req := &CertificateRequest13{SignatureAlgorithms: []uint16{0x0804}}
	good := req.Marshal()
	for _, ext := range [][]byte{{0}, {1, 0}, {3, 0, 1, 0}} {
		msg := append([]byte(nil), good...)
		msg = append(msg, 0, 27, 0, byte(len(ext)))
		msg = append(msg, ext...)
		msg[3] += byte(4 + len(ext)) // body length
		msg[5] += byte(4 + len(ext)) // extensions length
		var m CertificateRequest13
		if err := m.Unmarshal(msg); err == nil {
			t.Errorf("compress_certificate %x: parsed as %v", ext, m.CertCompressionAlgorithms)
		}
	}
	empty := (&CompressedCertificate{Algorithm: 1, UncompressedLength: 10}).Marshal()
	if err := new(CompressedCertificate).Unmarshal(empty); err == nil {
		t.Error("CompressedCertificate with no compressed bytes parsed")
	}
}
