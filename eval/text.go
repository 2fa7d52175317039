// Package eval measures shopguard's detectors on labelled data: the share of rows each
// detector flags, by source, label and type, and how often it names the right scam type.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/text"
)

// TextRow is one labelled line of a text evaluation set: a text or messages as the scan
// input takes them, with its label ("scam", "spam", "ok"), type and source.
type TextRow struct {
	text.Input
	Label  string `json:"label"`
	Type   string `json:"type"`
	Source string `json:"source"`
}

// TextGroup is the tally of one source, label and type: how many rows, how many the detector
// flagged (risk medium or high), and how many of those it named the row's type for.
type TextGroup struct {
	Source   string `json:"source"`
	Label    string `json:"label"`
	Type     string `json:"type,omitempty"`
	Rows     int    `json:"rows"`
	Flagged  int    `json:"flagged"`
	TypeHits int    `json:"type_hits"`
}

// FlaggedShare returns the share of rows flagged, 0 to 1.
func (g TextGroup) FlaggedShare() float64 { return share(g.Flagged, g.Rows) }

// TypeShare returns the share of rows whose type the detector named, 0 to 1.
func (g TextGroup) TypeShare() float64 { return share(g.TypeHits, g.Rows) }

func share(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// TextReport is the outcome of a text evaluation: one group per source, label and type, in a
// stable order, and the lines that could not be read.
type TextReport struct {
	Groups []TextGroup `json:"groups"`
	Bad    int         `json:"bad_lines"`
}

// Scanner checks a conversation: a *text.Detector alone, or combine.Checks, which adds the
// link check, as the doors run it.
type Scanner interface {
	Scan(msgs []text.Message) text.Result
}

// EvalText scans every line of r (JSON Lines of TextRow) with d and tallies the outcome.
// knownType tells which row types are scam-type ids the detector can name; the type hit rate
// is counted only for those.
func EvalText(d Scanner, r io.Reader, knownType func(string) bool) (TextReport, error) {
	groups := map[[3]string]*TextGroup{}
	var rep TextReport
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), text.MaxBytes+64*1024)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var row TextRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			rep.Bad++
			continue
		}
		if err := row.Validate(); err != nil {
			rep.Bad++
			continue
		}
		key := [3]string{row.Source, row.Label, row.Type}
		g := groups[key]
		if g == nil {
			g = &TextGroup{Source: row.Source, Label: row.Label, Type: row.Type}
			groups[key] = g
		}
		res := d.Scan(row.Conversation())
		g.Rows++
		if res.Risk != shopguard.RiskLow {
			g.Flagged++
		}
		if row.Type != "" && knownType(row.Type) {
			for _, t := range res.Types {
				if t == row.Type {
					g.TypeHits++
					break
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("eval: read text rows: %w", err)
	}
	for _, g := range groups {
		rep.Groups = append(rep.Groups, *g)
	}
	sort.Slice(rep.Groups, func(i, j int) bool {
		a, b := rep.Groups[i], rep.Groups[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.Type < b.Type
	})
	return rep, nil
}

// Markdown renders the report as a table: rows, share flagged medium or high, and the type
// hit rate where there is one.
func (r TextReport) Markdown(knownType func(string) bool) string {
	var b strings.Builder
	b.WriteString("| source | label | type | rows | medium or high | type named |\n|---|---|---|---:|---:|---:|\n")
	for _, g := range r.Groups {
		th := "—"
		if g.Type != "" && knownType(g.Type) {
			th = fmt.Sprintf("%.1f%%", 100*g.TypeShare())
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %.1f%% (%d) | %s |\n", g.Source, g.Label, orDash(g.Type), g.Rows, 100*g.FlaggedShare(), g.Flagged, th)
	}
	if r.Bad > 0 {
		fmt.Fprintf(&b, "\n%d lines could not be read.\n", r.Bad)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
