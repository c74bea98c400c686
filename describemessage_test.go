package padlock

import (
	"net"
	"testing"
	"time"

	"padlock/trace"
)

// TestDescribeMessage explains a ClientHello as it crossed the wire, the
// way the tracer does, and a message that does not parse.
func TestDescribeMessage(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	go Client(a, &Config{ServerName: "example.com"}).Handshake()
	buf := make([]byte, 1<<14)
	b.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := b.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	hello := buf[5:n] // the record's body: the ClientHello
	e, err := DescribeMessage(hello, trace.Client, false)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "ClientHello" || e.Step != trace.StepHello || e.Side != trace.Client || e.Dir != trace.Sent ||
		e.Kind != trace.KindMessage || e.Field("server_name") != "example.com" || len(e.Layout) == 0 || e.Explain == "" {
		t.Errorf("%+v", e)
	}
	bad, err := DescribeMessage(hello[:40], trace.Client, false)
	if err == nil || bad.Name != "ClientHello" || len(bad.Raw) != 40 {
		t.Errorf("truncated ClientHello: %v, %+v", err, bad)
	}
	if _, err := DescribeMessage(nil, trace.Server, true); err == nil {
		t.Error("empty message: no error")
	}
}
