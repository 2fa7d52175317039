package intel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/intel/feed"
	"github.com/shopguard/shopguard/knowledge"
)

// indexReps answers lookups from an index at a fixed time.
type indexReps struct {
	x   *intel.Index
	now time.Time
}

func (r indexReps) Lookup(kind shopguard.Kind, value string) (shopguard.Indicator, error) {
	return r.x.Lookup(kind, value, r.now)
}

func TestSignals(t *testing.T) {
	x := intel.NewIndex()
	x.Put(rep(shopguard.KindPhone, "+8613812345678", 80, 4, true))
	x.Put(rep(shopguard.KindQQ, "12345678", 40, 2, false))
	x.Put(rep(shopguard.KindWeChat, "seller_ok", 10, 1, false))
	text := "加我QQ 12345678 或电话 138-1234-5678，微信 seller_ok，再打一次 13812345678"
	sigs := intel.Signals(indexReps{x, day0}, ident.Extract(text))
	if len(sigs) != 2 {
		t.Fatalf("signals = %+v, want the phone once and the QQ", sigs)
	}
	if sigs[0].Code != "intel.reported_identifier" || sigs[0].Args["display"] != "12****78" || sigs[0].Span == nil {
		t.Fatalf("QQ signal = %+v", sigs[0])
	}
	if sigs[1].Code != "intel.confirmed_identifier" || sigs[1].Args["display"] != "138****5678" || sigs[1].Weight < shopguard.ScoreHigh {
		t.Fatalf("phone signal = %+v", sigs[1])
	}
	a := shopguard.Assess(sigs, nil)
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	a.Explain(pack, shopguard.LangEN)
	if a.Risk != shopguard.RiskHigh || a.Signals[0].Message == "" || a.Signals[0].Message == a.Signals[0].Code {
		t.Fatalf("explained: %+v", a)
	}
	for _, s := range a.Signals {
		if strings.Contains(s.Message, "13812345678") || strings.Contains(s.Message, "{") {
			t.Fatalf("message shows the number or a placeholder: %q", s.Message)
		}
	}
}

func TestServiceAnswersDomainLookups(t *testing.T) {
	x := intel.NewIndex()
	x.Put(rep(shopguard.KindDomain, "sunny-gadgets.com", 80, 3, true))
	x.Put(rep(shopguard.KindDomain, "maybe-bad.com", 40, 1, false))
	svc := &intel.Service{Index: x, Now: func() time.Time { return day0 }}
	feeds := feed.NewSet()
	entries, _, err := feed.Parse(strings.NewReader("sunny-gadgets.com\nlisted-only.com\n"), feed.Options{Format: feed.FormatList})
	if err != nil {
		t.Fatal(err)
	}
	feeds.Replace("blocklist", entries, day0)
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	a := link.New(pack, link.Lookups{svc, feeds})
	for _, c := range []struct{ url, code, feed string }{
		{"https://www.sunny-gadgets.com/deal", link.CodeReported, intel.CommunitySource}, // the community is asked first
		{"https://listed-only.com/", link.CodeFeedListed, "blocklist"},
		{"https://maybe-bad.com/", "", ""}, // not confirmed: not a report of the link check
	} {
		res, err := a.Check(c.url, pack, shopguard.LangEN)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, s := range res.Signals {
			if s.Code == link.CodeReported || s.Code == link.CodeFeedListed {
				got = s.Code + " " + s.Args["feed"]
			}
		}
		if want := strings.TrimSpace(c.code + " " + c.feed); got != want {
			t.Errorf("%s: %q, want %q (%+v)", c.url, got, want, res.Signals)
		}
		if c.code != "" && res.Risk != shopguard.RiskHigh {
			t.Errorf("%s: risk %s", c.url, res.Risk)
		}
	}
}
