package record

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"padlock/internal/alert"
)

// junk is a record of n bytes of type t that no key opens.
func junk(t ContentType, n int) []byte {
	return append(header(t, n), bytes.Repeat([]byte{0xee}, n)...)
}

// TestSkipEarlyData checks the skipping of rejected 0-RTT data (RFC 8446
// section 4.2.10): under the handshake keys, records that fail to open
// are dropped until one opens; without keys, after a HelloRetryRequest,
// application_data records until another comes; a change_cipher_spec on
// the way ends neither; and only up to the limit.
func TestSkipEarlyData(t *testing.T) {
	gcm := newGCM(t, testKey16)
	good := func(seq uint64) []byte { return craft13(gcm, testIV12, seq, []byte("hs\x16")) }
	ccs := append(header(ChangeCipherSpec, 1), 1)
	read := func(wire []byte, cipher bool, limit int) (*Reader, []ContentType, error) {
		r := NewReader(bytes.NewReader(wire))
		if cipher {
			r.SetVersion(Version13)
			r.SetCipher(NewCipher13(newGCM(t, testKey16), testIV12))
		}
		r.SkipEarlyData(limit)
		var types []ContentType
		for {
			ct, _, err := r.ReadRecord()
			if err != nil {
				return r, types, err
			}
			types = append(types, ct)
		}
	}

	t.Run("handshake keys", func(t *testing.T) {
		wire := bytes.Join([][]byte{junk(ApplicationData, 4), ccs, junk(ApplicationData, 1000), good(0), junk(ApplicationData, 100)}, nil)
		_, types, err := read(wire, true, 1<<14)
		// The CCS and the good record come through; the junk after the
		// good record is no early data.
		if len(types) != 2 || types[0] != ChangeCipherSpec || types[1] != Handshake {
			t.Errorf("records read: %v", types)
		}
		wantAlert(t, err, alert.BadRecordMAC)
	})
	t.Run("handshake keys, over the limit", func(t *testing.T) {
		wire := bytes.Join([][]byte{junk(ApplicationData, 600), junk(ApplicationData, 600), good(0)}, nil)
		_, types, err := read(wire, true, 1000)
		if len(types) != 0 {
			t.Errorf("records read: %v", types)
		}
		wantAlert(t, err, alert.UnexpectedMessage)
	})
	t.Run("handshake keys, exactly the limit", func(t *testing.T) {
		wire := bytes.Join([][]byte{junk(ApplicationData, 495), junk(ApplicationData, 495), good(0)}, nil)
		if _, types, err := read(wire, true, 1000); len(types) != 1 || err != io.EOF {
			t.Errorf("records read: %v, then %v; want the good one, then io.EOF", types, err)
		}
	})
	t.Run("no keys", func(t *testing.T) {
		hello := append(header(Handshake, 2), 1, 0)
		wire := bytes.Join([][]byte{ccs, junk(ApplicationData, 100), junk(ApplicationData, 30), hello, junk(ApplicationData, 10)}, nil)
		_, types, err := read(wire, false, 1<<14)
		// After the handshake record, application data is the caller's
		// to refuse.
		want := []ContentType{ChangeCipherSpec, Handshake, ApplicationData}
		if !slices.Equal(types, want) || err != io.EOF {
			t.Errorf("records read: %v, then %v; want %v, then io.EOF", types, err, want)
		}
	})
	t.Run("no keys, over the limit", func(t *testing.T) {
		_, _, err := read(junk(ApplicationData, 1<<14), false, 1<<14)
		wantAlert(t, err, alert.UnexpectedMessage)
	})
}
