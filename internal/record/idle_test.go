package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"runtime"
	"testing"
)

func remakeGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// idlePair returns a TLS 1.3 Writer and Reader whose Ciphers keep their
// key, so that they can go idle.
func idlePair(t testing.TB, wire *bytes.Buffer) (*Writer, *Reader) {
	mk := func() *Cipher {
		c := NewCipher13(newGCM(t, testKey16), testIV12)
		c.KeepKey(testKey16, remakeGCM)
		return c
	}
	w := NewWriter(wire)
	w.SetVersion(Version13)
	w.SetCipher(mk())
	r := NewReader(wire)
	r.SetVersion(Version13)
	r.SetCipher(mk())
	return w, r
}

// TestCipherIdle checks that Ciphers that went idle, with and without a
// garbage collection in between, go on sealing and opening records.
func TestCipherIdle(t *testing.T) {
	var wire bytes.Buffer
	w, r := idlePair(t, &wire)
	for i, gc := range []bool{false, true, false, true} {
		msg := bytes.Repeat([]byte{byte(i)}, 100+i)
		if _, err := w.WriteRecord(ApplicationData, msg); err != nil {
			t.Fatal(err)
		}
		if w.cipher.aead != nil {
			t.Fatal("writer's Cipher still holds its AEAD after Flush")
		}
		if gc {
			runtime.GC()
		}
		_, got, err := r.ReadRecord()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("record %d: %v", i, err)
		}
		r.Release()
		if r.cipher.aead != nil {
			t.Fatal("reader's Cipher still holds its AEAD after Release")
		}
	}
}

// TestCipherIdleAllocs checks that going idle and back costs no
// allocation when no garbage collection intervenes.
func TestCipherIdleAllocs(t *testing.T) {
	var wire bytes.Buffer
	w, r := idlePair(t, &wire)
	checkReleasingAllocs(t, w, r)
}

// checkReleasingAllocs checks that a record written by w and read by r,
// which releases its buffer after each, costs no allocation.
func checkReleasingAllocs(t *testing.T, w *Writer, r *Reader) {
	t.Helper()
	msg := make([]byte, 1000)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := w.WriteRecord(ApplicationData, msg); err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.ReadRecord(); err != nil {
			t.Fatal(err)
		}
		r.Release()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record", allocs)
	}
}

// TestReadRecordInto checks that a record whose plaintext fits in dst is
// opened there, for both versions, and one that does not fit in place.
func TestReadRecordInto(t *testing.T) {
	for _, s := range suites[1:] {
		wire, data := stream(t, s, 1000, 1000)
		r := s.reader(t, bytes.NewReader(wire))
		big := make([]byte, 2000)
		_, got, err := r.ReadRecordInto(big)
		if err != nil || !bytes.Equal(got, data[0]) || &got[0] != &big[0] {
			t.Errorf("%s: record not opened into dst (%v)", s.name, err)
		}
		small := make([]byte, 999)
		_, got, err = r.ReadRecordInto(small)
		if err != nil || !bytes.Equal(got, data[1]) || &got[0] == &small[0] {
			t.Errorf("%s: record too big for dst not opened in place (%v)", s.name, err)
		}
	}
}
