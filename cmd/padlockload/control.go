package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// stats is what the server's control port reports at /stats.
type stats struct {
	Stack        stack  `json:"stack"`
	Memory       memory `json:"memory"`
	Open         int64  `json:"open"`
	Handshakes   int64  `json:"handshakes"`
	Failures     int64  `json:"failures"`
	AcceptErrors int64  `json:"accept_errors"`
	Goroutines   int    `json:"goroutines"`
}

// startControl serves /stats (with ?settle=1, after collecting garbage)
// and /ca.pem over plain HTTP on addr.
func startControl(addr string, s *server, caPEM []byte) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	// The profiles show where an idle connection's memory goes:
	// go tool pprof http://CONTROL/debug/pprof/heap
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /ca.pem", func(w http.ResponseWriter, r *http.Request) { w.Write(caPEM) })
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		m, err := readMemory(r.FormValue("settle") == "1")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(stats{
			Stack: s.stack, Memory: m, Open: s.open.Load(), Handshakes: s.handshakes.Load(),
			Failures: s.failures.Load(), AcceptErrors: s.acceptErrs.Load(), Goroutines: runtime.NumGoroutine(),
		})
	})
	go (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(l)
	return l, nil
}

// controlClient asks a server's control port.
type controlClient struct {
	base string // such as "http://127.0.0.1:1234"
	hc   *http.Client
}

func newControlClient(base string) *controlClient {
	return &controlClient{base: base, hc: &http.Client{Timeout: 30 * time.Second}}
}

func (cc *controlClient) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", cc.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := cc.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %s: %s", path, resp.Status, body)
	}
	return body, err
}

// stats returns the server's figures, settled if asked.
func (cc *controlClient) stats(ctx context.Context, settle bool) (stats, error) {
	path := "/stats"
	if settle {
		path += "?settle=1"
	}
	var st stats
	body, err := cc.get(ctx, path)
	if err == nil {
		err = json.Unmarshal(body, &st)
	}
	return st, err
}
