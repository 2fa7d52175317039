// Package eval measures shopguard's detectors on labelled data: the share of rows each
// detector flags, by source, label and type, and how often it names the right scam type.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/text"
)

// TextRow is one labelled line of a text evaluation set: a text or messages as the scan
// input takes them, with its label ("scam", "spam", "ok"), type and source, and, where the
// set says so, its language and what its licence allows it to be used for ("train" or
// "eval").
type TextRow struct {
	text.Input
	Label  string `json:"label"`
	Type   string `json:"type"`
	Source string `json:"source"`
	Lang   string `json:"lang,omitempty"`
	Use    string `json:"use,omitempty"`
}

// recipientMask is the token a honeypot set puts for its own address; it is replaced before
// scanning so that it reads as the reader, not as a contact address.
const recipientMask = "phishing@pot"

// readTextRows calls fn with every valid row of r (JSON Lines of TextRow), the honeypot's
// recipient token masked, and returns how many lines could not be read.
func readTextRows(r io.Reader, fn func(TextRow)) (bad int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), text.MaxBytes+64*1024)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var row TextRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			bad++
			continue
		}
		if err := row.Validate(); err != nil {
			bad++
			continue
		}
		row.Text = strings.ReplaceAll(row.Text, recipientMask, "you")
		for i := range row.Messages {
			row.Messages[i].Text = strings.ReplaceAll(row.Messages[i].Text, recipientMask, "you")
		}
		fn(row)
	}
	if err := sc.Err(); err != nil {
		return bad, fmt.Errorf("eval: read text rows: %w", err)
	}
	return bad, nil
}

// TextGroup is the tally of one source, label and type: how many rows, how many the detector
// flagged (risk medium or high), and how many of those it named the row's type for.
type TextGroup struct {
	Source   string `json:"source"`
	Label    string `json:"label"`
	Type     string `json:"type,omitempty"`
	Use      string `json:"use,omitempty"` // "train", "eval", "mixed" or "" (not given)
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
	var t tally
	bad, err := readTextRows(r, func(row TextRow) { t.add(row, d.Scan(row.Conversation()), knownType) })
	rep := t.report()
	rep.Bad = bad
	return rep, err
}

// tally counts rows and their verdicts by source, label and type.
type tally map[[3]string]*TextGroup

// add counts one row and the verdict on it.
func (t *tally) add(row TextRow, res text.Result, knownType func(string) bool) {
	if *t == nil {
		*t = tally{}
	}
	key := [3]string{row.Source, row.Label, row.Type}
	g := (*t)[key]
	if g == nil {
		g = &TextGroup{Source: row.Source, Label: row.Label, Type: row.Type, Use: row.Use}
		(*t)[key] = g
	}
	if g.Use != row.Use {
		g.Use = "mixed"
	}
	g.Rows++
	if res.Risk != shopguard.RiskLow {
		g.Flagged++
	}
	if row.Type != "" && knownType(row.Type) && slices.Contains(res.Types, row.Type) {
		g.TypeHits++
	}
}

// report returns the groups in a stable order: by source, label and type.
func (t tally) report() TextReport {
	var rep TextReport
	for _, g := range t {
		rep.Groups = append(rep.Groups, *g)
	}
	sortGroups(rep.Groups)
	return rep
}

func sortGroups(gs []TextGroup) {
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.Type < b.Type
	})
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

// BySource renders the report source by source: for each source and label the rows of all
// its types together, then each type (when there are several, up to maxTypesListed), with what the row's licence
// allows ("use") and whether the learned layer was trained on the source (learned may be nil
// when no learned layer ran). The type hit rate counts the types knownType names.
// maxTypesListed is the most types of one source and label that BySource lists one by one;
// a source with more (dialogues tagged with every combination of their topics) shows only
// the sum.
const maxTypesListed = 20

func (r TextReport) BySource(knownType func(string) bool, learned func(source string) bool) string {
	var b strings.Builder
	b.WriteString("| source | use | model trained on it | label | type | rows | medium or high | type named |\n|---|---|---|---|---|---:|---:|---:|\n")
	row := func(g TextGroup, typ string, typeRows int) {
		th := "—"
		if typeRows > 0 {
			th = fmt.Sprintf("%.1f%%", 100*share(g.TypeHits, typeRows))
		}
		seen := "—"
		if learned != nil {
			seen = map[bool]string{true: "yes (in-distribution)", false: "no (unseen)"}[learned(g.Source)]
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %.1f%% (%d) | %s |\n", g.Source, orDash(g.Use), seen, g.Label, typ, g.Rows, 100*g.FlaggedShare(), g.Flagged, th)
	}
	for i := 0; i < len(r.Groups); {
		j := i
		for j < len(r.Groups) && r.Groups[j].Source == r.Groups[i].Source && r.Groups[j].Label == r.Groups[i].Label {
			j++
		}
		all := TextGroup{Source: r.Groups[i].Source, Label: r.Groups[i].Label, Use: r.Groups[i].Use}
		typeRows := 0
		for _, g := range r.Groups[i:j] {
			all.Rows += g.Rows
			all.Flagged += g.Flagged
			if g.Type != "" && knownType(g.Type) {
				all.TypeHits += g.TypeHits
				typeRows += g.Rows
			}
			if g.Use != all.Use {
				all.Use = "mixed"
			}
		}
		if j-i == 1 {
			row(all, orDash(r.Groups[i].Type), typeRows)
		} else {
			row(all, fmt.Sprintf("(all %d types)", j-i), typeRows)
			if j-i > maxTypesListed {
				i = j
				continue
			}
			for _, g := range r.Groups[i:j] {
				n := 0
				if g.Type != "" && knownType(g.Type) {
					n = g.Rows
				}
				row(g, orDash(g.Type), n)
			}
		}
		i = j
	}
	if r.Bad > 0 {
		fmt.Fprintf(&b, "\n%d lines could not be read.\n", r.Bad)
	}
	return b.String()
}

// Merge adds the groups and bad lines of o to r, summing groups of the same source, label
// and type.
func (r *TextReport) Merge(o TextReport) {
	at := map[[3]string]int{}
	for i, g := range r.Groups {
		at[[3]string{g.Source, g.Label, g.Type}] = i
	}
	for _, g := range o.Groups {
		i, ok := at[[3]string{g.Source, g.Label, g.Type}]
		if !ok {
			at[[3]string{g.Source, g.Label, g.Type}] = len(r.Groups)
			r.Groups = append(r.Groups, g)
			continue
		}
		m := &r.Groups[i]
		m.Rows += g.Rows
		m.Flagged += g.Flagged
		m.TypeHits += g.TypeHits
		if m.Use != g.Use {
			m.Use = "mixed"
		}
	}
	r.Bad += o.Bad
	sortGroups(r.Groups)
}
