package interop

import (
	"net"
	"sync"
	"testing"
	"time"

	"padlock"
)

// handshakeResult is what a padlock server saw of one connection.
type handshakeResult struct {
	state padlock.ConnectionState
	err   error
}

// serveHandshakes serves cfg on a loopback port for a peer that connects
// once or more: each connection is handshaked, sent greeting when it is
// not nil, and closed. stop ends the server and returns what it saw of
// each connection, in order.
func serveHandshakes(t *testing.T, cfg *padlock.Config, greeting []byte) (addr string, stop func() []handshakeResult) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := padlock.NewListener(inner, cfg)
	var mu sync.Mutex
	var results []handshakeResult
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			pc := c.(*padlock.Conn)
			pc.SetDeadline(time.Now().Add(ioTimeout))
			err = pc.Handshake()
			if err == nil && greeting != nil {
				pc.Write(greeting)
			}
			mu.Lock()
			results = append(results, handshakeResult{pc.ConnectionState(), err})
			mu.Unlock()
			pc.Close()
		}
	}()
	stop = func() []handshakeResult {
		inner.Close()
		wg.Wait()
		return results
	}
	t.Cleanup(func() { inner.Close() })
	return inner.Addr().String(), stop
}

// completed returns the states of the connections whose handshake
// succeeded.
func completed(results []handshakeResult) []padlock.ConnectionState {
	var states []padlock.ConnectionState
	for _, r := range results {
		if r.err == nil {
			states = append(states, r.state)
		}
	}
	return states
}
