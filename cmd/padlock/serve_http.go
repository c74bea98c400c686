package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"padlock/cmd/padlock/internal/hello"
	"padlock/trace"
)

// firstBytesKept is how much of what each visitor sends first serve
// keeps for the HTTP section: an HTTP/2 preface, SETTINGS,
// WINDOW_UPDATE and first HEADERS, or an HTTP/1.1 request head, fit.
const firstBytesKept = 8 << 10

func (s *server) routes() http.Handler {
	if s.results == nil {
		s.results = newResultStore(maxResults, resultTTL, s.c.now)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.HandleFunc("GET /api/handshake", s.handleAPI)
	mux.HandleFunc("GET /r/{id}", s.handleSavedPage)
	mux.HandleFunc("GET /api/handshake/{id}", s.handleSavedAPI)
	return mux
}

// visit reports on the request's connection and keeps the report for
// its permalink; ok is false, and the answer sent, when the request did
// not come over padlock.
func (s *server) visit(w http.ResponseWriter, r *http.Request) (v visitorReport, ok bool) {
	if v, ok = s.report(r); !ok {
		http.Error(w, "not a padlock connection", http.StatusInternalServerError)
		return v, false
	}
	id := newResultID()
	v.Permalink, v.SavedAt = "/r/"+id, s.c.now().UTC().Format(time.RFC3339)
	s.results.put(id, v)
	return v, true
}

// saved returns the kept result the request names, or answers 404.
func (s *server) saved(w http.ResponseWriter, r *http.Request) (visitorReport, bool) {
	v, ok := s.results.get(r.PathValue("id"))
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "no such result: results are kept for "+resultTTL.String()+", the latest "+fmt.Sprint(maxResults)+" only", http.StatusNotFound)
	}
	return v, ok
}

func (s *server) handleAPI(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.visit(w, r); ok {
		writeJSON(w, v)
	}
}

func (s *server) handleSavedAPI(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.saved(w, r); ok {
		writeJSON(w, v)
	}
}

func (s *server) handlePage(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.visit(w, r); ok {
		writePage(w, newPageData(v, r.Host, false))
	}
}

func (s *server) handleSavedPage(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.saved(w, r); ok {
		writePage(w, newPageData(v, r.Host, true))
	}
}

func writeJSON(w http.ResponseWriter, v visitorReport) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writePage(w http.ResponseWriter, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The page loads nothing from anywhere: no script, font or image; its
	// style and its diagram are inline.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	pageTemplate.Execute(w, d)
}

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"chip":  chip,
	"hex16": func(v uint16) string { return fmt.Sprintf("0x%04X", v) },
	"bytes": func(n int) string { return plural(n, "byte") },
}).Parse(pageHTML))

// chipState is how the page marks one offered value.
type chipState struct{ Chosen, GREASE bool }

// chip marks it the server's choice if its name is chosen, or GREASE.
func chip(it hello.Item, chosen string) chipState {
	return chipState{Chosen: chosen != "" && strings.EqualFold(it.Name, chosen), GREASE: it.GREASE}
}

// pageData is what the page template renders.
type pageData struct {
	visitorReport
	Offer    hello.Offer
	Steps    []pageStep
	Messages []pageMessage
	Diagram  template.HTML // an inline SVG, its text escaped by trace
	// Saved is true on a permalink's page, which describes the
	// connection of whoever made it, not the reader's.
	Saved bool
	// ShareURL is the permalink in full, ID its last part, and Kept
	// how long it lasts.
	ShareURL, ID, Kept string
}

func newPageData(v visitorReport, host string, saved bool) pageData {
	var svg strings.Builder
	trace.SequenceDiagram(&svg, v.Steps, trace.DiagramOptions{})
	return pageData{
		visitorReport: v,
		Offer:         v.offer,
		Steps:         pageSteps(v.Steps),
		Messages:      pageMessages(v.Steps),
		Diagram:       template.HTML(svg.String()),
		Saved:         saved,
		ShareURL:      "https://" + host + v.Permalink,
		ID:            strings.TrimPrefix(v.Permalink, "/r/"),
		Kept:          plural(int(resultTTL/time.Hour), "hour"),
	}
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
	Warning bool // the step weakens the connection (trace.KindWarning)
}

type pageField struct{ Name, Value string }

// pageSteps turns the server's trace into the visitor's point of view:
// what the server received came from "you".
func pageSteps(events []trace.Event) []pageStep {
	steps := make([]pageStep, len(events))
	for i, e := range events {
		st := pageStep{N: i + 1, Name: e.Name, Explain: e.Explain, Size: len(e.Raw), Warning: e.Kind == trace.KindWarning}
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
