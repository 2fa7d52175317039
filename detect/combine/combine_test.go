package combine_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/lineartest"
	"github.com/shopguard/shopguard/knowledge"
)

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// community returns a reputation service over an index holding a confirmed phone, a QQ
// number reported once and a confirmed domain.
func community() *intel.Service {
	x := intel.NewIndex()
	put := func(kind shopguard.Kind, value string, score int, confirmed bool) {
		x.Put(&shopguard.Reputation{Identifier: shopguard.Identifier{Kind: kind, Value: value}, Score: score,
			Reports: 2, Reporters: 2, Confirmed: confirmed, ScamTypes: []string{"deposit_scam"}, FirstSeen: day0, LastSeen: day0})
	}
	put(shopguard.KindPhone, "+8613812345678", 80, true)
	put(shopguard.KindQQ, "12345678", 40, false)
	put(shopguard.KindDomain, "sunny-gadgets.com", 80, true)
	return &intel.Service{Index: x, Now: func() time.Time { return day0 }}
}

func checks(t testing.TB, reps *intel.Service) (combine.Checks, *knowledge.Pack) {
	t.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	det, err := text.New(pack)
	if err != nil {
		t.Fatal(err)
	}
	c := combine.Checks{Text: det, Links: link.New(pack, nil)}
	if reps != nil {
		c.Links, c.Reputations = link.New(pack, reps), reps
	}
	return c, pack
}

// sum returns the clamped sum of the signals' weights.
func sum(sigs []shopguard.Signal) int {
	n := 0
	for _, s := range sigs {
		n += s.Weight
	}
	return max(0, min(100, n))
}

func find(sigs []shopguard.Signal, code string) (shopguard.Signal, bool) {
	for _, s := range sigs {
		if s.Code == code {
			return s, true
		}
	}
	return shopguard.Signal{}, false
}

const calm = "您好，您买的台灯已经发货了，物流单号在订单页可以看到。"

func TestScanJudgesLinks(t *testing.T) {
	c, _ := checks(t, nil)
	textOnly := combine.Checks{Text: c.Text}
	msgs := []text.Message{
		{From: text.FromThem, Text: calm},
		{From: text.FromThem, Text: "退款进度可以在这里看 taobao-tuikuan.com/refund 哦"},
	}
	if r := textOnly.Scan(msgs); r.Risk != shopguard.RiskLow {
		t.Fatalf("the text alone should be calm, got %s %d %+v", r.Risk, r.Score, r.Signals)
	}
	r := c.Scan(msgs)
	if r.Risk == shopguard.RiskLow {
		t.Fatalf("chat with a look-alike link = %s %d %+v", r.Risk, r.Score, r.Signals)
	}
	var linkSig *shopguard.Signal
	for i, s := range r.Signals {
		if strings.HasPrefix(s.Code, "link.") {
			linkSig = &r.Signals[i]
			break
		}
	}
	if linkSig == nil || linkSig.Span == nil {
		t.Fatalf("no link signal with a span: %+v", r.Signals)
	}
	if sp := *linkSig.Span; sp.Message != 1 || string([]rune(msgs[1].Text)[sp.Start:sp.End]) != "taobao-tuikuan.com/refund" {
		t.Fatalf("link signal span = %+v", sp)
	}
	if r.Score != sum(r.Signals) {
		t.Fatalf("score %d is not the sum of the signals %+v", r.Score, r.Signals)
	}
	if len(r.Types) == 0 || r.Types[len(r.Types)-1] != link.ScamPhishing {
		t.Fatalf("types = %v, want phishing from the link", r.Types)
	}

	// The same look-alike twice counts once; of two links to one site, the worse counts.
	twice := append(msgs, text.Message{From: text.FromThem, Text: "再发一次 taobao-tuikuan.com/refund"})
	if r2 := c.Scan(twice); r2.Score != r.Score {
		t.Fatalf("repeated link: score %d %+v, once %d", r2.Score, r2.Signals, r.Score)
	}
	worse := append(msgs, text.Message{From: text.FromThem, Text: "再发一次 http://taobao-tuikuan.com/refund"})
	r3 := c.Scan(worse)
	combos := 0
	for _, s := range r3.Signals {
		if s.Code == link.CodeCombo {
			combos++
			if s.Span.Message != 2 {
				t.Errorf("the worse link is in message 2, the signal says %+v", s.Span)
			}
		}
	}
	if _, ok := find(r3.Signals, link.CodeNoHTTPS); combos != 1 || !ok {
		t.Fatalf("two links to one site: %+v", r3.Signals)
	}
}

func TestScanOfficialLinkChangesNothing(t *testing.T) {
	c, _ := checks(t, nil)
	textOnly := combine.Checks{Text: c.Text}
	for _, msgs := range [][]text.Message{
		{{From: text.FromThem, Text: calm + " 店铺首页 https://www.taobao.com/shop/123 欢迎再来"}},
		// A scam script with an official link in it is not made calmer by the link.
		{{From: text.FromThem, Text: "我是淘宝客服，你的订单异常需要退款，请加我微信，先转账保证金，官网 https://www.taobao.com/"}},
	} {
		want, got := textOnly.Scan(msgs), c.Scan(msgs)
		if got.Risk != want.Risk || got.Score != want.Score || len(got.Signals) != len(want.Signals) {
			t.Errorf("official link changed the verdict: %s %d → %s %d %+v", want.Risk, want.Score, got.Risk, got.Score, got.Signals)
		}
	}
}

func TestScanAsksTheCommunity(t *testing.T) {
	reps := community()
	c, pack := checks(t, reps)
	msgs := []text.Message{
		{From: text.FromThem, Text: calm},
		{From: text.FromThem, Text: "有问题打我电话 138-1234-5678，或者加QQ 12345678，店铺 https://sunny-gadgets.com/deal"},
	}
	r := c.Scan(msgs)
	if r.Risk != shopguard.RiskHigh || r.Score != sum(r.Signals) {
		t.Fatalf("chat with reported identifiers = %s %d %+v", r.Risk, r.Score, r.Signals)
	}
	phone, ok := find(r.Signals, "intel.confirmed_identifier")
	if !ok || phone.Span == nil || phone.Span.Message != 1 || phone.Args["display"] != "138****5678" {
		t.Fatalf("phone signal = %+v (ok %v)", phone, ok)
	}
	if qq, ok := find(r.Signals, "intel.reported_identifier"); !ok || qq.Args["kind"] != "qq" {
		t.Fatalf("qq signal = %+v (ok %v)", qq, ok)
	}
	// The confirmed domain comes once, from the link check (the community answers its
	// domain lookup), not a second time as an identifier.
	n := 0
	for _, s := range r.Signals {
		if s.Code == link.CodeReported && s.Args["feed"] == intel.CommunitySource {
			n++
		}
		if strings.HasPrefix(s.Code, "intel.") && s.Args["kind"] == "domain" || s.Args["kind"] == "url" {
			t.Errorf("the domain counted as an identifier too: %+v", s)
		}
	}
	if n != 1 {
		t.Fatalf("link.reported from the community %d times: %+v", n, r.Signals)
	}
	r.Explain(pack, shopguard.LangEN)
	for _, s := range r.Signals {
		if strings.Contains(s.Message, "13812345678") || strings.Contains(s.Message, "{") || s.Message == s.Code {
			t.Errorf("message %q of %s", s.Message, s.Code)
		}
	}
	// Without the community, the same chat is calm.
	if r := (combine.Checks{Text: c.Text, Links: link.New(pack, nil)}).Scan(msgs); r.Risk != shopguard.RiskLow {
		t.Fatalf("without reputations = %s %+v", r.Risk, r.Signals)
	}
}

func TestListingAsksTheCommunity(t *testing.T) {
	c, _ := checks(t, community())
	l := listing.Listing{Price: "199", OnPlatform: true, Payment: listing.PayEscrow,
		Contacts: []listing.Contact{{Kind: "wechat"}, {Kind: "mobile", Value: "138 1234 5678"}, {Kind: "landline", Value: "+86 138-1234-5678"}}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	base := listing.Check(l)
	a := c.Listing(l)
	if base.Risk != shopguard.RiskLow || a.Risk != shopguard.RiskHigh || a.Score != sum(a.Signals) {
		t.Fatalf("listing %s %d → %s %d %+v", base.Risk, base.Score, a.Risk, a.Score, a.Signals)
	}
	n := 0
	for _, s := range a.Signals {
		if s.Code == "intel.confirmed_identifier" {
			n++
			if s.Field != "contacts[1].value" || s.Span != nil {
				t.Errorf("signal place: field %q span %v", s.Field, s.Span)
			}
		}
	}
	if n != 1 {
		t.Fatalf("the number written twice counted %d times: %+v", n, a.Signals)
	}
	if a := (combine.Checks{}).Listing(l); a.Score != base.Score {
		t.Fatalf("without reputations: %d, listing alone %d", a.Score, base.Score)
	}
}

// FuzzScan checks that any chat gives a verdict whose score is the clamped sum of its signals,
// every signal in place.
func FuzzScan(f *testing.F) {
	c, _ := checks(f, community())
	for _, s := range []string{calm, "退款 taobao-tuikuan.com/refund", "电话 138-1234-5678 QQ 12345678 https://sunny-gadgets.com/x", "http://1.2.3.4/@paypal.com", "ｗｗｗ．ｔａｏｂａｏ．ｃｏｍ"} {
		f.Add(s, "them")
	}
	f.Fuzz(func(t *testing.T, s, from string) {
		msgs := []text.Message{{From: from, Text: s}, {From: text.FromThem, Text: s}}
		// work budget: 1 MB of "1 1 1 …", the costliest shape, allocates 19 times a byte
		// (identifier candidates refused), "a.co " runs 2.4 times
		lineartest.AllocBudget(t, 2*len(s)+len(from), 24, 1024, func() { c.Scan(msgs) })
		r := c.Scan(msgs)
		if r.Score != sum(r.Signals) || r.Risk != shopguard.RiskOf(r.Score) {
			t.Fatalf("score %d risk %s, signals %+v", r.Score, r.Risk, r.Signals)
		}
		for _, sg := range r.Signals {
			if sg.Span != nil && (sg.Span.Message < 0 || sg.Span.Message >= len(msgs) || sg.Span.Start > sg.Span.End || sg.Span.End > len([]rune(msgs[sg.Span.Message].Text))) {
				t.Fatalf("signal %s out of place: %+v in %q", sg.Code, *sg.Span, s)
			}
		}
	})
}

// TestLinkNotSender checks links judged in their message: a link away from the brand the
// message names counts, enough for medium when the message asks the reader to act; the
// brand's own link, a brand not named as a sender, and a short name in lower case do not.
// TestScanLookalikeInSubdomain checks that the chat check sees a brand's look-alike in a
// link's subdomain (the shared link analysis), where the text alone says little.
func TestScanLookalikeInSubdomain(t *testing.T) {
	c, _ := checks(t, nil)
	for _, u := range []string{"https://amaz0n.verify-id.top/track", "https://paypa1-secure.login.example.xyz/"} {
		r := c.Scan([]text.Message{{From: text.FromThem, Text: "Your order is waiting, see " + u}})
		if _, ok := find(r.Signals, link.CodeLookalikeSub); !ok || r.Risk == shopguard.RiskLow {
			t.Errorf("%s: %s %d %v, want medium or high with %s", u, r.Risk, r.Score, r.Signals, link.CodeLookalikeSub)
		}
	}
}

// TestScanStoryActLink checks the structural rule: a message with a story (a held parcel,
// a locked account) that asks the reader to act through a link with a sign of its own (a
// cheap ending, dynamic DNS) is at least medium, although the link alone is low; the same
// link in a message without a story, or a short link, or a plain link, is no
// link.story_and_act (a short link beside a story is link.unknown_and_act's: see
// TestUnknownSiteAndARequest).
func TestScanStoryActLink(t *testing.T) {
	c, _ := checks(t, nil)
	for _, tc := range []struct {
		text  string
		story bool
	}{
		{"您的包裹因地址不详无法派送，请点击链接修改地址 https://kd-help.example.top/a", true},
		{"Your parcel is on hold. Confirm here: https://parcel-desk.example.top/a", true},
		{"Your parcel is on its way. Track it here: https://track.example.com/a", false},
		{"Your parcel is on its way. Track it here: https://bit.ly/3abc", false},
		{"Photos from Saturday are up, have a look: https://photos.example.top/a", false},
	} {
		r := c.Scan([]text.Message{{From: text.FromThem, Text: tc.text}})
		_, story := find(r.Signals, link.CodeStoryLink)
		if story != tc.story || story && r.Risk == shopguard.RiskLow {
			t.Errorf("%q: %s %d %v, want link.story_and_act %v", tc.text, r.Risk, r.Score, r.Signals, tc.story)
		}
	}
	if r := c.Scan([]text.Message{{From: text.FromThem, Text: "Photos from Saturday are up, have a look: https://photos.example.top/a"}}); r.Risk != shopguard.RiskLow {
		t.Errorf("a friend's photos: %s %d %v", r.Risk, r.Score, r.Signals)
	}
}

// TestOwnSiteOnly checks link.own_site_only: a single message whose only way to act is a
// brand's official site is lowered; not when it also gives a number to call, nor when the
// official link sits among other messages from the same side, nor next to another link.
func TestOwnSiteOnly(t *testing.T) {
	c, _ := checks(t, nil)
	notice := "Royal Mail: your parcel could not be delivered because the address is incomplete. Please confirm your address and pay the redelivery fee at https://www.royalmail.com/redelivery"
	r := c.Scan([]text.Message{{From: text.FromThem, Text: notice}})
	if _, ok := find(r.Signals, link.CodeOwnSiteOnly); !ok || r.Risk != shopguard.RiskLow {
		t.Errorf("official site only: %s %d %v", r.Risk, r.Score, r.Signals)
	}
	for name, msgs := range map[string][]text.Message{
		"a number to call": {{From: text.FromThem, Text: notice + " or call 0845 600 0606 today."}},
		"another link":     {{From: text.FromThem, Text: notice + " or at https://royal-redeliver.example.top/a"}},
		"two messages":     {{From: text.FromThem, Text: notice}, {From: text.FromThem, Text: "请把收到的验证码发给我"}},
	} {
		r := c.Scan(msgs)
		if _, ok := find(r.Signals, link.CodeOwnSiteOnly); ok || r.Risk == shopguard.RiskLow {
			t.Errorf("%s: %s %d %v", name, r.Risk, r.Score, r.Signals)
		}
	}
}

func TestLinkNotSender(t *testing.T) {
	c, _ := checks(t, nil)
	for _, tc := range []struct {
		text   string
		sender bool
		risky  bool
	}{
		{"USPS: your package is on hold at the depot. Confirm your address here: https://parcel-desk.info/a7", true, true},
		{"PayPal: we noticed a problem with your payment. Log in to fix it: https://resolution-centre.net/login", true, true},
		{"【顺丰速运】您的快件因地址不详无法派送，请点击链接修改地址：https://kd-xiugai.com/a", true, true},
		{"USPS: your package was delivered at 2:14 pm. Details: https://tools.usps.com/go/TrackConfirmAction", false, false},
		{"Amazon: your order has shipped. Track it at https://www.amazon.com/progress-tracker", false, false},
		{"We had our ups and downs this year, see the photos at https://photos.example.org/2025", false, false},
		{"Paid with 微信支付 at the shop, receipt at https://receipts.example.org/r/1", false, false},
	} {
		r := c.Scan([]text.Message{{From: text.FromThem, Text: tc.text}})
		_, got := find(r.Signals, link.CodeNotSender)
		if got != tc.sender {
			t.Errorf("%q: link.not_sender %v, want %v (%v)", tc.text, got, tc.sender, r.Signals)
		}
		if risky := r.Risk != shopguard.RiskLow; risky != tc.risky {
			t.Errorf("%q: risk %s, want risky %v (%v)", tc.text, r.Risk, tc.risky, r.Signals)
		}
	}
}

// TestUnknownSiteAndARequest checks link.unknown_and_act: a short message nobody asked for that
// asks the reader to click through to a site nothing is known about, or tells the reader a
// story beside it, is medium; a sender that names its site, a brand's own site, a name kept
// for examples, a story in the first person or in public, a letter of several links, a long
// letter or a chat the shopper started are not given it.
func TestUnknownSiteAndARequest(t *testing.T) {
	c, _ := checks(t, nil)
	lure := "Good news! Click here to see what is waiting for you: https://brightmeadow.com/k2"
	for _, tc := range []struct {
		name string
		msgs []text.Message
		want bool
	}{
		{"a stranger's click request", []text.Message{{From: text.FromThem, Text: lure}}, true},
		{"the same, link without a scheme", []text.Message{{From: text.FromThem, Text: "Tap here and sign in to keep your points brightmeadow.com/k2"}}, true},
		{"the shopper asked first", []text.Message{{From: text.FromMe, Text: "Where can I see my order?"}, {From: text.FromThem, Text: lure}}, false},
		{"the sender names its site", []text.Message{{From: text.FromThem, Text: "Bright Meadow Bakery: cakes for the weekend, click here to order brightmeadow.com/k2"}}, false},
		{"a tag names the sender", []text.Message{{From: text.FromThem, Text: "【明溪烘焙】周末蛋糕，点击链接预订 https://brightmeadow.com/k2"}}, false},
		{"a brand's own site", []text.Message{{From: text.FromThem, Text: "Your statement is ready. Log in at icicibank.com to view it."}}, false},
		{"a name kept for examples", []text.Message{{From: text.FromThem, Text: "Click here to see what is waiting for you: https://www.example.com/k2"}}, false},
		{"the shopper's own story", []text.Message{{From: text.FromThem, Text: "I tried to log in to brightmeadow.com/k2 all morning and it keeps failing"}}, false},
		{"several links", []text.Message{{From: text.FromThem, Text: "Click here for the minutes https://brightmeadow.com/k2 and the agenda https://quietharbour.net/a"}}, false},
		{"a long letter", []text.Message{{From: text.FromThem, Text: lure + strings.Repeat(" The garden club meets on Thursday as usual.", 12)}}, false},
		{"no request", []text.Message{{From: text.FromThem, Text: "Photos from the weekend are up: https://brightmeadow.com/k2"}}, false},
		{"a story told to the reader", []text.Message{{From: text.FromThem, Text: "Your free gift is waiting for you, today only https://brightmeadow.com/k2"}}, true},
		{"the least story told to the reader", []text.Message{{From: text.FromThem, Text: "Your parcel is on its way: https://brightmeadow.com/k2"}}, true},
		{"the same behind a short link", []text.Message{{From: text.FromThem, Text: "Your parcel is on its way. Track it here: https://bit.ly/3abc"}}, true},
		{"a parcel story to a reader whose name is not known", []text.Message{{From: text.FromThem, Text: "Dear customer, your parcel is on its way: https://brightmeadow.com/k2"}}, true},
		{"a story told in the first person", []text.Message{{From: text.FromThem, Text: "My free gift came today, have a look https://brightmeadow.com/k2"}}, false},
		{"a story told in public", []text.Message{{From: text.FromThem, Text: "@sam your free pass is ready today https://brightmeadow.com/k2"}}, false},
	} {
		r := c.Scan(tc.msgs)
		_, got := find(r.Signals, link.CodeUnknownAct)
		if got != tc.want {
			t.Errorf("%s: link.unknown_and_act %v, want %v (%s %d %v)", tc.name, got, tc.want, r.Risk, r.Score, r.Signals)
		}
		if tc.want && r.Risk == shopguard.RiskLow {
			t.Errorf("%s: still low (%d %v)", tc.name, r.Score, r.Signals)
		}
	}
}

// TestNoticesStayLow checks what real services send that talks about fraud or asks the reader
// to look at something (safety tips and warnings, one-time codes from the service itself,
// bank and carrier notices and delivery updates linking to their own sites, marketing from
// named senders), in both languages: each stays low.
func TestNoticesStayLow(t *testing.T) {
	c, _ := checks(t, nil)
	f, err := os.ReadFile("testdata/notices.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var row struct{ ID, Text string }
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		n++
		r := c.Scan([]text.Message{{From: text.FromThem, Text: row.Text}})
		if r.Risk != shopguard.RiskLow {
			t.Errorf("%s: %s %d %v", row.ID, r.Risk, r.Score, r.Signals)
		}
	}
	if n < 28 {
		t.Fatalf("only %d notices", n)
	}
}

// countingLookup is a link.DomainLookup that knows nothing and counts the questions.
type countingLookup struct{ n int }

func (c *countingLookup) LookupDomain(string) []link.Hit { c.n++; return nil }

// TestRepeatedLinkJudgedOnce checks that a link written many times in a message is analysed
// once (the analysis asks the domain lookup the same questions each time), with the verdict
// of the link written once.
func TestRepeatedLinkJudgedOnce(t *testing.T) {
	c, pack := checks(t, nil)
	var asked countingLookup
	c.Links = link.New(pack, &asked)
	const unit = "退款请点 taobao-tuikuan.com/refund a.co "
	once := c.Scan([]text.Message{{From: text.FromThem, Text: unit}})
	perScan := asked.n
	asked.n = 0
	many := c.Scan([]text.Message{{From: text.FromThem, Text: strings.Repeat(unit, 1000)}})
	if asked.n != perScan {
		t.Errorf("1000 copies of two links asked the domain lookup %d times, one copy %d", asked.n, perScan)
	}
	if many.Risk != once.Risk || !sameCodes(many.Signals, once.Signals) {
		t.Errorf("1000 copies: %s %v; one: %s %v", many.Risk, many.Signals, once.Risk, once.Signals)
	}
}

// sameCodes reports whether two lists of signals have the same codes in the same order.
func sameCodes(a, b []shopguard.Signal) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Code != b[i].Code {
			return false
		}
	}
	return true
}

// TestScanJudgesAThousandLinks checks that a text of thousands of different links has its
// first MaxJudgedLinks judged and the others counted, not analysed.
func TestScanJudgesAThousandLinks(t *testing.T) {
	c, pack := checks(t, nil)
	var asked countingLookup
	c.Links = link.New(pack, &asked)
	const n = combine.MaxJudgedLinks + 500
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "x%d.top/p ", i)
	}
	r := c.Scan([]text.Message{{From: text.FromThem, Text: b.String()}})
	if len(r.URLs) != n || r.LinksUnchecked != n-combine.MaxJudgedLinks || asked.n != combine.MaxJudgedLinks {
		t.Errorf("%d links found, %d unchecked, the domain lookup asked %d times; want %d, %d, %d",
			len(r.URLs), r.LinksUnchecked, asked.n, n, n-combine.MaxJudgedLinks, combine.MaxJudgedLinks)
	}
	if r := c.Scan([]text.Message{{From: text.FromThem, Text: "x1.top/p x2.top/p"}}); r.LinksUnchecked != 0 {
		t.Errorf("two links: %d unchecked", r.LinksUnchecked)
	}
}

// TestLinksInOthersWordsNotJudged checks that a link in words the sender did not write (a line
// quoted from an earlier message, a mailing list's footer) is not judged against the sender,
// while the same link in the sender's own words is, and a short note above a quoted link
// ("is this real?") still has it judged.
func TestLinksInOthersWordsNotJudged(t *testing.T) {
	c, _ := checks(t, nil)
	own := strings.Repeat("I set up the mirror last week and the packages install cleanly on both of my machines. ", 3)
	footer := "\n_______________________________________________\nPackagers mailing list\nhttp://192.0.2.7/mailman/listinfo/packagers\n"
	quoted := "\n> my old mirror is at http://192.0.2.7/pub/\n"
	for _, tc := range []struct {
		name, text string
		judged     bool
	}{
		{"en list footer", own + footer, false},
		{"en quoted line", own + quoted, false},
		{"en own words", own + "\nThe mirror is at http://192.0.2.7/pub/\n", true},
		{"en short note above a quoted link", "is this real?\n" + quoted, true},
		{"zh list footer", strings.Repeat("我上周搭好了镜像，两台机器上安装都很顺利，大家可以试试。", 4) + footer, false},
		{"zh quoted line", strings.Repeat("我上周搭好了镜像，两台机器上安装都很顺利，大家可以试试。", 4) + "\n> 我原来的镜像在 http://192.0.2.7/pub/\n", false},
	} {
		r := c.Scan([]text.Message{{From: text.FromThem, Text: tc.text}})
		_, got := find(r.Signals, link.CodeRawIP)
		if got != tc.judged {
			t.Errorf("%s: raw IP judged %v, want %v; %s %d %v", tc.name, got, tc.judged, r.Risk, r.Score, r.Signals)
		}
	}
}

// TestProseLinkShapeOnly checks that in prose (an e-mail, an article) that tells no story and
// asks nothing, a link whose only sign is its shape (here a bare IP address) is not judged
// against the writer, while the same link in a short message, or in prose that asks the reader
// to log in about a problem with the account, is.
func TestProseLinkShapeOnly(t *testing.T) {
	c, _ := checks(t, nil)
	en := strings.Repeat("The meteor shower peaks on Thursday night; the paper on the bolide models the fragments as a swarm. ", 12)
	zh := strings.Repeat("周四晚上流星雨达到高峰，这篇论文把火流星的碎片当成一群小天体来模拟，结论很有意思。", 12)
	const ip = "http://192.0.2.7/cache/bolide.pdf"
	for _, tc := range []struct {
		name, text string
		judged     bool
	}{
		{"en prose", en + "\nThe cached copy: " + ip + "\n", false},
		{"zh prose", zh + "\n缓存的副本在 " + ip + "\n", false},
		{"en short message", "see " + ip, true},
		{"zh short message", "看这个 " + ip, true},
		{"en prose that asks", en + "\nUnusual activity was detected on your account. Log in to your account here to restore it: " + ip + "\n", true},
		{"zh prose that asks", zh + "\n您的账户异常，请点击链接登录处理：" + ip + "\n", true},
	} {
		r := c.Scan([]text.Message{{From: text.FromThem, Text: tc.text}})
		_, got := find(r.Signals, link.CodeRawIP)
		if got != tc.judged {
			t.Errorf("%s: raw IP judged %v, want %v; %s %d %v", tc.name, got, tc.judged, r.Risk, r.Score, r.Signals)
		}
	}
}
