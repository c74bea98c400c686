package interop

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"padlock"
)

// cellResult is the outcome of one cell against one peer.
type cellResult struct {
	status string // "ok", "FAIL", "n/a" or "skip"
	reason string // why n/a or skip
}

// matrixResults collects outcomes as cells finish, in parallel.
type matrixResults struct {
	mu     sync.Mutex
	blocks map[string]string // block title → peer version, or why it did not run
	cells  map[string]cellResult
}

func newMatrixResults() *matrixResults {
	return &matrixResults{blocks: map[string]string{}, cells: map[string]cellResult{}}
}

func (r *matrixResults) setBlock(block, note string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.blocks[block] = note
}

func (r *matrixResults) set(block, name string, cr cellResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cells[block+"\x00"+name] = cr
}

func (r *matrixResults) get(block, name string) (cellResult, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cr, ok := r.cells[block+"\x00"+name]
	return cr, ok
}

// notApplicable records that the cell does not apply and why, and skips
// it with that reason.
func (r *matrixResults) notApplicable(t *testing.T, block, name, reason string) {
	t.Helper()
	r.set(block, name, cellResult{"n/a", reason})
	t.Skip("not applicable: " + reason)
}

// finish records how a cell that ran ended.
func (r *matrixResults) finish(t *testing.T, block, name string) {
	switch {
	case t.Failed():
		r.set(block, name, cellResult{status: "FAIL"})
	case t.Skipped():
		r.set(block, name, cellResult{"skip", "skipped: the test log says why"})
	default:
		r.set(block, name, cellResult{status: "ok"})
	}
}

// grid is one table of a block: rows of cells under column headings.
type grid struct {
	corner string
	cols   []string
	rows   []string
	cells  map[[2]string]string // {row, col} → cell name
}

func (g *grid) add(row, col, name string) {
	if !slices.Contains(g.rows, row) {
		g.rows = append(g.rows, row)
	}
	if !slices.Contains(g.cols, col) {
		g.cols = append(g.cols, col)
	}
	g.cells[[2]string{row, col}] = name
}

// matrixGrids lays the design out as the tables every block prints.
func matrixGrids(design []cell) []*grid {
	newGrid := func(corner string) *grid { return &grid{corner: corner, cells: map[[2]string]string{}} }
	s13, s12 := newGrid("TLS 1.3 suite \\ group"), newGrid("TLS 1.2 suite \\ group")
	certs, feats := newGrid("certificate"), newGrid("feature")
	for _, c := range design {
		version := padlock.VersionName(c.vers)
		switch c.axis {
		case axisSuites:
			g, col := s13, "none"
			if c.vers == padlock.VersionTLS12 {
				g = s12
			}
			if c.group != 0 {
				col = c.group.String()
			}
			g.add(padlock.CipherSuiteName(c.suite), col, c.name())
		case axisCerts:
			certs.add(version, c.cert.String(), c.name())
		case axisFeatures:
			feats.add(version, c.feature(), c.name())
		}
	}
	return []*grid{s13, s12, certs, feats}
}

// footnotes numbers the reasons of n/a and skipped cells.
type footnotes struct{ reasons []string }

func (f *footnotes) ref(reason string) int {
	if i := slices.Index(f.reasons, reason); i >= 0 {
		return i + 1
	}
	f.reasons = append(f.reasons, reason)
	return len(f.reasons)
}

// renderMatrix prints every block's tables, the reasons behind n/a and
// skipped cells, and a count of outcomes.
func renderMatrix(peers []matrixPeer, design []cell, res *matrixResults) string {
	var b strings.Builder
	var notes footnotes
	counts := map[string]int{}
	grids := matrixGrids(design)
	b.WriteString("\n=== padlock interop matrix (ok: passed; n/a[k], skip[k]: see note k; FAIL; -: not run) ===\n")
	for _, p := range peers {
		block := p.title()
		res.mu.Lock()
		note, ran := res.blocks[block]
		res.mu.Unlock()
		for name := range matrixNames(design) {
			cr, ok := res.get(block, name)
			if !ok {
				cr.status = "not run"
			}
			counts[cr.status]++
		}
		if !ran || strings.HasSuffix(note, " not found") {
			if !ran {
				note = "not run"
			}
			fmt.Fprintf(&b, "\n## %s  (%s: no cell run)\n", block, note)
			continue
		}
		fmt.Fprintf(&b, "\n## %s  (%s)\n", block, note)
		for _, g := range grids {
			writeGrid(&b, g, func(name string) string {
				cr, ok := res.get(block, name)
				if !ok {
					return "-"
				}
				if cr.reason != "" {
					return fmt.Sprintf("%s[%d]", cr.status, notes.ref(cr.reason))
				}
				return cr.status
			})
		}
	}
	b.WriteString("\nnotes:\n")
	for i, r := range notes.reasons {
		fmt.Fprintf(&b, "  [%d] %s\n", i+1, r)
	}
	// A handshake shown in two tables counts once.
	fmt.Fprintf(&b, "cells: %d ok, %d FAIL, %d n/a, %d skip, %d not run\n",
		counts["ok"], counts["FAIL"], counts["n/a"], counts["skip"], counts["not run"])
	return b.String()
}

// matrixNames are the distinct cells of the design.
func matrixNames(design []cell) map[string]bool {
	names := map[string]bool{}
	for _, c := range design {
		names[c.name()] = true
	}
	return names
}

// writeGrid writes one table with aligned columns; a blank is no cell
// (an RSA key transport suite has no group).
func writeGrid(b *strings.Builder, g *grid, status func(name string) string) {
	table := [][]string{append([]string{g.corner}, g.cols...)}
	for _, row := range g.rows {
		line := []string{row}
		for _, col := range g.cols {
			s := ""
			if name, ok := g.cells[[2]string{row, col}]; ok {
				s = status(name)
			}
			line = append(line, s)
		}
		table = append(table, line)
	}
	widths := make([]int, len(table[0]))
	for _, line := range table {
		for i, s := range line {
			widths[i] = max(widths[i], len(s))
		}
	}
	for _, line := range table {
		var l strings.Builder
		for i, s := range line {
			fmt.Fprintf(&l, "  %-*s", widths[i], s)
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
}
