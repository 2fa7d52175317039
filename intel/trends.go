package intel

import (
	"cmp"
	"slices"
	"time"

	"github.com/shopguard/shopguard"
)

// Trends is what operators see of the reports filed over a period: how many came in each
// week, and which scam types and platforms they were about, with the money reported lost.
// Rejected reports and merged duplicates are left out.
type Trends struct {
	Since     time.Time    `json:"since"`
	Reports   int          `json:"reports"`
	Confirmed int          `json:"confirmed"`
	Lost      []Money      `json:"lost"`
	Weeks     []TrendWeek  `json:"weeks"`
	ScamTypes []TrendCount `json:"scam_types"`
	Platforms []TrendCount `json:"platforms"`
}

// TrendWeek counts the reports filed in the week starting on Start (a Monday, UTC).
type TrendWeek struct {
	Start     time.Time `json:"start"`
	Reports   int       `json:"reports"`
	Confirmed int       `json:"confirmed"`
}

// TrendCount counts the reports about one scam type or platform ("" for none given).
type TrendCount struct {
	Key       string  `json:"key"`
	Reports   int     `json:"reports"`
	Confirmed int     `json:"confirmed"`
	Lost      []Money `json:"lost"`
}

// Money is an amount in one currency, as a decimal ("1234.50").
type Money struct {
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
}

// weekStart returns the Monday 00:00 UTC of t's week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, time.UTC)
}

// tally accumulates counts and money for one key.
type tally struct {
	reports, confirmed int
	lost               map[string]int64
}

func (t *tally) add(f shopguard.ReportFact, fen int64) {
	t.reports++
	if f.Status == shopguard.ReportConfirmed {
		t.confirmed++
	}
	if fen > 0 && f.Currency != "" {
		if t.lost == nil {
			t.lost = map[string]int64{}
		}
		t.lost[f.Currency] += fen
	}
}

func (t *tally) money() []Money {
	out := []Money{}
	for cur, fen := range t.lost {
		out = append(out, Money{Currency: cur, Amount: shopguard.FormatFen(fen)})
	}
	slices.SortFunc(out, func(a, b Money) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

// ComputeTrends sums up report facts filed since a time, with one row for every week up to
// now, empty weeks included, so a chart shows gaps as gaps.
func ComputeTrends(facts []shopguard.ReportFact, since, now time.Time) Trends {
	var total tally
	types, platforms := map[string]*tally{}, map[string]*tally{}
	weeks := map[time.Time]*tally{}
	for w := weekStart(since); !w.After(now); w = w.AddDate(0, 0, 7) {
		weeks[w] = &tally{}
	}
	for _, f := range facts {
		if f.Status == shopguard.ReportRejected || f.Status == shopguard.ReportMerged || f.CreatedAt.Before(since) {
			continue
		}
		fen, _ := shopguard.ParseYuan(f.Amount)
		total.add(f, fen)
		for _, m := range []struct {
			tallies map[string]*tally
			key     string
		}{{types, f.ScamType}, {platforms, f.Platform}} {
			if m.tallies[m.key] == nil {
				m.tallies[m.key] = &tally{}
			}
			m.tallies[m.key].add(f, fen)
		}
		if w := weeks[weekStart(f.CreatedAt)]; w != nil {
			w.add(f, 0)
		}
	}
	tr := Trends{Since: since, Reports: total.reports, Confirmed: total.confirmed, Lost: total.money(),
		ScamTypes: counts(types), Platforms: counts(platforms), Weeks: []TrendWeek{}}
	for start, t := range weeks {
		tr.Weeks = append(tr.Weeks, TrendWeek{Start: start, Reports: t.reports, Confirmed: t.confirmed})
	}
	slices.SortFunc(tr.Weeks, func(a, b TrendWeek) int { return a.Start.Compare(b.Start) })
	return tr
}

// counts lists tallies by key, most reported first.
func counts(m map[string]*tally) []TrendCount {
	out := []TrendCount{}
	for k, t := range m {
		out = append(out, TrendCount{Key: k, Reports: t.reports, Confirmed: t.confirmed, Lost: t.money()})
	}
	slices.SortFunc(out, func(a, b TrendCount) int {
		return cmp.Or(cmp.Compare(b.Reports, a.Reports), cmp.Compare(a.Key, b.Key))
	})
	return out
}
