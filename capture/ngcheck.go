package capture

import (
	"encoding/binary"
	"fmt"
)

// pcapng block types whose lengths checkNgBlocks checks (the pcapng
// specification, draft-ietf-opsawg-pcapng, section 4).
const (
	ngSectionHeader  = 0x0a0d0d0a
	ngPacket         = 0x00000002 // obsolete, still read
	ngSimplePacket   = 0x00000003
	ngEnhancedPacket = 0x00000006
	ngByteOrderMagic = 0x1a2b3c4d
)

// checkNgBlocks walks the blocks of a pcapng file and returns how many
// bytes of it hold whole, consistent blocks, and a note when that is not
// all of them. pcapgo trusts a packet block's captured length and
// allocates it before reading; this walk makes sure that every length
// it will see fits inside its block, and its block inside the file.
func checkNgBlocks(data []byte) (good int, note string) {
	var order binary.ByteOrder = binary.LittleEndian
	for off := 0; off < len(data); {
		rest := data[off:]
		if len(rest) < 12 {
			return off, cutNote(off, "the last block is cut short")
		}
		if binary.BigEndian.Uint32(rest) == ngSectionHeader {
			switch binary.LittleEndian.Uint32(rest[8:]) {
			case ngByteOrderMagic:
				order = binary.LittleEndian
			default:
				order = binary.BigEndian
			}
		}
		typ, n := order.Uint32(rest), order.Uint32(rest[4:])
		if n < 12 || n%4 != 0 || uint64(n) > uint64(len(rest)) {
			return off, cutNote(off, fmt.Sprintf("a block claims %d bytes where %d remain", n, len(rest)))
		}
		if !ngLengthsFit(typ, rest[:n], order) {
			return off, cutNote(off, "a packet block claims more bytes than it holds")
		}
		off += int(n)
	}
	return len(data), ""
}

// ngLengthsFit reports whether the packet a block holds fits inside it.
func ngLengthsFit(typ uint32, block []byte, order binary.ByteOrder) bool {
	switch typ {
	case ngEnhancedPacket, ngPacket:
		// type, length, interface, timestamp (8), captured, original:
		// 28 bytes, then the packet, options and the trailing length.
		return len(block) >= 32 && uint64(order.Uint32(block[20:])) <= uint64(len(block)-32)
	case ngSimplePacket:
		return len(block) >= 16 && uint64(order.Uint32(block[8:])) <= uint64(len(block)-16)
	}
	return true
}

func cutNote(off int, why string) string {
	return fmt.Sprintf("the file is damaged or cut short at byte %d (%s): the packets before it are explained", off, why)
}
