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
// messages the result was made from. It sweeps each message once: the cues covering a segment
// are those begun and not yet ended.
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
		var hits []int // indices in byMsg[mi] of the cues with a span in the text, by start
		for i, c := range byMsg[mi] {
			if c.Start >= 0 && c.End <= len(runes) && c.Start < c.End {
				cuts = append(cuts, c.Start, c.End)
				hits = append(hits, i)
			}
		}
		sort.Ints(cuts)
		sort.SliceStable(hits, func(a, b int) bool { return byMsg[mi][hits[a]].Start < byMsg[mi][hits[b]].Start })
		var active []int // indices of the cues covering the segment, in their order in byMsg
		var segIDs []string
		segStart, next := 0, 0
		for i := 0; i+1 < len(cuts); i++ {
			lo, hi := cuts[i], cuts[i+1]
			if lo == hi {
				continue
			}
			active = slices.DeleteFunc(active, func(k int) bool { return byMsg[mi][k].End <= lo })
			for ; next < len(hits) && byMsg[mi][hits[next]].Start <= lo; next++ {
				k := hits[next]
				at, _ := slices.BinarySearch(active, k)
				active = slices.Insert(active, at, k)
			}
			var ids []string
			for _, k := range active {
				if id := byMsg[mi][k].ID; !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			if lo > segStart && !slices.Equal(segIDs, ids) {
				out[mi] = append(out[mi], Segment{Text: string(runes[segStart:lo]), Cues: segIDs})
				segStart = lo
			}
			segIDs = ids
		}
		if len(runes) > segStart {
			out[mi] = append(out[mi], Segment{Text: string(runes[segStart:]), Cues: segIDs})
		}
	}
	return out
}

// Marked joins each run of adjacent marked segments (segments with cues) into one segment
// that holds the cues of all, in order of first appearance, so that overlapping cues such as
// "开启屏幕" and "屏幕共享" read as one marked phrase. Unmarked segments are kept as they are.
func Marked(segs []Segment) []Segment {
	out := make([]Segment, 0, len(segs))
	for _, s := range segs {
		if n := len(out); n > 0 && len(s.Cues) > 0 && len(out[n-1].Cues) > 0 {
			last := &out[n-1]
			last.Text += s.Text
			for _, c := range s.Cues {
				if !slices.Contains(last.Cues, c) {
					last.Cues = append(last.Cues, c)
				}
			}
			continue
		}
		out = append(out, Segment{Text: s.Text, Cues: slices.Clone(s.Cues)})
	}
	return out
}
