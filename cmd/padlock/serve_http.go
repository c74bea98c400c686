package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"html/template"
	"net"
	"net/http"
	"strings"

	"padlock/trace"
)

// connKey is the request context key of the *servedConn.
type connKey struct{}

// withServedConn is http.Server.ConnContext: it puts the connection, and
// so its trace, where the handlers find it.
func withServedConn(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(*servedConn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("GET /api/handshake", s.handleAPI)
	return mux
}

// visitorReport is a visitor's handshake as the page and the API show it.
type visitorReport struct {
	connReport
	RemoteAddr    string      `json:"remote_addr"`
	ClientOffered clientHello `json:"client_offered"`
}

// clientHello is what the visitor's client offered, from its ClientHello.
type clientHello struct {
	ServerName          string   `json:"server_name"`
	Versions            []string `json:"supported_versions"`
	CipherSuites        []string `json:"cipher_suites"`
	Groups              []string `json:"supported_groups"`
	KeyShares           []string `json:"key_shares"`
	SignatureAlgorithms []string `json:"signature_algorithms"`
	ALPN                []string `json:"alpn"`
	Extensions          []string `json:"extensions"`
}

// report describes the request's connection; ok is false when the
// request did not come over a padlock connection.
func (s *server) report(r *http.Request) (visitorReport, bool) {
	sc, ok := r.Context().Value(connKey{}).(*servedConn)
	if !ok {
		return visitorReport{}, false
	}
	events := sc.rec.Events()
	v := visitorReport{
		connReport: newConnReport(sc.ConnectionState(), events, nil),
		RemoteAddr: sc.RemoteAddr().String(),
	}
	for i := range events {
		if e := &events[i]; e.Name == "ClientHello" && e.Dir == trace.Received {
			v.ClientOffered = clientHello{
				ServerName:          e.Field("server_name"),
				Versions:            splitNames(e.Field("supported_versions")),
				CipherSuites:        splitNames(e.Field("cipher_suites")),
				Groups:              splitNames(e.Field("supported_groups")),
				KeyShares:           splitNames(e.Field("key_shares")),
				SignatureAlgorithms: splitNames(e.Field("signature_algorithms")),
				ALPN:                splitNames(e.Field("alpn")),
				Extensions:          splitNames(e.Field("extensions")),
			}
			if len(v.ClientOffered.Versions) == 0 {
				v.ClientOffered.Versions = splitNames(e.Field("legacy_version"))
			}
		}
	}
	return v, true
}

// splitNames splits a trace field's ", "-separated list; never nil, so
// JSON shows [].
func splitNames(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ", ")
}

func (s *server) handleAPI(w http.ResponseWriter, r *http.Request) {
	v, ok := s.report(r)
	if !ok {
		http.Error(w, "not a padlock connection", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *server) handlePage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.report(r)
	if !ok {
		http.Error(w, "not a padlock connection", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	pageTemplate.Execute(w, pageData{visitorReport: v, Steps: pageSteps(v.Steps)})
}

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"chosen": func(item, chosen string) bool {
		// Key shares read "x25519 (32 bytes)": compare the name only.
		name, _, _ := strings.Cut(item, " (")
		return chosen != "" && strings.EqualFold(name, chosen)
	},
}).Parse(pageHTML))

// pageData is what the page template renders.
type pageData struct {
	visitorReport
	Steps []pageStep
}

// pageStep is one step of the trace as the page shows it.
type pageStep struct {
	N       int
	Who     string // "you → server", "server → you", "the server"
	Class   string // "in", "out" or "local", for the style
	Name    string
	Explain string
	Size    int
	Fields  []pageField
}

type pageField struct{ Name, Value string }

// pageSteps turns the server's trace into the visitor's point of view:
// what the server received came from "you".
func pageSteps(events []trace.Event) []pageStep {
	steps := make([]pageStep, len(events))
	for i, e := range events {
		st := pageStep{N: i + 1, Name: e.Name, Explain: e.Explain, Size: len(e.Raw)}
		switch e.Dir {
		case trace.Received:
			st.Who, st.Class = "you → server", "in"
		case trace.Sent:
			st.Who, st.Class = "server → you", "out"
		default:
			st.Who, st.Class = "the server, by itself", "local"
		}
		for _, f := range e.Fields {
			st.Fields = append(st.Fields, pageField{f.Name, shortValue(f.Value)})
		}
		steps[i] = st
	}
	return steps
}

// shortValue cuts a long hex value to 64 bytes and spaces it in groups
// of four bytes, so it wraps on a phone.
func shortValue(v string) string {
	if len(v) < 16 || len(v)%2 != 0 || strings.Trim(v, "0123456789abcdef") != "" {
		return v
	}
	n := len(v) / 2
	cut := v
	if n > 64 {
		cut = v[:128]
	}
	var b strings.Builder
	for i := 0; i < len(cut); i += 8 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(cut[i:min(i+8, len(cut))])
	}
	if n > 64 {
		b.WriteString(" … (" + plural(n, "byte") + ")")
	}
	return b.String()
}
