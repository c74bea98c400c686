package record

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"testing"
	"testing/iotest"

	"padlock/internal/alert"
)

// stream writes records of the given sizes with s and returns the wire
// bytes and the data.
func stream(t *testing.T, s suite, sizes ...int) ([]byte, [][]byte) {
	t.Helper()
	var wire bytes.Buffer
	w := s.writer(t, &wire)
	var data [][]byte
	for i, n := range sizes {
		d := testData(n + i)[i:]
		if _, err := w.WriteRecord(ApplicationData, d); err != nil {
			t.Fatal(err)
		}
		data = append(data, d)
	}
	return wire.Bytes(), data
}

func checkRecords(t *testing.T, r *Reader, want [][]byte) {
	t.Helper()
	_, got := readAll(t, r)
	if len(got) != len(want) {
		t.Fatalf("read %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %d differs", i)
		}
	}
}

func TestOneByteReader(t *testing.T) {
	for _, s := range suites {
		wire, data := stream(t, s, 0, 1, 300, MaxPlaintext, 7)
		checkRecords(t, s.reader(t, iotest.OneByteReader(bytes.NewReader(wire))), data)
	}
}

func TestDataErrReader(t *testing.T) {
	// The last bytes arrive together with io.EOF.
	wire, data := stream(t, suites[1], 10, 20)
	checkRecords(t, suites[1].reader(t, iotest.DataErrReader(bytes.NewReader(wire))), data)
}

// chunkReader returns the stream in pieces of random size, to move record
// boundaries all over the buffer and exercise compaction.
type chunkReader struct {
	r   *bytes.Reader
	rnd *rand.Rand
	max int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	n := 1 + c.rnd.IntN(c.max)
	return c.r.Read(p[:min(n, len(p))])
}

func TestChunkedReads(t *testing.T) {
	sizes := []int{MaxPlaintext, 3, MaxPlaintext, MaxPlaintext - 100, 0, 5000, MaxPlaintext, MaxPlaintext, 1, MaxPlaintext}
	for _, s := range suites {
		wire, data := stream(t, s, sizes...)
		for seed := range uint64(5) {
			cr := &chunkReader{bytes.NewReader(wire), rand.New(rand.NewPCG(seed, 1)), 3 * MaxPlaintext}
			checkRecords(t, s.reader(t, cr), data)
		}
	}
}

// countingReader counts Read calls.
type countingReader struct {
	r     io.Reader
	calls int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.calls++
	return c.r.Read(p)
}

func TestSeveralRecordsPerRead(t *testing.T) {
	wire, data := stream(t, suites[1], 10, 100, 1000, 50, 0, 3000)
	cr := &countingReader{r: bytes.NewReader(wire)}
	r := suites[1].reader(t, cr)
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	if r.Buffered() != len(wire)-(HeaderLen+10+1+16) {
		t.Fatalf("Buffered() = %d", r.Buffered())
	}
	checkRecords(t, r, data[1:])
	// One read for all records, one more to see io.EOF.
	if cr.calls != 2 {
		t.Fatalf("%d reads", cr.calls)
	}
}

// timeoutOnce returns a timeout once, when the stream reaches at.
type timeoutOnce struct {
	r     *bytes.Reader
	at    int64
	fired bool
}

func (t *timeoutOnce) Read(p []byte) (int, error) {
	pos := t.r.Size() - int64(t.r.Len())
	if !t.fired && pos == t.at {
		t.fired = true
		return 0, os.ErrDeadlineExceeded
	}
	if !t.fired && pos < t.at && int64(len(p)) > t.at-pos {
		p = p[:t.at-pos]
	}
	return t.r.Read(p)
}

func TestTimeoutResumes(t *testing.T) {
	wire, data := stream(t, suites[1], 100, MaxPlaintext, 20)
	for _, at := range []int64{0, 2, HeaderLen, 60, 200, HeaderLen + 100 + 17 + 3, 10000, int64(len(wire)) - 1} {
		src := &timeoutOnce{r: bytes.NewReader(wire), at: at}
		r := suites[1].reader(t, iotest.OneByteReader(src))
		var got [][]byte
		timeouts := 0
		for {
			_, p, err := r.ReadRecord()
			if err == io.EOF {
				break
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				timeouts++
				continue
			}
			if err != nil {
				t.Fatalf("at %d: %v", at, err)
			}
			got = append(got, bytes.Clone(p))
		}
		if timeouts != 1 || len(got) != len(data) || !bytes.Equal(bytes.Join(got, nil), bytes.Join(data, nil)) {
			t.Fatalf("at %d: %d timeouts, %d records", at, timeouts, len(got))
		}
	}
}

func TestEOF(t *testing.T) {
	wire, _ := stream(t, suites[1], 100)
	tests := []struct {
		wire []byte
		want error
	}{
		{nil, io.EOF},
		{wire[:1], io.ErrUnexpectedEOF},
		{wire[:HeaderLen], io.ErrUnexpectedEOF},
		{wire[:len(wire)-1], io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		r := suites[1].reader(t, bytes.NewReader(tt.wire))
		if _, _, err := r.ReadRecord(); err != tt.want {
			t.Errorf("%d bytes: got %v, want %v", len(tt.wire), err, tt.want)
		}
	}
	r := suites[1].reader(t, bytes.NewReader(wire))
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := r.ReadRecord(); err != io.EOF {
			t.Fatalf("after the last record: %v", err)
		}
	}
}

func TestNoProgress(t *testing.T) {
	r := NewReader(iotest.ErrReader(nil))
	if _, _, err := r.ReadRecord(); err != io.ErrNoProgress {
		t.Fatalf("got %v", err)
	}
}

func TestSSLv2ClientHello(t *testing.T) {
	// msg_length 0x802e, msg_type 1, version 3.1, as RFC 5246 E.2 shows.
	hello := append([]byte{0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15}, make([]byte, 40)...)
	r := NewReader(bytes.NewReader(hello))
	if _, _, err := r.ReadRecord(); err != ErrSSLv2ClientHello {
		t.Fatalf("got %v", err)
	}
	// Later in the connection the same bytes are just a bad record.
	wire := append([]byte{22, 3, 1, 0, 1, 1}, hello...)
	r = NewReader(bytes.NewReader(wire))
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	_, _, err := r.ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)
}

func TestBadRecordLeavesReaderUsable(t *testing.T) {
	// A server skipping rejected 0-RTT data ignores records that fail to
	// open and goes on with the next ones (RFC 8446 section 4.2.10).
	wire, data := stream(t, suites[1], 10, 20)
	bad := craft13(newGCM(t, testKey32[:16]), testIV12, 0, []byte("early\x17"))
	r := suites[1].reader(t, bytes.NewReader(append(bad, wire...)))
	_, _, err := r.ReadRecord()
	wantAlert(t, err, alert.BadRecordMAC)
	checkRecords(t, r, data)
}
