package record

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"padlock/internal/alert"
)

// read13 reads one record from wire with a fresh TLS 1.3 AES-128-GCM
// reader keyed like craft13's records.
func read13(t testing.TB, wire []byte) (ContentType, []byte, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(wire))
	r.SetVersion(Version13)
	r.SetCipher(NewCipher13(newGCM(t, testKey16), testIV12))
	return r.ReadRecord()
}

func read12(t testing.TB, wire []byte) (ContentType, []byte, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(wire))
	r.SetVersion(Version12)
	r.SetCipher(NewCipher12(newGCM(t, testKey16), testIV12[:4], 8))
	return r.ReadRecord()
}

func readPlain(wire []byte) (ContentType, []byte, error) {
	return NewReader(bytes.NewReader(wire)).ReadRecord()
}

// withVersion returns rec with its legacy_record_version set to v.
func withVersion(rec []byte, v uint16) []byte {
	rec = bytes.Clone(rec)
	rec[1], rec[2] = byte(v>>8), byte(v)
	return rec
}

func header(t ContentType, n int) []byte {
	h := make([]byte, HeaderLen)
	putHeader(h, t, Version12, n)
	return h
}

func TestLimits13(t *testing.T) {
	gcm := newGCM(t, testKey16)
	inner := func(content []byte, t ContentType, pad int) []byte {
		b := append(bytes.Clone(content), byte(t))
		return append(b, make([]byte, pad)...)
	}
	full := testData(MaxPlaintext)
	tests := []struct {
		name string
		wire []byte
		want alert.Description
	}{
		{"ciphertext 2^14+257", append(header(ApplicationData, MaxCiphertext13+1), make([]byte, MaxCiphertext13+1)...), alert.RecordOverflow},
		{"ciphertext 2^14+256 of garbage", append(header(ApplicationData, MaxCiphertext13), make([]byte, MaxCiphertext13)...), alert.RecordOverflow},
		{"plaintext 2^14+1", craft13(gcm, testIV12, 0, inner(testData(MaxPlaintext+1), ApplicationData, 0)), alert.RecordOverflow},
		{"plaintext 2^14 plus padding", craft13(gcm, testIV12, 0, inner(full, ApplicationData, 1)), alert.RecordOverflow},
		{"all-zero inner plaintext", craft13(gcm, testIV12, 0, make([]byte, 40)), alert.UnexpectedMessage},
		{"empty inner plaintext", craft13(gcm, testIV12, 0, nil), alert.UnexpectedMessage},
		{"protected change_cipher_spec", craft13(gcm, testIV12, 0, inner([]byte{1}, ChangeCipherSpec, 0)), alert.UnexpectedMessage},
		{"unknown inner type", craft13(gcm, testIV12, 0, inner([]byte("x"), 24, 3)), alert.UnexpectedMessage},
		{"empty handshake", craft13(gcm, testIV12, 0, inner(nil, Handshake, 5)), alert.UnexpectedMessage},
		{"empty alert", craft13(gcm, testIV12, 0, inner(nil, Alert, 0)), alert.UnexpectedMessage},
		{"wrong sequence number", craft13(gcm, testIV12, 1, inner([]byte("x"), Handshake, 0)), alert.BadRecordMAC},
		{"short record", append(header(ApplicationData, 15), make([]byte, 15)...), alert.BadRecordMAC},
		{"empty record", header(ApplicationData, 0), alert.BadRecordMAC},
		{"outer handshake", append(header(Handshake, 20), make([]byte, 20)...), alert.UnexpectedMessage},
		{"outer alert", append(header(Alert, 2), 2, 10), alert.UnexpectedMessage},
		{"unknown outer type", append(header(24, 20), make([]byte, 20)...), alert.UnexpectedMessage},
		{"outer type 0", append(header(0, 20), make([]byte, 20)...), alert.UnexpectedMessage},
		{"version 2.0", append([]byte{23, 2, 0, 0, 20}, make([]byte, 20)...), alert.DecodeError},
		// RFC 8446 appendix D: it MAY be validated; OpenSSL, BoringSSL
		// and crypto/tls do.
		{"version 0x03ff", withVersion(craft13(gcm, testIV12, 0, inner([]byte("x"), Handshake, 0)), 0x03ff), alert.ProtocolVersion},
		{"version 0x0304", withVersion(craft13(gcm, testIV12, 0, inner([]byte("x"), Handshake, 0)), 0x0304), alert.ProtocolVersion},
		{"version 0x0301", withVersion(craft13(gcm, testIV12, 0, inner([]byte("x"), Handshake, 0)), 0x0301), alert.ProtocolVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := read13(t, tt.wire)
			wantAlert(t, err, tt.want)
		})
	}

	// Every byte of a good record matters, the header included (it is the
	// additional data).
	good := craft13(gcm, testIV12, 0, inner([]byte("hello"), Handshake, 2))
	if ct, p, err := read13(t, good); err != nil || ct != Handshake || string(p) != "hello" {
		t.Fatalf("good record: %v %q %v", ct, p, err)
	}
	for i := 1; i < len(good); i++ {
		if i == 1 || i == 2 || i == 3 || i == 4 {
			continue // version and length are checked before the AEAD
		}
		bad := bytes.Clone(good)
		bad[i] ^= 0x01
		_, _, err := read13(t, bad)
		wantAlert(t, err, alert.BadRecordMAC)
	}

	// The largest legal record: 2^14 bytes of content and its type.
	ct, p, err := read13(t, craft13(gcm, testIV12, 0, inner(full, ApplicationData, 0)))
	if err != nil || ct != ApplicationData || !bytes.Equal(p, full) {
		t.Fatalf("full record: %v %v", ct, err)
	}
	// A zero-length application data record is fine (section 5.4).
	if ct, p, err := read13(t, craft13(gcm, testIV12, 0, inner(nil, ApplicationData, 9))); err != nil || ct != ApplicationData || len(p) != 0 {
		t.Fatalf("empty application data: %v %v", ct, err)
	}
}

func TestChangeCipherSpec13(t *testing.T) {
	// A plaintext change_cipher_spec arrives between protected records
	// and is returned as is; the connection decides (RFC 8446 section 5).
	var wire bytes.Buffer
	w := suites[1].writer(t, &wire)
	w.WriteRecord(Handshake, []byte("one"))
	if err := w.WriteChangeCipherSpec(); err != nil {
		t.Fatal(err)
	}
	w.WriteRecord(Handshake, []byte("two"))
	if got := wire.Bytes()[HeaderLen+3+1+16:][:6]; !bytes.Equal(got, []byte{20, 3, 3, 0, 1, 1}) {
		t.Fatalf("CCS record %x", got)
	}
	types, payloads := readAll(t, suites[1].reader(t, &wire))
	if len(types) != 3 || types[1] != ChangeCipherSpec || !bytes.Equal(payloads[1], []byte{1}) || string(payloads[2]) != "two" {
		t.Fatalf("got %v %q", types, payloads)
	}
	if w.cipher.Seq() != 2 {
		t.Fatalf("the CCS record used a sequence number: Seq = %d", w.cipher.Seq())
	}
	// A huge one is still a plaintext record.
	r := suites[1].reader(t, bytes.NewReader(append(header(ChangeCipherSpec, MaxPlaintext+1), make([]byte, MaxPlaintext+1)...)))
	_, _, err := r.ReadRecord()
	wantAlert(t, err, alert.RecordOverflow)
	// And the writer refuses a protected one.
	_, err = w.WriteRecord(ChangeCipherSpec, []byte{1})
	wantAlert(t, err, alert.InternalError)
}

// TestPlaintextAlerts13 checks the window AllowPlaintextAlerts opens: a
// plaintext alert under a TLS 1.3 Cipher passes until a record opens
// with it, and never without the call.
func TestPlaintextAlerts13(t *testing.T) {
	alertRec := append(header(Alert, 2), 2, 40)
	var protected bytes.Buffer
	suites[1].writer(t, &protected).WriteRecord(Handshake, []byte("flight"))

	// Without the call: unexpected_message.
	_, _, err := suites[1].reader(t, bytes.NewReader(alertRec)).ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)

	// With it: returned as it is, until a protected record opens.
	wire := slices.Concat(alertRec, protected.Bytes(), alertRec)
	r := suites[1].reader(t, bytes.NewReader(wire))
	r.AllowPlaintextAlerts()
	if ct, data, err := r.ReadRecord(); err != nil || ct != Alert || !bytes.Equal(data, []byte{2, 40}) {
		t.Fatalf("plaintext alert in the window: %v %x %v", ct, data, err)
	}
	if ct, data, err := r.ReadRecord(); err != nil || ct != Handshake || string(data) != "flight" {
		t.Fatalf("protected record: %v %q %v", ct, data, err)
	}
	_, _, err = r.ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)

	// A new Cipher closes the window too.
	r = suites[1].reader(t, bytes.NewReader(alertRec))
	r.AllowPlaintextAlerts()
	r.SetCipher(suites[1].make(t))
	_, _, err = r.ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)
}

func TestLimits12(t *testing.T) {
	gcm := newGCM(t, testKey16)
	salt := testIV12[:4]
	good := craft12(gcm, salt, 0, Handshake, []byte("hello"))
	tests := []struct {
		name string
		wire []byte
		want alert.Description
	}{
		{"ciphertext 2^14+2049", append(header(ApplicationData, MaxCiphertext12+1), make([]byte, MaxCiphertext12+1)...), alert.RecordOverflow},
		{"plaintext 2^14+1", craft12(gcm, salt, 0, ApplicationData, testData(MaxPlaintext+1)), alert.RecordOverflow},
		{"short record", append(header(ApplicationData, 23), make([]byte, 23)...), alert.BadRecordMAC},
		{"type changed", append([]byte{byte(Alert)}, good[1:]...), alert.BadRecordMAC},
		{"explicit nonce changed", func() []byte { b := bytes.Clone(good); b[HeaderLen+7] ^= 1; return b }(), alert.BadRecordMAC},
		{"tag changed", func() []byte { b := bytes.Clone(good); b[len(b)-1] ^= 1; return b }(), alert.BadRecordMAC},
		// The explicit nonce is the peer's choice, but the AAD holds our
		// sequence number: a record sealed for seq 1 fails at seq 0.
		{"wrong sequence number", craft12(gcm, salt, 1, Handshake, []byte("x")), alert.BadRecordMAC},
		{"unknown type", append(header(19, 30), make([]byte, 30)...), alert.UnexpectedMessage},
		// RFC 5246 section 6.2.1: the version being employed.
		{"version 0x03ff", withVersion(good, 0x03ff), alert.ProtocolVersion},
		{"version 0x0301", withVersion(good, 0x0301), alert.ProtocolVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := read12(t, tt.wire)
			wantAlert(t, err, tt.want)
		})
	}
	if ct, p, err := read12(t, good); err != nil || ct != Handshake || string(p) != "hello" {
		t.Fatalf("good record: %v %q %v", ct, p, err)
	}
	full := testData(MaxPlaintext)
	if _, p, err := read12(t, craft12(gcm, salt, 0, ApplicationData, full)); err != nil || !bytes.Equal(p, full) {
		t.Fatalf("full record: %v", err)
	}
}

func TestLimitsPlaintext(t *testing.T) {
	_, _, err := readPlain(append(header(Handshake, MaxPlaintext+1), make([]byte, MaxPlaintext+1)...))
	wantAlert(t, err, alert.RecordOverflow)
	_, _, err = readPlain(header(99, 0))
	wantAlert(t, err, alert.UnexpectedMessage)
	_, _, err = readPlain([]byte{22, 4, 3, 0, 0})
	wantAlert(t, err, alert.DecodeError)

	ct, p, err := readPlain(append(header(Handshake, MaxPlaintext), make([]byte, MaxPlaintext)...))
	if err != nil || ct != Handshake || len(p) != MaxPlaintext {
		t.Fatalf("full plaintext record: %v", err)
	}
	// Zero-length records of any type pass this layer; any legacy version
	// 3.x does too (RFC 8446 section 5.1: it MUST be ignored).
	for _, h := range [][]byte{{21, 3, 1, 0, 0}, {22, 3, 0, 0, 0}, {20, 3, 0x7f, 0, 0}} {
		if ct, p, err := readPlain(h); err != nil || ct != ContentType(h[0]) || len(p) != 0 {
			t.Fatalf("%x: %v %v", h, ct, err)
		}
	}
}

func TestSequenceExhaustion(t *testing.T) {
	for _, s := range suites[1:] {
		t.Run(s.name, func(t *testing.T) {
			var wire bytes.Buffer
			w := s.writer(t, &wire)
			r := s.reader(t, &wire)
			w.cipher.seq = math.MaxUint64 - 1
			r.cipher.seq = math.MaxUint64 - 1
			if _, err := w.WriteRecord(ApplicationData, []byte("last")); err != nil {
				t.Fatal(err)
			}
			if _, p, err := r.ReadRecord(); err != nil || string(p) != "last" {
				t.Fatalf("last record: %v", err)
			}
			// The sequence number must not wrap (RFC 8446 section 5.3).
			_, err := w.WriteRecord(ApplicationData, []byte("wrap"))
			wantAlert(t, err, alert.InternalError)
			s.writer(t, &wire).WriteRecord(ApplicationData, []byte("x"))
			_, _, err = r.ReadRecord()
			wantAlert(t, err, alert.InternalError)
			if w.cipher.Seq() != math.MaxUint64 || r.cipher.Seq() != math.MaxUint64 {
				t.Fatal("sequence number moved")
			}
		})
	}
}

func TestVersionMismatch(t *testing.T) {
	var wire bytes.Buffer
	w := suites[1].writer(t, &wire)
	w.SetVersion(Version12)
	_, err := w.WriteRecord(ApplicationData, nil)
	wantAlert(t, err, alert.InternalError)

	r := suites[3].reader(t, bytes.NewReader(craft12(newGCM(t, testKey16), testIV12[:4], 0, Handshake, []byte("x"))))
	r.SetVersion(Version13)
	_, _, err = r.ReadRecord()
	wantAlert(t, err, alert.InternalError)
}

// TestRecordSizeLimit: with SetMaxPlaintext(n), a TLS 1.3 record whose
// TLSInnerPlaintext (content, type and padding) is n bytes passes and
// n+1 gets record_overflow; in TLS 1.2 the plaintext itself counts (RFC
// 8449 section 4).
func TestRecordSizeLimit(t *testing.T) {
	gcm := newGCM(t, testKey16)
	const n = 100
	read := func(wire []byte, v uint16) error {
		r := NewReader(bytes.NewReader(wire))
		r.SetVersion(v)
		if v == Version13 {
			r.SetCipher(NewCipher13(gcm, testIV12))
		} else {
			r.SetCipher(NewCipher12(gcm, testIV12[:4], 8))
		}
		r.SetMaxPlaintext(n)
		_, _, err := r.ReadRecord()
		return err
	}
	inner := func(content, pad int) []byte {
		return append(append(testData(content), byte(ApplicationData)), make([]byte, pad)...)
	}
	if err := read(craft13(gcm, testIV12, 0, inner(n-1, 0)), Version13); err != nil {
		t.Errorf("TLS 1.3 inner plaintext at the limit: %v", err)
	}
	wantAlert(t, read(craft13(gcm, testIV12, 0, inner(n-1, 1)), Version13), alert.RecordOverflow)
	wantAlert(t, read(craft13(gcm, testIV12, 0, inner(n, 0)), Version13), alert.RecordOverflow)
	if err := read(craft12(gcm, testIV12[:4], 0, ApplicationData, testData(n)), Version12); err != nil {
		t.Errorf("TLS 1.2 plaintext at the limit: %v", err)
	}
	wantAlert(t, read(craft12(gcm, testIV12[:4], 0, ApplicationData, testData(n+1)), Version12), alert.RecordOverflow)
}
