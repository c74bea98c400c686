package main

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/cmd/padlock/internal/hello"
	"padlock/cmd/padlock/internal/httpfp"
)

// akamaiShape is what any Akamai HTTP/2 fingerprint looks like.
var akamaiShape = regexp.MustCompile(`^(\d+:\d+(;\d+:\d+)*)?\|(00|\d+)\|(0|\d+:[01]:\d+:\d+(,\d+:[01]:\d+:\d+)*)\|[masp](,[masp]){3}$`)

// apiHTTP is what the tests read of the report's permalink and HTTP
// layer.
type apiHTTP struct {
	JA4       string       `json:"ja4"`
	Permalink string       `json:"permalink"`
	SavedAt   string       `json:"saved_at"`
	HTTP      httpfp.Layer `json:"http"`
	Verdict   verdict      `json:"verdict"`
}

func getAPI(t *testing.T, client *http.Client, url string) apiHTTP {
	t.Helper()
	code, body := get(t, client, url)
	var rep apiHTTP
	if err := json.Unmarshal([]byte(body), &rep); code != http.StatusOK || err != nil {
		t.Fatalf("GET %s: %d, %v\n%.1000s", url, code, err, body)
	}
	return rep
}

// headerNames lists the names of hs, in order.
func headerNames(hs []httpfp.Header) string {
	var names []string
	for _, h := range hs {
		names = append(names, h.Name)
	}
	return strings.Join(names, " ")
}

// TestServeHTTPLayer checks the HTTP section of the report for an
// HTTP/1.1 client (padlock's) and an HTTP/2 one (crypto/tls under
// net/http), then the permalinks of their results.
func TestServeHTTPLayer(t *testing.T) {
	base, caPath := serveBase(t)
	pool, err := loadPool(caPath)
	if err != nil {
		t.Fatal(err)
	}
	h1 := getAPI(t, padlockHTTP(&padlock.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}}), base+"/api/handshake")
	if h1.HTTP.Protocol != "HTTP/1.1" || !h1.HTTP.Complete || h1.HTTP.HTTP2 != nil || h1.HTTP.UserAgent != "Go-http-client/1.1" ||
		!strings.HasPrefix(headerNames(h1.HTTP.Headers), "Host User-Agent") {
		t.Errorf("HTTP/1.1: %+v", h1.HTTP)
	}
	if h1.Verdict.Word != "excellent" || !strings.HasPrefix(h1.Verdict.Text, "Your client's TLS is excellent, because ") {
		t.Errorf("verdict %+v", h1.Verdict)
	}

	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: pool}}}
	h2 := getAPI(t, hc, base+"/api/handshake")
	if h2.HTTP.Protocol != "HTTP/2" || !h2.HTTP.Complete || h2.HTTP.HTTP2 == nil || h2.HTTP.UserAgent != "Go-http-client/2.0" {
		t.Fatalf("HTTP/2: %+v", h2.HTTP)
	}
	if fp := h2.HTTP.HTTP2.Akamai; !akamaiShape.MatchString(fp) || len(h2.HTTP.HTTP2.Settings) == 0 || len(h2.HTTP.HTTP2.PseudoHeaderOrder) != 4 {
		t.Errorf("HTTP/2 of Go's client: %+v", h2.HTTP.HTTP2)
	}
	if !strings.HasPrefix(headerNames(h2.HTTP.Headers), strings.Join(h2.HTTP.HTTP2.PseudoHeaderOrder, " ")) {
		t.Errorf("headers %s: the pseudo-headers do not come first", headerNames(h2.HTTP.Headers))
	}
	t.Logf("Go's HTTP/2 client: %s", h2.HTTP.HTTP2.Akamai)

	// The first result is kept: as JSON, and as a page that says whose.
	if !regexp.MustCompile(`^/r/[A-Za-z0-9_-]{22}$`).MatchString(h1.Permalink) || h1.SavedAt == "" {
		t.Fatalf("permalink %q, saved at %q", h1.Permalink, h1.SavedAt)
	}
	id := strings.TrimPrefix(h1.Permalink, "/r/")
	kept := getAPI(t, hc, base+"/api/handshake/"+id)
	if kept.JA4 != h1.JA4 || kept.HTTP.UserAgent != "Go-http-client/1.1" || kept.Permalink != h1.Permalink {
		t.Errorf("kept result: %+v, want %+v", kept, h1)
	}
	code, page := get(t, hc, base+h1.Permalink)
	if code != http.StatusOK || !strings.Contains(page, "A saved result") || !strings.Contains(page, h1.JA4) {
		t.Errorf("GET %s: %d\n%.2000s", h1.Permalink, code, page)
	}
	for _, bad := range []string{"/r/nosuchresult", "/api/handshake/nosuchresult"} {
		if code, _ := get(t, hc, base+bad); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, code)
		}
	}
}

func TestResultStore(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := newResultStore(2, time.Hour, func() time.Time { return now })
	s.put("a", visitorReport{JA4: "a"})
	s.put("b", visitorReport{JA4: "b"})
	if _, ok := s.get("a"); !ok { // a is now the most recently used
		t.Fatal("a not kept")
	}
	s.put("c", visitorReport{JA4: "c"})
	if _, ok := s.get("b"); ok {
		t.Error("b kept beyond the cap: it was the least recently used")
	}
	if v, ok := s.get("a"); !ok || v.JA4 != "a" {
		t.Error("a dropped")
	}
	now = now.Add(time.Hour)
	if _, ok := s.get("c"); ok {
		t.Error("c kept past its time")
	}
	if len(s.byID) != 1 || s.order.Len() != 1 {
		t.Errorf("%d results held, want 1", len(s.byID))
	}
	if a, b := newResultID(), newResultID(); a == b || len(a) != 22 {
		t.Errorf("result IDs %q, %q", a, b)
	}
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		v    visitorReport
		want string
	}{
		{visitorReport{connReport: connReport{Version: "TLS 1.3", Group: "X25519MLKEM768"}, Rating: hello.Rating{Grade: "A"},
			HTTP: httpfp.Layer{UserAgent: "Mozilla/5.0"}},
			"Your browser's TLS is excellent, because this connection uses TLS 1.3 with X25519MLKEM768, a post-quantum key exchange, and its offer holds nothing obsolete."},
		{visitorReport{connReport: connReport{Version: "TLS 1.3", Group: "X25519"},
			Rating: hello.Rating{Grade: "B", Reasons: []hello.Reason{{Cap: "A", Text: "Good."}, {Cap: "B", Text: "Offers SHA-1 signatures."}}}},
			"Your client's TLS is fine, because this connection uses TLS 1.3 with X25519, but its offer has a weakness: it offers SHA-1 signatures."},
		{visitorReport{connReport: connReport{Version: "TLS 1.2", Group: "X25519"}, Rating: hello.Rating{Grade: "C", Reasons: []hello.Reason{{Cap: "C", Text: "Does not offer TLS 1.3."}}}},
			"Your client's TLS is weak, because it does not offer TLS 1.3."},
		{visitorReport{connReport: connReport{Version: "TLS 1.2", Group: "X25519"}, Rating: hello.Rating{Grade: "A"},
			Choices: []choice{{Parameter: "extended master secret", Value: "no", Weak: true}}},
			"Your client's TLS is weak, because this TLS 1.2 connection has no extended master secret (RFC 7627): a man in the middle could make another session share its master secret (the triple handshake attack)."},
		{visitorReport{}, ""},
	} {
		if got := newVerdict(&tc.v).Text; got != tc.want {
			t.Errorf("verdict\n got %q\nwant %q", got, tc.want)
		}
	}
}
