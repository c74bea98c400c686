package record

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"padlock/internal/alert"
)

// fuzzSeeds are streams of valid records for every suite, so the fuzzer
// starts from records that pass the AEAD.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		nil,
		{22, 3, 1, 0, 4, 1, 0, 0, 0},
		{20, 3, 3, 0, 1, 1},
		{0x80, 0x2e, 0x01, 0x03, 0x01},
		readHex(f, "server_flight_record.hex"),
	}
	for _, s := range suites {
		var wire bytes.Buffer
		w := s.writer(f, &wire)
		w.WriteRecord(Handshake, []byte("hello"))
		w.WriteRecord(ApplicationData, nil)
		w.WriteRecord(Alert, []byte{1, 0})
		seeds = append(seeds, wire.Bytes())
	}
	return seeds
}

// FuzzReader feeds arbitrary bytes to Readers without a cipher, with a
// TLS 1.3 cipher and with a TLS 1.2 one. They must never panic, never
// return more than MaxPlaintext bytes or an unknown type, never replace
// their buffer, and fail only with an alert or a stream error.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range []suite{suites[0], suites[1], suites[4]} {
			r := s.reader(t, bytes.NewReader(data))
			var buf *[readBufferSize]byte
			for {
				ct, p, err := r.ReadRecord()
				if buf == nil {
					buf = r.arr
				}
				if r.arr != buf || len(r.buf) != readBufferSize {
					t.Fatal("reader replaced its buffer")
				}
				if err != nil {
					var ae *alert.Error
					if !errors.As(err, &ae) && err != io.EOF && err != io.ErrUnexpectedEOF && err != ErrSSLv2ClientHello {
						t.Fatalf("%s: unexpected error %v", s.name, err)
					}
					break
				}
				if !ct.known() || len(p) > MaxPlaintext {
					t.Fatalf("%s: record %v of %d bytes", s.name, ct, len(p))
				}
			}
			fuzzReleasing(t, s, data)
		}
	})
}

// fuzzReleasing reads data as FuzzReader does, through reads the stream
// cuts short, with a Release after every record, so that the Reader
// moves between its small buffer and a pooled one: the records must be
// those a Reader that keeps its buffer returns.
func fuzzReleasing(t *testing.T, s suite, data []byte) {
	keep := s.reader(t, bytes.NewReader(data))
	r := s.reader(t, iotest.HalfReader(bytes.NewReader(data)))
	for {
		wantT, want, wantErr := keep.ReadRecord()
		ct, p, err := r.ReadRecord()
		if (err == nil) != (wantErr == nil) || ct != wantT || !bytes.Equal(p, want) {
			t.Fatalf("%s: releasing Reader read %v %x %v, want %v %x %v", s.name, ct, p, err, wantT, want, wantErr)
		}
		if err != nil {
			return
		}
		r.Release()
	}
}

// FuzzInnerPlaintext protects arbitrary TLSInnerPlaintext and checks that
// the content type and padding are split as RFC 8446 section 5.4 says.
func FuzzInnerPlaintext(f *testing.F) {
	f.Add([]byte("hello\x16"))
	f.Add([]byte("\x17\x00\x00"))
	f.Add([]byte("\x00\x00"))
	f.Add([]byte("x\x14"))
	gcm := newGCM(f, testKey16)
	f.Fuzz(func(t *testing.T, inner []byte) {
		if len(inner) > MaxPlaintext+200 {
			return
		}
		ct, p, err := read13(t, craft13(gcm, testIV12, 0, inner))
		trimmed := bytes.TrimRight(inner, "\x00")
		switch {
		case len(inner) > MaxPlaintext+1:
			wantAlert(t, err, alert.RecordOverflow)
		case len(trimmed) == 0:
			wantAlert(t, err, alert.UnexpectedMessage)
		case err != nil:
			wantAlert(t, err, alert.UnexpectedMessage)
			last := ContentType(trimmed[len(trimmed)-1])
			if last == ApplicationData || (last.known() && last != ChangeCipherSpec && len(trimmed) > 1) {
				t.Fatalf("good inner plaintext %x refused: %v", inner, err)
			}
		default:
			if ct != ContentType(trimmed[len(trimmed)-1]) || !bytes.Equal(p, trimmed[:len(trimmed)-1]) {
				t.Fatalf("inner %x read as %v %x", inner, ct, p)
			}
		}
	})
}

// FuzzRoundTrip writes data with every suite and settings drawn from the
// input and reads it back.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello"), uint8(22), uint16(0), uint16(0), uint8(1))
	f.Add(make([]byte, 40000), uint8(23), uint16(100), uint16(1000), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, typ uint8, pad, maxFrag uint16, suiteIdx uint8) {
		if len(data) > 4*MaxPlaintext {
			return
		}
		// RFC 8449 allows no record_size_limit below 64; tiny fragments
		// only slow the fuzzer down.
		maxFrag = max(maxFrag, 64)
		ct := ContentType(typ%4) + ChangeCipherSpec
		s := suites[int(suiteIdx)%len(suites)]
		if s.version == Version13 && ct == ChangeCipherSpec {
			ct = Handshake
		}
		if len(data) == 0 && s.version == Version13 && ct != ApplicationData {
			return // RFC 8446 5.4: refused on reading, never sent by padlock
		}
		var wire bytes.Buffer
		w := s.writer(t, &wire)
		w.SetMaxFragment(int(maxFrag))
		w.SetPadding(func(int) int { return int(pad) })
		if n, err := w.WriteRecord(ct, data); n != len(data) || err != nil {
			t.Fatalf("WriteRecord = %d, %v", n, err)
		}
		types, payloads := readAll(t, s.reader(t, &wire))
		if !bytes.Equal(bytes.Join(payloads, nil), data) {
			t.Fatal("data differs after the round trip")
		}
		for _, got := range types {
			if got != ct {
				t.Fatalf("type %v, want %v", got, ct)
			}
		}
	})
}
