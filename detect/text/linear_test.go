package text

import (
	"runtime"
	"sort"
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
	// Negators that reach to the end of their sentence, in one long sentence and in many.
	for _, unit := range []string{"we never ask for a code or a transfer, ", "we never ask for a code. ", "不会要求您转账或验证码"} {
		cases = append(cases, lineartest.Case{Name: "sentence negators " + unit, Make: func(n int) func() {
			s := lineartest.Repeat(unit, n)
			return func() { d.ScanText(s) }
		}})
	}
	// Links whose scheme lost its colon, and the spaces a scheme is looked for across.
	for _, unit := range []string{"http //rb.gy/a1 ", "https: //10.2.3.4/x ", "http" + strings.Repeat(" ", 64) + "//x.q1 ", "$5 ¥ 6 "} {
		cases = append(cases, lineartest.Case{Name: "lost schemes and sums " + unit[:6], Make: func(n int) func() {
			s := lineartest.Repeat(unit, n)
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
	got := findURLs(nil, "see a.co.!.!.! and b.cn, ok", 0)
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

// TestLinksWithALostScheme: after "http" and slashes whose colon a text recogniser lost (or
// set apart), a host is a link's whatever its ending, an IPv4 address too; without the scheme
// such an ending is not enough.
func TestLinksWithALostScheme(t *testing.T) {
	checkFound(t, map[string]string{
		"track it at http //rb.gy/x7k now":     "rb.gy/x7k",
		"go to HTTPS: //is.gd/abc.":            "is.gd/abc",
		"login http //203.0.113.9/acct":        "203.0.113.9/acct",
		"see https://shorturl.at/q1":           "https://shorturl.at/q1",
		"version 2.do is out, like rb.gy/x7k":  "",
		"it was a http //1.2.3 page":           "",
		"weather //rb.gy/x7k":                  "",
		"the file at http //notes.x2/readme":   "",
		"http //10.0.0.1.5/a has five numbers": "",
	})
}

// TestBareHostsOnPhishingEndings: a bare host is a link on the cheap and new endings phishing
// uses (.help, .cfd, .sbs…), not only on .com and .cn; a file name is not.
func TestBareHostsOnPhishingEndings(t *testing.T) {
	checkFound(t, map[string]string{
		"unlock it at apple-id-support.help now": "apple-id-support.help",
		"pay at toll-due.cfd/pay today":          "toll-due.cfd/pay",
		"edit sendmail.cf and restart":           "",
		"see readme.md first":                    "",
	})
}

// checkFound checks the links findURLs finds in each text (joined by spaces).
func checkFound(t *testing.T, cases map[string]string) {
	t.Helper()
	for text, want := range cases {
		var got []string
		for _, u := range findURLs(nil, text, 0) {
			got = append(got, u.URL)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("findURLs(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestLinksAllocateTheirSize checks that the links of a text full of them cost about their
// own size in memory: growing their list and their cue hits link by link allocated five times
// their size (80 bytes a byte of "a.co a.co …", where the links, their cue hits and their
// places take 30).
func TestLinksAllocateTheirSize(t *testing.T) {
	d, _ := mustDetector(t)
	s := lineartest.Repeat("a.co ", lineartest.Large)
	var r Result
	least := uint64(1<<64 - 1)
	for range 3 { // the least of three: a collection may empty the pool of the scan's memory
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r = d.ScanText(s)
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	perByte := float64(least) / float64(len(s))
	t.Logf("%.1f bytes allocated a byte of text", perByte)
	if len(r.URLs) != len(s)/5 || perByte > 40 {
		t.Errorf("%d links in %d bytes: %.1f bytes allocated a byte of text, more than 40", len(r.URLs), len(s), perByte)
	}
}

// TestLinkHitsInPlace checks that each link's cue hit is at the link's place in the normalised
// text: the first byte that comes from the link or after it.
func TestLinkHitsInPlace(t *testing.T) {
	d, _ := mustDetector(t)
	text := "ＡＢＣ点击 a.co 或 ｗｗｗ x.cn/a?b=1，再看 https://jd-refund.top/a 和 b.co. c.top"
	var buf normText
	normalize(text, &buf)
	urls := findURLs(nil, text, 0)
	hits := d.linkHits(nil, urls, &buf, bitThem)
	if len(urls) != 5 || len(hits) != len(urls)*len(d.linkCues) {
		t.Fatalf("%d links, %d hits", len(urls), len(hits))
	}
	for _, h := range hits {
		want := sort.Search(len(buf.b), func(i int) bool { return buf.origAt(i) >= h.bs })
		if int(h.ns) != want {
			t.Errorf("the link at byte %d of the text is at %d of the normalised text, want %d", h.bs, h.ns, want)
		}
	}
}

// FuzzFindURLs checks the link finder on any text: each link is where it says, as written
// there, after the one before, and there are at most as many links as a link of three bytes
// each would make (its cost per byte is TestScanIsLinear's).
func FuzzFindURLs(f *testing.F) {
	for _, s := range []string{"see a.co, b.cn.", "http //rb.gy/x", "HTTPS : //10.1.2.3/a", "点击https://x.top/a", "//x.y.z", "http" + strings.Repeat(" ", 40) + "//a.bc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		urls := findURLs(nil, s, 0)
		end := int32(0)
		for _, u := range urls {
			if u.bs < end || u.be > int32(len(s)) || s[u.bs:u.be] != u.URL || u.URL == "" {
				t.Fatalf("%q: link %q at [%d,%d) after %d", s, u.URL, u.bs, u.be, end)
			}
			end = u.be
		}
		if len(urls) > len(s)/3+1 {
			t.Fatalf("%q: %d links in %d bytes", s, len(urls), len(s))
		}
	})
}
