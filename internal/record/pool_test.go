package record

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// TestWriterReleasesBuffer checks that a Writer holds a buffer only while
// records are queued: not before the first write, not after a flush.
func TestWriterReleasesBuffer(t *testing.T) {
	var out bytes.Buffer
	w := suites[1].writer(t, &out)
	if w.arr != nil {
		t.Fatal("new Writer holds a buffer")
	}
	if _, err := w.WriteRecord(ApplicationData, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if w.arr != nil {
		t.Error("Writer holds a buffer after writing its record")
	}
	w.SetBuffering(true)
	w.WriteRecord(Handshake, []byte("flight"))
	if w.arr == nil || w.Buffered() == 0 {
		t.Fatal("buffering Writer queued nothing")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.arr != nil {
		t.Error("Writer holds a buffer after Flush")
	}
}

// TestReaderRelease checks that Release gives the buffer back only when
// no bytes of the stream are in it, and that reading goes on after it.
func TestReaderRelease(t *testing.T) {
	s := suites[1]
	wire, data := stream(t, s, 100, 200, 300)
	r := s.reader(t, bytes.NewReader(wire))
	if r.arr != nil {
		t.Fatal("new Reader holds a buffer")
	}
	for i, want := range data {
		_, got, err := r.ReadRecord()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("record %d: %v", i, err)
		}
		buffered := r.Buffered()
		r.Release()
		if (r.arr == nil) != (buffered == 0) {
			t.Errorf("record %d: %d bytes buffered, released: %v", i, buffered, r.arr == nil)
		}
		if buffered == 0 && (r.buf != nil || !r.idle) {
			t.Errorf("record %d: released Reader will not read into its small buffer", i)
		}
	}
	if _, _, err := r.ReadRecord(); err != io.EOF {
		t.Errorf("after the last record: %v, want EOF", err)
	}
}

// TestReleaseAllocs checks that a Reader that releases its buffer after
// every record, as an idle-then-busy connection does, still allocates
// nothing per record once the pool holds buffers.
func TestReleaseAllocs(t *testing.T) {
	s := suites[1]
	var wire bytes.Buffer
	s.writer(t, &wire).WriteRecord(ApplicationData, testData(MaxPlaintext))
	r := s.reader(t, &recordReader{rec: wire.Bytes()})
	w := s.writer(t, io.Discard)
	data := testData(MaxPlaintext)
	allocs := testing.AllocsPerRun(allocRuns, func() {
		r.cipher.seq = 0
		if _, _, err := r.ReadRecord(); err != nil {
			t.Fatal(err)
		}
		r.Release()
		if _, err := w.WriteRecord(ApplicationData, data); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record", allocs)
	}
}

// recordReader is a stream of the same record over and over that never
// returns bytes of two records in one Read, as a socket that receives one
// record at a time does.
type recordReader struct {
	rec []byte
	off int // bytes of the current record already returned
}

func (r *recordReader) Read(p []byte) (int, error) {
	n := copy(p, r.rec[r.off:])
	if r.off += n; r.off == len(r.rec) {
		r.off = 0
	}
	return n, nil
}

// TestReleasedReaderSmallBuffer checks that a Reader that released its
// buffer reads small records whole into its own small buffer, without
// taking a pooled one, and that records that do not fit, whole or cut
// anywhere by the stream, still come out right.
func TestReleasedReaderSmallBuffer(t *testing.T) {
	sizes := []int{10, 300, smallReadSize, 1000, MaxPlaintext, 5, smallReadSize - 40}
	for _, s := range suites {
		wire, data := stream(t, s, sizes...)
		for _, rd := range []struct {
			name string
			r    io.Reader
		}{
			{"whole", bytes.NewReader(wire)},
			{"half", iotest.HalfReader(bytes.NewReader(wire))},
			{"bytes", iotest.OneByteReader(bytes.NewReader(wire))},
		} {
			r := s.reader(t, rd.r)
			r.Release()
			for i, want := range data {
				released := r.arr == nil && r.Buffered() == 0
				_, got, err := r.ReadRecord()
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("%s %s: record %d: %v", s.name, rd.name, i, err)
				}
				if small := HeaderLen+len(want)+maxExpansion <= smallReadSize; small && released && r.arr != nil {
					t.Errorf("%s %s: %d-byte record took a pooled buffer", s.name, rd.name, len(want))
				}
				r.Release()
			}
		}
	}
}
