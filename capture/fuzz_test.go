package capture

import (
	"bytes"
	"testing"
)

// FuzzRead: any bytes as a capture file are read and explained without a
// panic, and memory stays bounded by the input (pcapgo allocates what a
// packet header claims; Read must not let it claim more than the file).
func FuzzRead(f *testing.F) {
	writes, keylog := handshake(f, 0, 0)
	// Small seeds: the fuzzer minimizes what it finds new, and that
	// costs time in proportion to the input.
	ps := segmentsOf(writes, 400)
	f.Add(pcapOf(f, ps[:7]))
	f.Add(pcapngOf(f, ps[:7]))
	f.Add(pcapOf(f, ps[5:9]))
	kl, err := ParseKeyLog(bytes.NewReader(keylog))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		c, err := Read(bytes.NewReader(file))
		if err != nil {
			return
		}
		for _, x := range c.Explain(kl) {
			_ = x.Events
		}
	})
}

// FuzzKeyLog: any bytes as a key log parse without a panic.
func FuzzKeyLog(f *testing.F) {
	f.Add([]byte("CLIENT_RANDOM 00 11\n# x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseKeyLog(bytes.NewReader(b))
	})
}
