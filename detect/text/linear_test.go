package text

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard/internal/lineartest"
)

func TestScanIsLinear(t *testing.T) {
	d, _ := mustDetector(t)
	var cases []lineartest.Case
	for _, a := range lineartest.Texts {
		cases = append(cases, lineartest.Case{Name: a.Name, Make: func(n int) func() {
			s := lineartest.Repeat(a.Unit, n)
			return func() { d.ScanText(s) }
		}})
	}
	// Many messages, with cues of windowed and ordered rules in each.
	for _, unit := range []string{"加我微信", "先交押金", "取消订单", "转到我的卡上"} {
		cases = append(cases, lineartest.Case{Name: "many messages " + unit, Make: func(n int) func() {
			per := max(n/MaxMessages, len(unit))
			var msgs []Message
			for size := 0; size+per <= n; size += per {
				from := FromThem
				if len(msgs)%3 == 2 {
					from = FromMe
				}
				msgs = append(msgs, Message{From: from, Text: lineartest.Repeat(unit, per)})
			}
			return func() { d.Scan(msgs) }
		}})
	}
	lineartest.Check(t, cases)
}

func TestHighlightAndTranscriptAreLinear(t *testing.T) {
	d, _ := mustDetector(t)
	lineartest.Check(t, []lineartest.Case{
		{Name: "highlight of repeated cues", Make: func(n int) func() {
			msgs := []Message{{From: FromThem, Text: lineartest.Repeat("退款转账验证码", n)}}
			r := d.Scan(msgs)
			return func() { r.Highlight(msgs) }
		}},
		{Name: "transcript of continued lines", Make: func(n int) func() {
			s := "我：你好\n" + lineartest.Repeat("客服：请转账\n继续\n", n)
			return func() { ParseTranscript(s) }
		}},
		{Name: "transcript of one line", Make: func(n int) func() {
			s := "我：" + strings.Repeat("说", n/3)
			return func() { ParseTranscript(s) }
		}},
	})
}

func TestScanReadsWithinItsLimits(t *testing.T) {
	d, _ := mustDetector(t)
	// A cue past MaxBytes is not read.
	r := d.ScanText(strings.Repeat("a", MaxBytes) + " 验证码")
	if len(r.Cues) != 0 {
		t.Errorf("a cue past %d bytes was read: %v", MaxBytes, r.Cues)
	}
	msgs := make([]Message, MaxMessages+1)
	for i := range msgs {
		msgs[i] = Message{From: FromThem, Text: "ok"}
	}
	msgs[MaxMessages].Text = "验证码"
	if r := d.Scan(msgs); len(r.Cues) != 0 {
		t.Errorf("a cue in message %d was read: %v", MaxMessages, r.Cues)
	}
	// Cut inside a rune, the text stays valid.
	r = d.ScanText(strings.Repeat("a", MaxBytes-1) + "验")
	if r.Risk == "" {
		t.Error("no verdict")
	}
}

// TestFindURLsOnce: a link's trimmed tail does not give the same link again.
func TestFindURLsOnce(t *testing.T) {
	got := findURLs("see a.co.!.!.! and b.cn, ok", 0)
	var urls []string
	for _, u := range got {
		urls = append(urls, u.URL)
	}
	if strings.Join(urls, " ") != "a.co b.cn" {
		t.Errorf("findURLs = %q, want a.co b.cn", urls)
	}
	if got[1].Start != 19 || got[1].End != 23 {
		t.Errorf("b.cn at [%d,%d), want [19,23)", got[1].Start, got[1].End)
	}
}
