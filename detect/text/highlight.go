package text

import (
	"slices"
	"sort"
)

// Segment is a stretch of a message's text: plain, or covered by the cues named in Cues.
type Segment struct {
	Text string   `json:"text"`
	Cues []string `json:"cues,omitempty"`
}

// Highlight cuts each message of msgs into segments at the edges of the cues found in it, so
// that a page or a terminal can mark the words that gave the scam away. msgs must be the
// messages the result was made from.
func (r *Result) Highlight(msgs []Message) [][]Segment {
	out := make([][]Segment, len(msgs))
	byMsg := make([][]CueHit, len(msgs))
	for _, c := range r.Cues {
		if c.Message >= 0 && c.Message < len(msgs) {
			byMsg[c.Message] = append(byMsg[c.Message], c)
		}
	}
	for mi, m := range msgs {
		runes := []rune(m.Text)
		cuts := []int{0, len(runes)}
		for _, c := range byMsg[mi] {
			if c.Start >= 0 && c.End <= len(runes) && c.Start < c.End {
				cuts = append(cuts, c.Start, c.End)
			}
		}
		sort.Ints(cuts)
		for i := 0; i+1 < len(cuts); i++ {
			lo, hi := cuts[i], cuts[i+1]
			if lo == hi {
				continue
			}
			var ids []string
			for _, c := range byMsg[mi] {
				if c.Start <= lo && hi <= c.End && !slices.Contains(ids, c.ID) {
					ids = append(ids, c.ID)
				}
			}
			if n := len(out[mi]); n > 0 && slices.Equal(out[mi][n-1].Cues, ids) {
				out[mi][n-1].Text += string(runes[lo:hi])
				continue
			}
			out[mi] = append(out[mi], Segment{Text: string(runes[lo:hi]), Cues: ids})
		}
	}
	return out
}
