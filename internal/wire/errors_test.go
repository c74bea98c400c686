package wire

import (
	"bytes"
	"slices"
	"testing"

	"padlock/internal/alert"
)

// Builders of hand-made, possibly malformed, messages.

func cat(parts ...[]byte) []byte { return slices.Concat(parts...) }

func vec8(parts ...[]byte) []byte {
	b := cat(parts...)
	return cat([]byte{byte(len(b))}, b)
}

func vec16(parts ...[]byte) []byte {
	b := cat(parts...)
	return cat([]byte{byte(len(b) >> 8), byte(len(b))}, b)
}

func handshake(typ uint8, body ...[]byte) []byte {
	b := cat(body...)
	return cat([]byte{typ, byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}, b)
}

func ext(typ uint16, data ...byte) []byte {
	return cat([]byte{byte(typ >> 8), byte(typ)}, vec16(data))
}

// clientHello builds a ClientHello around the given extensions.
func clientHello(exts ...[]byte) []byte {
	return handshake(TypeClientHello, []byte{3, 3}, fill(32, 1), vec8(), vec16([]byte{0x13, 0x01}), vec8([]byte{0}), vec16(exts...))
}

// pskExt is a well-formed pre_shared_key with one identity and one binder.
func pskExt() []byte {
	ids := vec16(vec16([]byte("id")), []byte{0, 0, 0, 1})
	return ext(ExtPreSharedKey, cat(ids, vec16(vec8(fill(32, 2))))...)
}

func allMessages(t *testing.T) []sample {
	list := samples()
	for _, name := range []string{"s3_clienthello", "s3_serverhello", "s3_encryptedextensions", "s3_certificate",
		"s3_certificateverify", "s3_finished", "s3_newsessionticket", "s4_clienthello", "s4_serverhello",
		"s4_encryptedextensions", "s5_helloretryrequest", "s5_clienthello2", "s6_certificaterequest"} {
		m, err := Parse(loadHex(t, name), true)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, sample{name, true, m})
	}
	return list
}

// TestTruncated cuts every valid message at every length: no prefix may
// parse. Then it fixes up the header length of each cut body: those must
// not panic, and whatever still parses (a ClientHello cut before its
// extensions is a valid TLS 1.2 one) must round-trip.
func TestTruncated(t *testing.T) {
	for _, s := range allMessages(t) {
		raw := s.msg.Marshal()
		for i := range raw {
			if m, err := Parse(raw[:i], s.tls13); err == nil {
				t.Fatalf("%s cut at %d parsed as %T", s.name, i, m)
			}
		}
		for i := range len(raw) - 4 {
			checkRoundTrip(t, handshake(raw[0], raw[4:4+i]), s.tls13)
		}
	}
}

// TestTrailingByte appends a byte to each valid message, inside and then
// outside the header length.
func TestTrailingByte(t *testing.T) {
	for _, s := range allMessages(t) {
		raw := s.msg.Marshal()
		if _, err := Parse(append(slices.Clip(raw), 0), s.tls13); err == nil {
			t.Errorf("%s: byte after the message accepted", s.name)
		}
		switch s.msg.(type) {
		case *Finished, *ClientKeyExchange:
			continue // opaque bodies: the byte is part of the data
		}
		_, err := Parse(handshake(raw[0], raw[4:], []byte{0}), s.tls13)
		if err == nil {
			t.Errorf("%s: trailing byte in the body accepted", s.name)
			continue
		}
		wantAlert(t, err, alert.DecodeError)
	}
}

func TestDuplicateExtension(t *testing.T) {
	m := fullClientHello()
	m.ExtraExtensions = []Extension{{Type: ExtSCT}}
	_, err := Parse(m.Marshal(), true)
	wantAlert(t, err, alert.DecodeError)

	// Unknown extensions too, and in a block large enough to be sorted.
	var exts [][]byte
	for i := range 40 {
		exts = append(exts, ext(0x1000+uint16(i)))
	}
	if _, err := Parse(clientHello(exts...), true); err != nil {
		t.Fatal(err)
	}
	exts = append(exts, ext(0x1000+7, 1))
	_, err = Parse(clientHello(exts...), true)
	wantAlert(t, err, alert.DecodeError)

	ee := handshake(TypeEncryptedExtensions, vec16(ext(ExtEarlyData), ext(ExtEarlyData)))
	_, err = Parse(ee, true)
	wantAlert(t, err, alert.DecodeError)

	sh := handshake(TypeServerHello, []byte{3, 3}, fill(32, 1), vec8(), []byte{0x13, 1, 0},
		vec16(ext(ExtSupportedVersions, 3, 4), ext(ExtSupportedVersions, 3, 4)))
	_, err = Parse(sh, true)
	wantAlert(t, err, alert.DecodeError)
}

// TestDuplicateExtensionIllegal checks the messages where a repeated
// extension is an illegal_parameter (see readExtensions), as BoringSSL's
// runner expects of a HelloRetryRequest
// (HelloRetryRequest-DuplicateCurve-TLS13) and of a NewSessionTicket
// (TLS13-DuplicateTicketEarlyDataSupport).
func TestDuplicateExtensionIllegal(t *testing.T) {
	hrr := HelloRetryRequestRandom
	entry := cat([]byte{0, 0, 1, 0xaa}, vec16(ext(0x99), ext(0x99)))
	sigs := ext(ExtSignatureAlgorithms, vec16([]byte{4, 3})...)
	for name, msg := range map[string][]byte{
		"HelloRetryRequest": handshake(TypeServerHello, []byte{3, 3}, hrr[:], vec8(), []byte{0x13, 1, 0},
			vec16(ext(ExtKeyShare, 0, 0x17), ext(ExtKeyShare, 0, 0x17))),
		"NewSessionTicket": handshake(TypeNewSessionTicket, fill(8, 0), vec8(), vec16([]byte{1}),
			vec16(ext(ExtEarlyData, 0, 0, 0x40, 0), ext(ExtEarlyData, 0, 0, 0x40, 0))),
		"CertificateRequest": handshake(TypeCertificateRequest, vec8(), vec16(sigs, sigs)),
		"Certificate":        handshake(TypeCertificate, vec8(), []byte{0, 0, byte(len(entry))}, entry),
	} {
		_, err := Parse(msg, true)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		t.Run(name, func(t *testing.T) { wantAlert(t, err, alert.IllegalParameter) })
	}
}

func TestPreSharedKeyNotLast(t *testing.T) {
	if _, err := Parse(clientHello(ext(ExtEarlyData), pskExt()), true); err != nil {
		t.Fatal(err)
	}
	_, err := Parse(clientHello(pskExt(), ext(ExtEarlyData)), true)
	wantAlert(t, err, alert.IllegalParameter)

	m := fullClientHello()
	m.ExtraExtensions = []Extension{{Type: ExtPreSharedKey, Data: pskExt()[4:]}}
	m.PSKIdentities, m.PSKBinders = nil, nil
	_, err = Parse(m.Marshal(), true)
	wantAlert(t, err, alert.IllegalParameter)
}

func TestMalformedHello(t *testing.T) {
	suites := vec16([]byte{0x13, 0x01})
	noComp := vec8([]byte{0})
	for name, msg := range map[string][]byte{
		"empty cipher_suites": handshake(1, []byte{3, 3}, fill(32, 1), vec8(), vec16(), noComp),
		"odd cipher_suites":   handshake(1, []byte{3, 3}, fill(32, 1), vec8(), vec16([]byte{0x13, 1, 0x13}), noComp),
		"empty compression":   handshake(1, []byte{3, 3}, fill(32, 1), vec8(), suites, vec8()),
		"random 31 bytes":     handshake(1, []byte{3, 3}, fill(31, 0x20), vec8(), suites, noComp),
		"random 33 bytes":     handshake(1, []byte{3, 3}, fill(33, 0x20), vec8(), suites, noComp),
		"session_id 33 bytes": handshake(1, []byte{3, 3}, fill(32, 1), vec8(fill(33, 1)), suites, noComp),
		"extensions cut":      handshake(1, []byte{3, 3}, fill(32, 1), vec8(), suites, noComp, []byte{0}),
		"two host_names": clientHello(ext(ExtServerName,
			vec16(vec8Name(0, "a"), vec8Name(0, "b"))...)),
		"empty host_name":        clientHello(ext(ExtServerName, vec16([]byte{0, 0, 0})...)),
		"empty ALPN name":        clientHello(ext(ExtALPN, vec16(vec8([]byte("h2")), vec8())...)),
		"empty ALPN list":        clientHello(ext(ExtALPN, 0, 0)),
		"empty supported_groups": clientHello(ext(ExtSupportedGroups, 0, 0)),
		"data in SCT":            clientHello(ext(ExtSCT, 0)),
		"short binder":           clientHello(ext(ExtPreSharedKey, cat(vec16(vec16([]byte("id")), []byte{0, 0, 0, 1}), vec16(vec8(fill(31, 2))))...)),
		"short key_exchange":     clientHello(ext(ExtKeyShare, vec16([]byte{0, 0x1d, 0, 0})...)),
		"versions odd":           clientHello(ext(ExtSupportedVersions, 3, 3, 4, 3)),
		"SH two ALPN": handshake(2, []byte{3, 3}, fill(32, 1), vec8(), []byte{0xc0, 0x2f, 0},
			vec16(ext(ExtALPN, vec16(vec8([]byte("h2")), vec8([]byte("h3")))...))),
		"SH version cut": handshake(2, []byte{3, 3}, fill(32, 1), vec8(), []byte{0x13, 1, 0}, vec16(ext(ExtSupportedVersions, 3))),
	} {
		_, err := Parse(msg, true)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		wantAlert(t, err, alert.DecodeError)
	}
}

func vec8Name(typ byte, name string) []byte { return cat([]byte{typ}, vec16([]byte(name))) }

// TestSpecificAlerts checks the failures for which the RFCs name an alert
// other than decode_error.
func TestSpecificAlerts(t *testing.T) {
	hrr := HelloRetryRequestRandom
	ids := vec16(vec16([]byte("a")), []byte{0, 0, 0, 0}, vec16([]byte("b")), []byte{0, 0, 0, 0})
	for name, c := range map[string]struct {
		msg   []byte
		tls13 bool
		want  alert.Description
	}{
		"KeyUpdate 2":                {handshake(TypeKeyUpdate, []byte{2}), true, alert.IllegalParameter},
		"curve_type explicit_prime":  {handshake(TypeServerKeyExchange, []byte{1, 0, 0x17}), false, alert.HandshakeFailure},
		"CertificateRequest no sigs": {handshake(TypeCertificateRequest, vec8(), vec16(ext(0x99))), true, alert.MissingExtension},
		"record_size_limit 63":       {clientHello(ext(ExtRecordSizeLimit, 0, 63)), true, alert.IllegalParameter},
		"EE record_size_limit 0":     {handshake(TypeEncryptedExtensions, vec16(ext(ExtRecordSizeLimit, 0, 0))), true, alert.IllegalParameter},
		"binders mismatch":           {clientHello(ext(ExtPreSharedKey, cat(ids, vec16(vec8(fill(32, 2))))...)), true, alert.IllegalParameter},
		"HRR selected_group 0": {handshake(2, []byte{3, 3}, hrr[:], vec8(), []byte{0x13, 1, 0},
			vec16(ext(ExtKeyShare, 0, 0))), true, alert.IllegalParameter},
		"SH key_share group 0": {handshake(2, []byte{3, 3}, fill(32, 1), vec8(), []byte{0x13, 1, 0},
			vec16(ext(ExtKeyShare, 0, 0, 0, 1, 9))), true, alert.IllegalParameter},
		"unknown type":  {handshake(3), true, alert.UnexpectedMessage},
		"message_hash":  {MessageHash(fill(32, 1)), true, alert.UnexpectedMessage},
		"empty message": {nil, false, alert.DecodeError},
	} {
		_, err := Parse(c.msg, c.tls13)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		t.Run(name, func(t *testing.T) { wantAlert(t, err, c.want) })
	}

	var sh ServerHello
	wantAlert(t, sh.Unmarshal(clientHello()), alert.UnexpectedMessage)
}

func TestMalformedOthers(t *testing.T) {
	for name, c := range map[string]struct {
		msg   []byte
		tls13 bool
	}{
		"empty Finished":                {handshake(TypeFinished), true},
		"empty cert_data":               {handshake(TypeCertificate, vec8(), []byte{0, 0, 5, 0, 0, 0, 0, 0}), true},
		"empty ASN.1Cert":               {handshake(TypeCertificate, []byte{0, 0, 3, 0, 0, 0}), false},
		"OCSP status_type 2":            {handshake(TypeCertificateStatus, []byte{2, 0, 0, 1, 0}), false},
		"empty OCSP response":           {handshake(TypeCertificateStatus, []byte{1, 0, 0, 0}), false},
		"empty ticket":                  {handshake(TypeNewSessionTicket, fill(8, 0), vec8(), vec16(), vec16()), true},
		"empty cert types":              {handshake(TypeCertificateRequest, vec8(), vec16([]byte{4, 3}), vec16()), false},
		"empty ServerKeyExchange point": {handshake(TypeServerKeyExchange, []byte{3, 0, 0x17}, vec8(), []byte{4, 3}, vec16()), false},
		"ServerHelloDone body":          {handshake(TypeServerHelloDone, []byte{0}), false},
		"EndOfEarlyData body":           {handshake(TypeEndOfEarlyData, []byte{0}), true},
		"empty ClientKeyExchange":       {handshake(TypeClientKeyExchange), false},
		"KeyUpdate empty":               {handshake(TypeKeyUpdate), true},
		"early_data short":              {handshake(TypeNewSessionTicket, fill(8, 0), vec8(), vec16([]byte{1}), vec16(ext(ExtEarlyData, 0, 0))), true},
	} {
		_, err := Parse(c.msg, c.tls13)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		t.Run(name, func(t *testing.T) { wantAlert(t, err, alert.DecodeError) })
	}
}

func TestMarshalPanicsOnBadRandom(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Marshal with a 31-byte Random did not panic")
		}
	}()
	(&ServerHello{Random: fill(31, 0)}).Marshal()
}

// TestAliasing checks that appending to a parsed field never writes into
// the input.
func TestAliasing(t *testing.T) {
	raw := fullClientHello().Marshal()
	orig := bytes.Clone(raw)
	var m ClientHello
	if err := m.Unmarshal(raw); err != nil {
		t.Fatal(err)
	}
	_ = append(m.SessionID, 0xff)
	_ = append(m.Cookie, 0xff)
	_ = append(m.KeyShares[0].Data, 0xff)
	if !bytes.Equal(raw, orig) {
		t.Error("append to a field changed the input")
	}
}
