// Package intel turns community reports into reputation and answers lookups: scoring (distinct
// reporters, trust, moderation, appeals, decay with time), a compact in-memory index for
// lookups by value and by hash prefix (private lookup), exchange formats (CSV, JSON, STIX 2.1,
// offline snapshots) and the service that keeps the index in step with the database.
package intel

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/shopguard/shopguard"
)

// Scoring weights. A reporter weighs by trust; reporters behind one network (or one account)
// count once, whatever the number of their reports.
const (
	weightAnonymous = 10 // no account: weighs little
	weightAccount   = 20 // a signed-in account
	weightTrusted   = 30 // an account with a record, or an operator
	bonusConfirmed  = 40 // a moderator confirmed a report
	notScamPenalty  = 10 // each distinct "not a scam" voice
	maxNotScam      = 30 // all of them together
	// highNeedsUnits is how many independent reporters (distinct networks and accounts, each
	// signed in) lift an unconfirmed identifier to high risk.
	highNeedsUnits = 3
)

// Half-lives of a score: an identifier nobody reports any more fades.
const (
	HalfLife          = 180 * 24 * time.Hour
	HalfLifeConfirmed = 365 * 24 * time.Hour
)

// Inputs is everything known about one identifier, read from the store.
type Inputs = shopguard.ReputationInputs

// Score combines the inputs into a reputation (its score before decay).
//
// The rules, each one a guard against a way to smear an honest merchant:
//   - only pending and confirmed reports count; rejected, merged and needs_info ones do not,
//     and a deleted report is gone;
//   - a reporter counts once, however many reports they file, and reporters behind one network
//     (an IPv4 /24, an IPv6 /48) count as one unit, weighing as the most trusted among them;
//   - without a moderator's confirmation the score stays below high unless at least three
//     independent units of signed-in reporters agree: one reporter or one network alone can
//     never lift an identifier above medium ("suspicious");
//   - a confirmed report lifts the score to high;
//   - each distinct "not a scam" voice lowers the score, at most by maxNotScam;
//   - an upheld appeal delists the identifier: reports filed before it no longer count.
func Score(in Inputs) *shopguard.Reputation {
	rep := &shopguard.Reputation{Identifier: in.Identifier, ByStatus: map[shopguard.ReportStatus]int{}, ScamTypes: []string{}}
	var upheld time.Time
	for _, a := range in.Appeals {
		if a.Status == shopguard.AppealUpheld && a.DecidedAt != nil && a.DecidedAt.After(upheld) {
			upheld = *a.DecidedAt
		}
	}
	groups := unionFind{}
	var counted []*shopguard.Report
	reporters := map[string]bool{}
	types := map[string]int{}
	lost := map[string]map[string]int64{} // reporter -> currency -> largest amount
	for _, r := range in.Reports {
		rep.ByStatus[r.Status]++
		if !r.Status.Counts() || (!upheld.IsZero() && !r.CreatedAt.After(upheld)) {
			continue
		}
		rep.Reports++
		reporter, network := reporterKeys(r)
		reporters[reporter] = true
		if network != "" {
			groups.union(reporter, network)
		}
		counted = append(counted, r)
		if r.Status == shopguard.ReportConfirmed {
			rep.Confirmed = true
		}
		types[r.ScamType]++
		if r.Amount != "" {
			if lost[reporter] == nil {
				lost[reporter] = map[string]int64{}
			}
			lost[reporter][r.Currency] = max(lost[reporter][r.Currency], r.AmountMinor())
		}
		seen := r.CreatedAt
		if d, err := time.Parse(time.DateOnly, r.OccurredOn); err == nil && d.Before(seen) {
			seen = d
		}
		if rep.FirstSeen.IsZero() || seen.Before(rep.FirstSeen) {
			rep.FirstSeen = seen
		}
		rep.LastSeen = maxTime(rep.LastSeen, r.CreatedAt)
	}
	rep.Reporters = len(reporters)
	units := map[string]int{}     // unit -> weight, the most trusted reporter's
	signedIn := map[string]bool{} // unit -> has a signed-in reporter
	for _, r := range counted {
		reporter, _ := reporterKeys(r)
		unit := groups.find(reporter)
		units[unit] = max(units[unit], trustWeight(r.Trust))
		if r.Trust >= shopguard.TrustAccount {
			signedIn[unit] = true
		}
	}
	score := 0
	for _, w := range units {
		score += w
	}
	if !rep.Confirmed && len(signedIn) < highNeedsUnits {
		score = min(score, shopguard.ScoreHigh-1)
	}
	if rep.Confirmed {
		score = max(score+bonusConfirmed, shopguard.ScoreHigh)
	}
	voices := map[string]bool{}
	for _, f := range in.Feedback {
		voices[feedbackKey(f)] = true
	}
	rep.NotScam = len(voices)
	score -= min(rep.NotScam*notScamPenalty, maxNotScam)
	rep.Score = max(0, min(100, score))
	for _, byCur := range lost {
		for c, v := range byCur {
			if rep.LostMinor == nil {
				rep.LostMinor = map[string]int64{}
			}
			rep.LostMinor[c] += v
		}
	}
	for t := range types {
		rep.ScamTypes = append(rep.ScamTypes, t)
	}
	slices.SortFunc(rep.ScamTypes, func(a, b string) int {
		return cmp.Or(types[b]-types[a], cmp.Compare(a, b))
	})
	rep.Delisted = !upheld.IsZero() && rep.Reports == 0
	if in.Imported != nil {
		merge(rep, in.Imported)
	}
	return rep
}

// merge adds what a feed says about the identifier to the community's reputation.
func merge(rep, imp *shopguard.Reputation) {
	if rep.Delisted {
		return // the holder proved the listing wrong: a feed does not bring it back
	}
	rep.Score = max(rep.Score, imp.Score)
	rep.Reports += imp.Reports
	rep.Reporters += imp.Reporters
	rep.Confirmed = rep.Confirmed || imp.Confirmed
	for _, t := range imp.ScamTypes {
		if !slices.Contains(rep.ScamTypes, t) {
			rep.ScamTypes = append(rep.ScamTypes, t)
		}
	}
	if rep.FirstSeen.IsZero() || (!imp.FirstSeen.IsZero() && imp.FirstSeen.Before(rep.FirstSeen)) {
		rep.FirstSeen = imp.FirstSeen
	}
	rep.LastSeen = maxTime(rep.LastSeen, imp.LastSeen)
	rep.Source = imp.Source
}

// reporterKeys returns who filed a report (an account, or a network for an anonymous
// reporter) and the network it came from ("" when unknown, as for the command line).
func reporterKeys(r *shopguard.Report) (reporter, network string) {
	if r.Source != "" {
		network = "net:" + r.Source
	}
	if r.ReporterID > 0 {
		return "user:" + strconv.FormatInt(r.ReporterID, 10), network
	}
	return cmp.Or(network, "net:"), network
}

// unionFind groups reporters and networks into independent units: an account seen on two
// networks joins them, and two accounts on one network are one unit.
type unionFind map[string]string

func (u unionFind) find(k string) string {
	for {
		p, ok := u[k]
		if !ok || p == k {
			return k
		}
		u[k] = u[p] // path halving
		k = p
	}
}

func (u unionFind) union(a, b string) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u[ra] = rb
	}
}

func feedbackKey(f *shopguard.Feedback) string {
	if f.Source != "" {
		return "net:" + f.Source
	}
	return "user:" + strconv.FormatInt(f.UserID, 10)
}

func trustWeight(t shopguard.Trust) int {
	switch t {
	case shopguard.TrustTrusted:
		return weightTrusted
	case shopguard.TrustAccount:
		return weightAccount
	}
	return weightAnonymous
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Decay returns a score lowered for the time since the identifier was last reported: it
// halves every HalfLife (HalfLifeConfirmed when confirmed).
func Decay(score int, lastSeen time.Time, confirmed bool, now time.Time) int {
	age := now.Sub(lastSeen)
	if age <= 0 || score == 0 {
		return score
	}
	half := HalfLife
	if confirmed {
		half = HalfLifeConfirmed
	}
	return int(math.Round(float64(score) * math.Exp2(-float64(age)/float64(half))))
}
