package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"padlock/trace"
)

// Row is one Group of a table: the three stacks' results and their
// ratios on the Group's metric.
type Row struct {
	Group     string  `json:"group"`
	Metric    string  `json:"metric"` // the quantity the ratios compare
	Padlock   *Result `json:"padlock,omitempty"`
	CryptoTLS *Result `json:"crypto_tls,omitempty"`
	Floor     *Result `json:"floor,omitempty"`
	// VsCryptoTLS and VsFloor are padlock's metric divided by crypto/tls's
	// and by the floor's; 0 when one of them is missing. Below 1 means
	// padlock needs less (time, memory) or, for throughput, is faster.
	VsCryptoTLS float64 `json:"vs_crypto_tls,omitempty"`
	VsFloor     float64 `json:"vs_floor,omitempty"`
	// AllocsVsCryptoTLS is padlock's allocs/op divided by crypto/tls's.
	AllocsVsCryptoTLS float64  `json:"allocs_vs_crypto_tls,omitempty"`
	Targets           []Target `json:"targets,omitempty"`
	// Note says why a Row has no crypto/tls result when that is not
	// for want of a configuration.
	Note string `json:"note,omitempty"`
}

// Target is one of the goals a Row is held to.
type Target struct {
	Goal string `json:"goal"` // such as "cpu <= 0.85x crypto/tls"
	Met  bool   `json:"met"`
}

// metricOf returns the metric of a Group and how to read it from a Result.
func metricOf(group string) (string, func(*Result) float64) {
	switch {
	case strings.HasPrefix(group, "Handshake"):
		return "cpu-ns/op", func(r *Result) float64 { return r.CPUNsPerOp }
	case strings.HasPrefix(group, "IdleConn"):
		return "idle-B/pair", func(r *Result) float64 { return r.Metrics["idle-B/pair"] }
	case strings.HasPrefix(group, "FirstByte"):
		return "ms/req", func(r *Result) float64 { return r.Metrics["ms/req"] }
	}
	return "ns/op", func(r *Result) float64 { return r.NsPerOp }
}

// Table groups results into Rows, in the order of the results, computes
// the ratios and checks the targets.
func Table(results []Result) []Row {
	var rows []Row
	index := map[string]int{}
	for i := range results {
		r := &results[i]
		if r.Err != "" {
			continue
		}
		k, ok := index[r.Group]
		if !ok {
			k = len(rows)
			index[r.Group] = k
			rows = append(rows, Row{Group: r.Group})
		}
		switch r.Stack {
		case StackPadlock:
			rows[k].Padlock = r
		case StackCryptoTLS:
			rows[k].CryptoTLS = r
		case StackFloor:
			rows[k].Floor = r
		}
	}
	for i := range rows {
		rows[i].compute()
	}
	return rows
}

func (row *Row) compute() {
	metric, get := metricOf(row.Group)
	row.Metric = metric
	if strings.HasPrefix(row.Group, "FirstByte") {
		row.Note = "padlock only: crypto/tls has no 0-RTT outside QUIC"
	}
	if row.Padlock == nil {
		return
	}
	p := get(row.Padlock)
	if row.CryptoTLS != nil && get(row.CryptoTLS) > 0 {
		row.VsCryptoTLS = p / get(row.CryptoTLS)
	}
	if row.Floor != nil && get(row.Floor) > 0 {
		row.VsFloor = p / get(row.Floor)
	}
	if row.CryptoTLS != nil && row.CryptoTLS.AllocsPerOp > 0 {
		row.AllocsVsCryptoTLS = float64(row.Padlock.AllocsPerOp) / float64(row.CryptoTLS.AllocsPerOp)
	}
	row.Targets = targets(row)
}

// targets checks a Row against the goals of padlock's performance work
// (docs/PERFORMANCE.md).
func targets(row *Row) []Target {
	var t []Target
	vsTLS := func(goal string, limit, got float64) {
		if row.CryptoTLS != nil {
			t = append(t, Target{goal, got <= limit})
		}
	}
	switch g := row.Group; {
	case strings.HasSuffix(g, "-cold"):
		// Shown for what the cache of verified chains saves; the goals
		// are those of a client that reuses its Config, as clients do.
	case strings.HasPrefix(g, "Handshake"):
		if !strings.HasSuffix(g, "/resumed") { // the CPU goal is the full handshake's
			vsTLS("cpu <= 0.85x crypto/tls", 0.85, row.VsCryptoTLS)
		}
		vsTLS("allocs <= 0.5x crypto/tls", 0.5, row.AllocsVsCryptoTLS)
	case strings.HasPrefix(g, "Bulk"):
		vsTLS("throughput >= crypto/tls", 1, row.VsCryptoTLS)
		if strings.HasSuffix(g, "/"+overPipe) && row.Floor != nil {
			t = append(t, Target{"throughput >= 0.9x raw AEAD", row.VsFloor <= 1/0.9})
		}
		t = append(t, Target{"0 allocs/op", row.Padlock.AllocsPerOp == 0})
	case strings.HasPrefix(g, "Echo"):
		t = append(t, Target{"0 allocs/op", row.Padlock.AllocsPerOp == 0})
	case strings.HasPrefix(g, "IdleConn"):
		vsTLS("memory <= 0.5x crypto/tls", 0.5, row.VsCryptoTLS)
	}
	return t
}

// WriteTable prints rows as a text table that fits a terminal of 100
// columns: for each Group, the metric, the ratios padlock / crypto/tls
// and padlock / floor, the metric of each stack (tls: crypto/tls) and padlock's and
// crypto/tls's allocations; the targets and the Row's note go on an
// indented line below. WriteWideTable has every column on one line.
func WriteTable(w io.Writer, rows []Row) error {
	tw := &tableWriter{}
	tw.add("benchmark", "metric", "pl/tls", "pl/floor", "padlock", "tls", "floor", "allocs pl/tls")
	var notes []string
	for _, r := range rows {
		_, get := metricOf(r.Group)
		tw.add(r.Group, r.Metric, ratio(r.VsCryptoTLS), ratio(r.VsFloor),
			value(r.Padlock, get), value(r.CryptoTLS, get), value(r.Floor, get),
			count(r.Padlock, allocsPerOp)+"/"+count(r.CryptoTLS, allocsPerOp))
		notes = append(notes, rowNote(r))
	}
	return tw.writeWithNotes(w, notes)
}

// WriteWideTable prints rows as WriteTable does, with ns/op and B/op of
// each stack too and the targets in the last column, one line a row:
// some 190 columns.
func WriteWideTable(w io.Writer, rows []Row) error {
	tw := &tableWriter{}
	tw.add("benchmark", "metric", "pl/tls", "pl/floor", "padlock", "crypto/tls", "floor",
		"ns/op pl", "ns/op tls", "B/op pl", "B/op tls", "allocs pl", "allocs tls", "targets")
	for _, r := range rows {
		_, get := metricOf(r.Group)
		tw.add(r.Group, r.Metric, ratio(r.VsCryptoTLS), ratio(r.VsFloor),
			value(r.Padlock, get), value(r.CryptoTLS, get), value(r.Floor, get),
			value(r.Padlock, nsPerOp), value(r.CryptoTLS, nsPerOp),
			count(r.Padlock, bytesPerOp), count(r.CryptoTLS, bytesPerOp),
			count(r.Padlock, allocsPerOp), count(r.CryptoTLS, allocsPerOp), rowNote(r))
	}
	return tw.write(w)
}

// rowNote is a Row's targets and note, in words.
func rowNote(r Row) string {
	return strings.Join(slices.DeleteFunc([]string{targetText(r.Targets), r.Note}, func(s string) bool { return s == "" }), "; ")
}

func nsPerOp(r *Result) float64   { return r.NsPerOp }
func bytesPerOp(r *Result) int64  { return r.BytesPerOp }
func allocsPerOp(r *Result) int64 { return r.AllocsPerOp }
func ratio(x float64) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", x)
}

func value(r *Result, get func(*Result) float64) string {
	if r == nil {
		return "-"
	}
	return human(get(r))
}

func count(r *Result, get func(*Result) int64) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprint(get(r))
}

// human prints a quantity with about three significant digits, and a k,
// M or G from ten thousand up.
func human(x float64) string {
	for _, u := range []struct {
		from, scale float64
		suffix      string
	}{{1e9, 1e9, "G"}, {1e6, 1e6, "M"}, {1e4, 1e3, "k"}} {
		if math.Abs(x) >= u.from {
			return trim(x/u.scale) + u.suffix
		}
	}
	return trim(x)
}

// trim prints x with three significant digits, without an exponent.
func trim(x float64) string {
	switch a := math.Abs(x); {
	case a >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func targetText(ts []Target) string {
	var parts []string
	for _, t := range ts {
		mark := "ok"
		if !t.Met {
			mark = "MISSED"
		}
		parts = append(parts, t.Goal+": "+mark)
	}
	return strings.Join(parts, "; ")
}

// AllMet reports whether every target of every row is met.
func AllMet(rows []Row) bool {
	for _, r := range rows {
		for _, t := range r.Targets {
			if !t.Met {
				return false
			}
		}
	}
	return true
}

// tableWriter lays out columns of text, left-aligned.
type tableWriter struct{ rows [][]string }

func (t *tableWriter) add(cells ...string) { t.rows = append(t.rows, cells) }

// writeWithNotes writes the table with notes[i], when not empty, on an
// indented line of its own, wrapped at 100 columns, below row i+1.
func (t *tableWriter) writeWithNotes(w io.Writer, notes []string) error {
	var b strings.Builder
	lines := strings.SplitAfter(t.format(), "\n")
	b.WriteString(lines[0])
	for i, line := range lines[1:] {
		b.WriteString(line)
		if i < len(notes) && notes[i] != "" {
			for _, l := range trace.Wrap(notes[i], 96) {
				b.WriteString("    " + l + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *tableWriter) write(w io.Writer) error {
	_, err := io.WriteString(w, t.format())
	return err
}

// format lays the rows out in aligned columns.
func (t *tableWriter) format() string {
	width := make([]int, len(t.rows[0]))
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c + strings.Repeat(" ", width[i]-len(c)+2))
		}
		b.WriteString("\n")
	}
	return b.String()
}
