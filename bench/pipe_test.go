package bench

import (
	"bytes"
	"io"
	"testing"
)

// TestPipe sends more than the pipe holds one way while the other way
// carries a reply, and checks every byte arrives in order.
func TestPipe(t *testing.T) {
	a, b := Pipe()
	data := make([]byte, 3*pipeCapacity+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	done := make(chan error, 1)
	go func() {
		got := make([]byte, len(data))
		if _, err := io.ReadFull(b, got); err != nil {
			done <- err
			return
		}
		if !bytes.Equal(got, data) {
			t.Error("bytes changed on the way")
		}
		_, err := b.Write([]byte("ok"))
		done <- err
	}()
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1000+len(rest)%7000)
		if _, err := a.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, 2)
	if _, err := io.ReadFull(a, reply); err != nil || string(reply) != "ok" {
		t.Fatalf("reply %q, %v", reply, err)
	}
}

// TestPipeClose checks that the peer reads what was queued before Close,
// then io.EOF, and that writes fail after it; and that Reset reopens.
func TestPipeClose(t *testing.T) {
	a, b := Pipe()
	a.Write([]byte("last words"))
	a.Close()
	got, err := io.ReadAll(b)
	if err != nil || string(got) != "last words" {
		t.Fatalf("ReadAll: %q, %v", got, err)
	}
	if _, err := b.Write([]byte("x")); err == nil {
		t.Error("write to a closed pipe succeeded")
	}
	a.Reset()
	if _, err := b.Write([]byte("again")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(a, buf); err != nil || string(buf) != "again" {
		t.Fatalf("after Reset: %q, %v", buf, err)
	}
}
