package intel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/intel"
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
