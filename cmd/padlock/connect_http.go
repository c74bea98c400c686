package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"padlock"
	"padlock/trace"
)

// parseHTTPSURL reads a target given as https://HOST[:PORT][/PATH]; ok
// is false for a target that is not a URL.
func parseHTTPSURL(target string) (*url.URL, bool, error) {
	if !strings.Contains(target, "://") {
		return nil, false, nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, false, fmt.Errorf("bad URL %q: %v", target, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, false, fmt.Errorf("bad URL %q: want https://HOST[:PORT][/PATH]", target)
	}
	return u, true, nil
}

// maxHTTPBody bounds the body connect prints.
const maxHTTPBody = 1 << 20

// httpExchange sends a GET for the path and writes the response's status
// line and headers to out (and, with --quiet, the body alone, as curl
// does), within --timeout.
func (r *connectRun) httpExchange(conn *padlock.Conn, out io.Writer) error {
	conn.SetDeadline(time.Now().Add(r.o.timeout))
	req := "GET " + r.o.httpPath + " HTTP/1.1\r\nHost: " + r.o.httpHost + "\r\nUser-Agent: " + userAgent() +
		"\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return r.readError(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return r.readError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody))
	if r.o.quiet {
		out.Write(body)
	} else {
		fmt.Fprintf(out, "%s\nHTTP response to GET %s\n  %s %s\n", rule, trace.Printable(r.o.httpPath), resp.Proto, resp.Status)
		for _, k := range slices.Sorted(maps.Keys(resp.Header)) {
			for _, v := range resp.Header[k] {
				fmt.Fprintf(out, "  %s: %s\n", k, trace.Printable(v))
			}
		}
		fmt.Fprintf(out, "  (%d bytes of body)\n", len(body))
	}
	if err != nil {
		return r.readError(err)
	}
	return nil
}

// userAgent is connect's User-Agent: padlock, with the module's
// version when the build recorded one.
func userAgent() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return "padlock/" + strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "padlock"
}
