package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// MaxSnaplen bounds the bytes read for one packet of a pcap file: no
// capture tool keeps more than 262144 (tcpdump's default), and a larger
// snap length in a file's header would let one packet claim gigabytes.
const MaxSnaplen = 262144

// ErrNotCapture is the error of Read for input that is neither a pcap nor
// a pcapng file.
var ErrNotCapture = errors.New("capture: not a pcap or pcapng file")

// Capture is what Read found in a file: its TCP connections, each put
// back together, and notes about the file itself.
type Capture struct {
	Format   string // "pcap" or "pcapng"
	LinkType string // the link layer of the packets, e.g. "Ethernet"
	Packets  int    // packets read
	Conns    []*Conn
	// Notes say what in the file could not be read, and why: a file
	// that ends in the middle of a packet, packets that are not TCP.
	Notes []string
}

// packetSource is what pcapgo's two readers have in common.
type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// Read reads a whole pcap or pcapng file from r and reassembles its TCP
// connections. A file that is damaged or cut short gives the packets
// before the damage and a note; only input that is no capture at all, or
// whose link layer padlock cannot decode, is an error.
func Read(r io.Reader) (*Capture, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	c := &Capture{}
	src, err := c.open(data)
	if err != nil {
		return nil, err
	}
	c.LinkType = src.LinkType().String()
	if !decodable(src.LinkType()) {
		return nil, fmt.Errorf("capture: link type %s: padlock reads Ethernet, Linux cooked, loopback and raw IP captures", c.LinkType)
	}
	t := newTracker(src.LinkType())
	c.readPackets(src, t)
	c.Conns = t.finish()
	return c, nil
}

// open picks the reader for data by its magic number. A pcapng file is
// first checked block by block, and cut at the first damaged block, so
// that no block can make the reader allocate more than the file holds.
func (c *Capture) open(data []byte) (src packetSource, err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, fmt.Errorf("%w: the file header is damaged (%v)", ErrNotCapture, p)
		}
	}()
	if len(data) >= 4 && bytes.Equal(data[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		c.Format = "pcapng"
		good, note := checkNgBlocks(data)
		if note != "" {
			c.Notes = append(c.Notes, note)
		}
		ng, err := pcapgo.NewNgReader(bytes.NewReader(data[:good]), pcapgo.NgReaderOptions{})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotCapture, err)
		}
		return ng, nil
	}
	c.Format = "pcap"
	pr, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCapture, err)
	}
	if pr.Snaplen() > MaxSnaplen || pr.Snaplen() == 0 {
		pr.SetSnaplen(MaxSnaplen)
	}
	return pr, nil
}

// readPackets feeds every packet of src to t, until the end of the file
// or the first packet that cannot be read.
func (c *Capture) readPackets(src packetSource, t *tracker) {
	var skipped, cut int
	defer func() {
		if p := recover(); p != nil {
			c.Notes = append(c.Notes, fmt.Sprintf("the file is damaged after packet %d (%v): the packets after it are not read", c.Packets, p))
		}
		c.summarize(skipped, cut)
	}()
	for {
		data, ci, err := src.ReadPacketData()
		if err == io.EOF {
			return
		}
		if err != nil {
			c.Notes = append(c.Notes, readNote(c.Packets, err))
			return
		}
		c.Packets++
		if ci.CaptureLength < ci.Length {
			cut++
		}
		if !t.add(data, ci.Timestamp) {
			skipped++
		}
	}
}

// readNote says why reading stopped early.
func readNote(packets int, err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("the file ends in the middle of packet %d (it was cut short, or the capture was still being written): the packets before it are explained", packets+1)
	}
	return fmt.Sprintf("packet %d cannot be read (%v): the packets before it are explained", packets+1, err)
}

// summarize adds the notes on packets that were not used whole.
func (c *Capture) summarize(skipped, cut int) {
	if skipped > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d of %d packets are not TCP over IP (or are IP fragments) and were skipped", skipped, c.Packets))
	}
	if cut > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d packets were cut short by the capture's snap length: the bytes they lost are missing from their streams", cut))
	}
}

// decodable reports whether padlock can find IP packets in frames of the
// link type lt.
func decodable(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeNull, layers.LinkTypeLoop,
		layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		return true
	}
	return false
}
