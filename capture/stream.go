package capture

import (
	"fmt"
	"sort"
	"time"
)

// MaxStreamBytes bounds the bytes kept of one direction of a connection;
// what comes after is counted but not kept.
const MaxStreamBytes = 64 << 20

// Stream is what one side of a TCP connection sent, put back in order:
// retransmitted bytes kept once, segments that came out of order put in
// their place.
type Stream struct {
	// Data is the bytes in order, from the first the capture holds up to
	// the first byte it lost.
	Data []byte
	// FromStart reports whether Data begins at the connection's first
	// byte in this direction (the capture saw the SYN).
	FromStart bool
	// Missing is how many bytes are absent after Data before the capture
	// holds more of this direction: packets the capture lost. The bytes
	// after such a gap are not in Data.
	Missing int
	// Retransmitted counts segments whose bytes had already come;
	// OutOfOrder counts segments that came after later bytes.
	Retransmitted, OutOfOrder int
	// Dropped counts bytes past MaxStreamBytes, not kept.
	Dropped int
	// Closed reports whether the capture holds this side's FIN or RST.
	Closed bool

	chunks []chunk // when each part of Data arrived
	segs   []segment
	sawSYN bool
	isn    uint32
}

// chunk says that Data from off on arrived at t.
type chunk struct {
	off int
	t   time.Time
}

// add files a segment of this direction.
func (s *Stream) add(seg segment) {
	if seg.syn {
		if !s.sawSYN {
			s.sawSYN, s.isn = true, seg.seq
		}
		seg.seq++ // the SYN takes one sequence number
	}
	if seg.fin || seg.rst {
		s.Closed = true
	}
	if len(seg.data) > 0 {
		s.segs = append(s.segs, seg)
	}
}

// placed is a segment with its offset in the stream.
type placed struct {
	off     int64
	arrival int
	seg     *segment
}

// assemble puts the segments in order into Data.
func (s *Stream) assemble() {
	if len(s.segs) == 0 {
		s.FromStart = s.sawSYN
		return
	}
	ps := s.place()
	s.countDisorder(ps)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].off < ps[j].off })
	var next int64
	if !s.FromStart {
		next = ps[0].off
	}
	for _, p := range ps {
		end := p.off + int64(len(p.seg.data))
		switch {
		case end <= next:
			continue
		case p.off > next:
			s.Missing = int(p.off - next)
			s.segs = nil
			return
		}
		data := p.seg.data[next-p.off:]
		if keep := MaxStreamBytes - len(s.Data); len(data) > keep {
			s.Dropped += len(data) - keep
			data = data[:keep]
		}
		if len(data) > 0 {
			s.chunks = append(s.chunks, chunk{off: len(s.Data), t: p.seg.t})
			s.Data = append(s.Data, data...)
		}
		next = end
	}
	s.segs = nil
}

// place gives each segment its offset: from the SYN when the capture saw
// it, else from the lowest sequence number present. Offsets are taken
// modulo 2^32 around the first segment, so that sequence numbers that
// wrap stay in order.
func (s *Stream) place() []placed {
	ref := s.segs[0].seq
	if s.sawSYN {
		ref = s.isn + 1
		s.FromStart = true
	}
	ps := make([]placed, 0, len(s.segs))
	low := int64(0)
	for i := range s.segs {
		off := int64(int32(s.segs[i].seq - ref))
		if s.sawSYN && off < 0 {
			continue // before the SYN: another connection's
		}
		low = min(low, off)
		ps = append(ps, placed{off: off, arrival: i, seg: &s.segs[i]})
	}
	for i := range ps {
		ps[i].off -= low
	}
	return ps
}

// maxHoles bounds the gaps countDisorder tracks: a hostile capture with a
// hole between every two segments would otherwise cost time quadratic in
// its packets. Past it, the counts stop.
const maxHoles = 1024

// countDisorder counts, in arrival order, the segments that brought
// nothing new (retransmissions) and those that came after later bytes.
func (s *Stream) countDisorder(ps []placed) {
	var have intervals
	var furthest int64
	for _, p := range ps {
		if len(have) > maxHoles {
			return
		}
		end := p.off + int64(len(p.seg.data))
		switch {
		case have.covers(p.off, end):
			s.Retransmitted++
		case p.off < furthest:
			s.OutOfOrder++
		}
		have.add(p.off, end)
		furthest = max(furthest, end)
	}
}

// TimeAt returns when the byte at off of Data arrived.
func (s *Stream) TimeAt(off int) time.Time {
	i := sort.Search(len(s.chunks), func(i int) bool { return s.chunks[i].off > off })
	if i == 0 {
		return time.Time{}
	}
	return s.chunks[i-1].t
}

// notes says what about the stream of who was not whole.
func (s *Stream) notes(who string) []string {
	var n []string
	if s.Retransmitted > 0 {
		n = append(n, fmt.Sprintf("the %s's stream: %d retransmitted segments, their bytes kept once", who, s.Retransmitted))
	}
	if s.OutOfOrder > 0 {
		n = append(n, fmt.Sprintf("the %s's stream: %d segments came out of order and were put back in place", who, s.OutOfOrder))
	}
	if s.Missing > 0 {
		n = append(n, fmt.Sprintf("the %s's stream: %d bytes are missing after byte %d (packets the capture lost): what the %s sent after them cannot be read", who, s.Missing, len(s.Data), who))
	}
	if s.Dropped > 0 {
		n = append(n, fmt.Sprintf("the %s's stream: only the first %d bytes are kept, %d more are not", who, MaxStreamBytes, s.Dropped))
	}
	return n
}

// intervals is a set of byte ranges [start, end), merged and sorted.
type intervals [][2]int64

// covers reports whether [start, end) is inside the set.
func (iv intervals) covers(start, end int64) bool {
	for _, r := range iv {
		if r[0] <= start && end <= r[1] {
			return true
		}
	}
	return false
}

// add puts [start, end) into the set.
func (iv *intervals) add(start, end int64) {
	out := (*iv)[:0:0]
	for _, r := range *iv {
		if r[1] < start || end < r[0] {
			out = append(out, r)
			continue
		}
		start, end = min(start, r[0]), max(end, r[1])
	}
	out = append(out, [2]int64{start, end})
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	*iv = out
}
