package text

import (
	"reflect"
	"strings"
	"testing"
)

// TestSummarizeBoundsRepeats checks that a summarised result lists the first ListedPerKey
// hits of a cue and places of a link repeated thousands of times, counts the rest, and keeps
// its verdict and signals; and that it leaves the result of every fixture as it was.
func TestSummarizeBoundsRepeats(t *testing.T) {
	d, _ := mustDetector(t)
	const copies = 5000
	r := d.ScanText(strings.Repeat("a.co 客服 ", copies))
	want := r
	want.Signals = append(want.Signals[:0:0], r.Signals...)
	r.Summarize()
	if len(r.URLs) != ListedPerKey || r.URLsOmitted != copies-ListedPerKey {
		t.Errorf("%d links listed, %d omitted; want %d, %d", len(r.URLs), r.URLsOmitted, ListedPerKey, copies-ListedPerKey)
	}
	perCue := map[string]int{}
	for _, c := range r.Cues {
		perCue[c.ID]++
	}
	if len(r.Cues)+r.CuesOmitted != len(want.Cues) || len(r.Cues) > ListedMax || len(perCue) < 2 {
		t.Errorf("%d cue hits listed (%v), %d omitted, of %d", len(r.Cues), perCue, r.CuesOmitted, len(want.Cues))
	}
	for id, n := range perCue {
		if n != ListedPerKey {
			t.Errorf("cue %s listed %d times, want %d", id, n, ListedPerKey)
		}
	}
	if r.Risk != want.Risk || r.Score != want.Score || !reflect.DeepEqual(r.Signals, want.Signals) {
		t.Errorf("verdict changed: %s %d %v, was %s %d %v", r.Risk, r.Score, r.Signals, want.Risk, want.Score, want.Signals)
	}
	if n := len(r.AppendJSON(nil)); n > 64<<10 {
		t.Errorf("the answer for %d copies is %d bytes", copies, n)
	}
	for _, file := range []string{"testdata/legit-chats.jsonl", "testdata/scam-chats.jsonl"} {
		for _, in := range readFixtures(t, file) {
			r := d.Scan(in.Conversation())
			was := string(r.AppendJSON(nil))
			if r.Summarize(); string(r.AppendJSON(nil)) != was {
				t.Fatalf("Summarize changed the result of %q", in.Text)
			}
		}
	}
}
