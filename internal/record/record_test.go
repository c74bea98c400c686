package record

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
)

// readAll reads records until io.EOF and returns them.
func readAll(t testing.TB, r *Reader) (types []ContentType, payloads [][]byte) {
	t.Helper()
	for {
		ct, p, err := r.ReadRecord()
		if err == io.EOF {
			return types, payloads
		}
		if err != nil {
			t.Fatalf("record %d: %v", len(types), err)
		}
		types = append(types, ct)
		payloads = append(payloads, bytes.Clone(p))
	}
}

// wireRecords splits a stream into records by their headers.
func wireRecords(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var recs [][]byte
	for len(b) > 0 {
		if len(b) < HeaderLen {
			t.Fatalf("trailing %d bytes", len(b))
		}
		n := HeaderLen + (int(b[3])<<8 | int(b[4]))
		recs = append(recs, b[:n])
		b = b[n:]
	}
	return recs
}

func testData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8 + 1)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 2, 255, 1000, MaxPlaintext - 1, MaxPlaintext, MaxPlaintext + 1, 3*MaxPlaintext + 5, 1 << 20}
	for _, s := range suites {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%d", s.name, size), func(t *testing.T) {
				var wire bytes.Buffer
				w := s.writer(t, &wire)
				data := testData(size)
				n, err := w.WriteRecord(ApplicationData, data)
				if err != nil || n != size {
					t.Fatalf("WriteRecord = %d, %v", n, err)
				}
				want := max(1, (size+MaxPlaintext-1)/MaxPlaintext)
				if got := len(wireRecords(t, wire.Bytes())); got != want {
					t.Fatalf("%d records on the wire, want %d", got, want)
				}
				r := s.reader(t, &wire)
				types, payloads := readAll(t, r)
				if len(payloads) != want {
					t.Fatalf("read %d records, want %d", len(payloads), want)
				}
				if got := bytes.Join(payloads, nil); !bytes.Equal(got, data) {
					t.Fatal("data differs after the round trip")
				}
				for i, ct := range types {
					if ct != ApplicationData || len(payloads[i]) > MaxPlaintext {
						t.Fatalf("record %d: %v of %d bytes", i, ct, len(payloads[i]))
					}
				}
				if s.make != nil && (w.cipher.Seq() != uint64(want) || r.cipher.Seq() != uint64(want)) {
					t.Fatalf("Seq = %d and %d, want %d", w.cipher.Seq(), r.cipher.Seq(), want)
				}
			})
		}
	}
}

func TestRoundTripTypes(t *testing.T) {
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			var wire bytes.Buffer
			w := s.writer(t, &wire)
			msgs := []struct {
				ct   ContentType
				data string
			}{{Handshake, "hello"}, {Alert, "\x01\x00"}, {ApplicationData, ""}, {ApplicationData, "x"}, {Handshake, "\x00\x00"}}
			for _, m := range msgs {
				if _, err := w.WriteRecord(m.ct, []byte(m.data)); err != nil {
					t.Fatal(err)
				}
			}
			types, payloads := readAll(t, s.reader(t, &wire))
			if len(types) != len(msgs) {
				t.Fatalf("read %d records, want %d", len(types), len(msgs))
			}
			for i, m := range msgs {
				if types[i] != m.ct || string(payloads[i]) != m.data {
					t.Errorf("record %d = %v %q, want %v %q", i, types[i], payloads[i], m.ct, m.data)
				}
			}
		})
	}
}

func TestPadding(t *testing.T) {
	var wire bytes.Buffer
	w := suites[1].writer(t, &wire)
	pad := 100
	w.SetPadding(func(n int) int { return pad })
	for _, size := range []int{0, 5, MaxPlaintext - 50, MaxPlaintext} {
		wire.Reset()
		if _, err := w.WriteRecord(ApplicationData, testData(size)); err != nil {
			t.Fatal(err)
		}
		// Content plus padding stays within the maximum fragment.
		wantPad := min(pad, MaxPlaintext-size)
		if got, want := wire.Len(), HeaderLen+size+1+wantPad+16; got != want {
			t.Errorf("size %d: record of %d bytes, want %d", size, got, want)
		}
	}
	w.SetPadding(func(n int) int { return -3 })
	wire.Reset()
	w.WriteRecord(ApplicationData, []byte("abc"))
	if got := wire.Len(); got != HeaderLen+3+1+16 {
		t.Errorf("negative padding: record of %d bytes", got)
	}

	// A padded stream reads back unpadded.
	var stream bytes.Buffer
	w = suites[2].writer(t, &stream)
	w.SetPadding(func(n int) int { return 2*n + 1 })
	data := testData(3 * MaxPlaintext)
	w.WriteRecord(Handshake, data)
	types, payloads := readAll(t, suites[2].reader(t, &stream))
	if !bytes.Equal(bytes.Join(payloads, nil), data) || types[0] != Handshake {
		t.Fatal("padded records do not read back")
	}
}

func TestMaxFragment(t *testing.T) {
	for _, s := range suites {
		var wire bytes.Buffer
		w := s.writer(t, &wire)
		w.SetMaxFragment(1000)
		data := testData(2500)
		if n, err := w.WriteRecord(Handshake, data); n != 2500 || err != nil {
			t.Fatalf("%s: WriteRecord = %d, %v", s.name, n, err)
		}
		_, payloads := readAll(t, s.reader(t, &wire))
		if len(payloads) != 3 || len(payloads[0]) != 1000 || len(payloads[2]) != 500 {
			t.Fatalf("%s: got %d records", s.name, len(payloads))
		}
		w.SetMaxFragment(0)
		if w.maxFragment != MaxPlaintext {
			t.Fatalf("SetMaxFragment(0) left %d", w.maxFragment)
		}
	}
}

func TestCipherSetup(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	gcm := newGCM(t, testKey16)
	mustPanic("NewCipher13 short IV", func() { NewCipher13(gcm, testIV12[:8]) })
	mustPanic("NewCipher12 GCM 12-byte salt", func() { NewCipher12(gcm, testIV12, 8) })
	mustPanic("NewCipher12 ChaCha 4-byte IV", func() { NewCipher12(newChaCha(t), testIV12[:4], 0) })
	mustPanic("NewCipher12 explicit 4", func() { NewCipher12(gcm, testIV12[:8], 4) })
	if c := NewCipher13(gcm, testIV12); c.Version() != Version13 || c.Seq() != 0 {
		t.Error("NewCipher13 state")
	}
	if c := NewCipher12(gcm, testIV12[:4], 8); c.Version() != Version12 {
		t.Error("NewCipher12 version")
	}
	if !errors.Is(ErrSSLv2ClientHello, ErrSSLv2ClientHello) || ApplicationData.String() != "application_data" || ContentType(9).String() != "content_type(9)" {
		t.Error("names")
	}
}
