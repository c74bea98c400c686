package record

import (
	"bytes"
	"io"
	"testing"
)

const allocRuns = 100

func TestWriteRecordAllocs(t *testing.T) {
	data := testData(MaxPlaintext)
	for _, s := range suites {
		w := s.writer(t, io.Discard)
		allocs := testing.AllocsPerRun(allocRuns, func() {
			if _, err := w.WriteRecord(ApplicationData, data); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: WriteRecord allocates %v times per record", s.name, allocs)
		}
	}
}

func TestReadRecordAllocs(t *testing.T) {
	for _, s := range suites {
		// AllocsPerRun runs the function once more to warm up.
		sizes := make([]int, allocRuns+1)
		for i := range sizes {
			sizes[i] = MaxPlaintext
		}
		wire, _ := stream(t, s, sizes...)
		r := s.reader(t, bytes.NewReader(wire))
		allocs := testing.AllocsPerRun(allocRuns, func() {
			if _, p, err := r.ReadRecord(); err != nil || len(p) < MaxPlaintext {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: ReadRecord allocates %v times per record", s.name, allocs)
		}
	}
}

// loopReader serves the same bytes over and over, like a fast socket.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.data[l.off:])
		n += c
		l.off = (l.off + c) % len(l.data)
	}
	return n, nil
}

func BenchmarkWriteRecord(b *testing.B) {
	data := testData(MaxPlaintext)
	for _, s := range suites {
		b.Run(s.name, func(b *testing.B) {
			w := s.writer(b, io.Discard)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.WriteRecord(ApplicationData, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadRecord(b *testing.B) {
	for _, s := range suites {
		b.Run(s.name, func(b *testing.B) {
			// One record sealed at sequence number 0, read again and
			// again with the reader's sequence number put back to 0.
			var wire bytes.Buffer
			s.writer(b, &wire).WriteRecord(ApplicationData, testData(MaxPlaintext))
			r := s.reader(b, &loopReader{data: wire.Bytes()})
			b.SetBytes(MaxPlaintext)
			b.ReportAllocs()
			for b.Loop() {
				if r.cipher != nil {
					r.cipher.seq = 0
				}
				if _, _, err := r.ReadRecord(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
