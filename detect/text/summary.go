package text

// The bounds of a summarised result (Result.Summarize): how many hits of one cue and places
// of one link it lists, and how many of each list in all.
const (
	ListedPerKey = 100
	ListedMax    = 1000
)

// Summarize bounds what r lists, for an answer that stays small whatever the input: of the
// cue hits, the first ListedPerKey of each cue, and of the links, the first ListedPerKey
// places of each link, at most ListedMax of each list in all, in order; CuesOmitted and
// URLsOmitted count the rest. A message of 1 MB of one link repeated lists the link's first
// 100 places and says how many more there are. The verdict, the signals and their places do
// not change (a signal's place is its cue's first hit). Call it once the result is judged
// (the learned layer and the link check read every hit and link), before it is shown.
func (r *Result) Summarize() {
	r.Cues, r.CuesOmitted = listFirst(r.Cues, func(c *CueHit) string { return c.ID })
	r.URLs, r.URLsOmitted = listFirst(r.URLs, func(u *URL) string { return u.URL })
}

// listFirst returns, of s in order, the first ListedPerKey items of each key and ListedMax
// in all, and how many it left out. s itself is returned when nothing is left out; otherwise
// a new slice, so that pointers into s (the signals' spans) keep what they point to.
func listFirst[T any](s []T, key func(*T) string) ([]T, int) {
	if len(s) <= ListedPerKey {
		return s, 0
	}
	listed := map[string]int{}
	kept := make([]T, 0, min(len(s), ListedMax))
	for i := range s {
		if len(kept) == ListedMax {
			break
		}
		if k := key(&s[i]); listed[k] < ListedPerKey {
			listed[k]++
			kept = append(kept, s[i])
		}
	}
	if len(kept) == len(s) {
		return s, 0
	}
	return kept, len(s) - len(kept)
}
