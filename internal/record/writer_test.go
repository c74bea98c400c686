package record

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"padlock/internal/alert"
)

// writeLog records each Write call.
type writeLog struct {
	writes [][]byte
	err    error // returned from every Write when set
	short  bool  // write one byte less than asked, without an error
}

func (l *writeLog) Write(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.short {
		return len(p) - 1, nil
	}
	l.writes = append(l.writes, bytes.Clone(p))
	return len(p), nil
}

func TestOneWritePerRecord(t *testing.T) {
	for _, s := range suites {
		var log writeLog
		w := NewWriter(&log)
		if s.make != nil {
			w.SetCipher(s.make(t))
		}
		if _, err := w.WriteRecord(ApplicationData, testData(1<<20)); err != nil {
			t.Fatal(err)
		}
		if len(log.writes) != 64 {
			t.Fatalf("%s: %d writes for 64 records", s.name, len(log.writes))
		}
		for i, b := range log.writes {
			if len(wireRecords(t, b)) != 1 {
				t.Fatalf("%s: write %d is not one record", s.name, i)
			}
		}
	}
}

func TestBuffering(t *testing.T) {
	var log writeLog
	w := NewWriter(&log)
	w.SetBuffering(true)
	w.WriteRecord(Handshake, []byte("server hello"))
	w.WriteChangeCipherSpec()
	w.SetCipher(suites[1].make(t))
	w.WriteRecord(Handshake, []byte("encrypted extensions"))
	w.WriteRecord(Handshake, testData(3000))
	if len(log.writes) != 0 || w.Buffered() == 0 {
		t.Fatalf("%d writes while buffering", len(log.writes))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(log.writes) != 1 || len(wireRecords(t, log.writes[0])) != 4 || w.Buffered() != 0 {
		t.Fatalf("%d writes after Flush", len(log.writes))
	}
	if err := w.Flush(); err != nil || len(log.writes) != 1 {
		t.Fatal("empty Flush wrote")
	}

	// A flight larger than the buffer goes out in parts, in order.
	log.writes = nil
	data := testData(5 * MaxPlaintext)
	if n, err := w.WriteRecord(Handshake, data); n != len(data) || err != nil {
		t.Fatalf("WriteRecord = %d, %v", n, err)
	}
	w.Flush()
	r := NewReader(bytes.NewReader(bytes.Join(log.writes, nil)))
	r.SetCipher(suites[1].make(t))
	r.cipher.seq = 2
	_, payloads := readAll(t, r)
	if !bytes.Equal(bytes.Join(payloads, nil), data) {
		t.Fatal("large buffered flight does not read back")
	}

	// Turning buffering off sends what is queued with the next record.
	log.writes = nil
	w.WriteRecord(Alert, []byte{1, 0})
	w.SetBuffering(false)
	w.WriteRecord(ApplicationData, []byte("x"))
	if len(log.writes) != 1 || len(wireRecords(t, log.writes[0])) != 2 {
		t.Fatal("queued record not sent with the next")
	}
}

func TestRecordVersion(t *testing.T) {
	var wire bytes.Buffer
	w := NewWriter(&wire)
	w.SetRecordVersion(0x0301)
	w.WriteRecord(Handshake, []byte{1, 0, 0, 0})
	if !bytes.Equal(wire.Bytes(), []byte{22, 3, 1, 0, 4, 1, 0, 0, 0}) {
		t.Fatalf("initial ClientHello record %x", wire.Bytes())
	}
	// Protected records always say 0x0303 (RFC 8446 section 5.2).
	wire.Reset()
	w.SetCipher(suites[1].make(t))
	w.WriteRecord(Handshake, []byte{1})
	if !bytes.Equal(wire.Bytes()[:3], []byte{23, 3, 3}) {
		t.Fatalf("protected record header %x", wire.Bytes()[:5])
	}
	// The compatibility-mode CCS ignores both.
	wire.Reset()
	w.WriteChangeCipherSpec()
	if !bytes.Equal(wire.Bytes(), []byte{20, 3, 3, 0, 1, 1}) {
		t.Fatalf("CCS record %x", wire.Bytes())
	}
}

func TestWriteErrorLatches(t *testing.T) {
	boom := errors.New("boom")
	log := &writeLog{err: boom}
	w := NewWriter(log)
	if _, err := w.WriteRecord(Handshake, []byte("x")); err != boom {
		t.Fatalf("got %v", err)
	}
	log.err = nil
	if _, err := w.WriteRecord(Handshake, []byte("x")); err != boom {
		t.Fatalf("second WriteRecord: %v", err)
	}
	if err := w.WriteChangeCipherSpec(); err != boom {
		t.Fatalf("WriteChangeCipherSpec: %v", err)
	}
	if err := w.Flush(); err != boom || len(log.writes) != 0 {
		t.Fatalf("Flush: %v", err)
	}

	w = NewWriter(&writeLog{short: true})
	if _, err := w.WriteRecord(ApplicationData, []byte("abc")); err != io.ErrShortWrite {
		t.Fatalf("short write: %v", err)
	}
	if err := w.Flush(); err != io.ErrShortWrite {
		t.Fatalf("short write not latched: %v", err)
	}
}

func TestWriteRefusals(t *testing.T) {
	w := NewWriter(io.Discard)
	_, err := w.WriteRecord(0, []byte("x"))
	wantAlert(t, err, alert.InternalError)
	_, err = w.WriteRecord(24, []byte("x"))
	wantAlert(t, err, alert.InternalError)
	// TLS 1.2 sends ChangeCipherSpec with WriteRecord before its cipher.
	if _, err := w.WriteRecord(ChangeCipherSpec, []byte{1}); err != nil {
		t.Fatal(err)
	}
}
