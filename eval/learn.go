package eval

import (
	"fmt"
	"io"
	"sort"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/model"
)

// UCISource is the source name of the UCI SMS Spam Collection rows in the development sets:
// the one dev-set source whose licence (CC BY 4.0) lets what is learned from it ship.
const UCISource = "UCI SMS Spam Collection"

// Shippable reports whether a row's licence lets what is learned from it ship: rows marked
// use "train", and the UCI SMS Spam Collection.
func Shippable(row TextRow) bool { return row.Use == "train" || row.Source == UCISource }

// ReadRows reads every valid row of r (JSON Lines of TextRow, the honeypot's recipient token
// masked) and returns them with the number of lines that could not be read.
func ReadRows(r io.Reader) ([]TextRow, int, error) {
	var rows []TextRow
	bad, err := readTextRows(r, func(row TextRow) { rows = append(rows, row) })
	return rows, bad, err
}

// Examples turns the rows that keep accepts into training examples, the facts of each found
// by checks (which must not hold a model: the facts are the detectors' own). Scam and spam
// rows are examples of scams, ok rows of legitimate messages.
func Examples(checks combine.Checks, rows []TextRow, keep func(TextRow) bool) []model.Example {
	var out []model.Example
	for _, row := range rows {
		if !keep(row) {
			continue
		}
		msgs := row.Conversation()
		res := checks.Scan(msgs)
		out = append(out, model.Example{ID: row.Source + "/" + row.ID, Source: row.Source,
			Doc: model.NewDoc(msgs, res), Scam: row.Label != "ok", Asked: res.Risk == shopguard.RiskLow && combine.Structural(res)})
	}
	return out
}

// LeaveOneOut measures how the learned layer does on a source it has not seen: for each
// source that has scam or spam examples, a model is trained on the other sources' examples
// (with options o), and that source's rows are scanned by checks with that model. It
// returns the tallies of the left-out sources, each group's Use set to "left out".
func LeaveOneOut(checks combine.Checks, examples []model.Example, rows []TextRow, knownType func(string) bool, o model.Options) (TextReport, error) {
	scamSources := map[string]bool{}
	for _, e := range examples {
		if e.Scam {
			scamSources[e.Source] = true
		}
	}
	var names []string
	for s := range scamSources {
		names = append(names, s)
	}
	sort.Strings(names)
	var rep TextReport
	for _, left := range names {
		var rest []model.Example
		for _, e := range examples {
			if e.Source != left {
				rest = append(rest, e)
			}
		}
		m, err := model.Train(rest, o)
		if err != nil {
			return rep, fmt.Errorf("eval: leave %s out: %w", left, err)
		}
		c := checks
		c.Model = m
		var t tally
		for _, row := range rows {
			if row.Source == left {
				row.Use = "left out"
				t.add(row, c.Scan(row.Conversation()), knownType)
			}
		}
		rep.Merge(t.report())
	}
	return rep, nil
}
