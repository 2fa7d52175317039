package casework_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/knowledge"
)

func channels(p casework.Plan) string {
	var out []string
	for _, s := range p.Steps {
		c := s.Channel
		if s.Urgent {
			c += "!"
		}
		out = append(out, c)
	}
	return strings.Join(out, " ")
}

func TestPlanOrder(t *testing.T) {
	p := testPlanner(t)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		triage shopguard.Triage
		want   string
	}{
		{"seller, escrow, recent: dispute before the money is released",
			shopguard.Triage{Culprit: "seller", Payment: "escrow", PaidOn: "2026-11-20"},
			"platform! merchant consumer_association_12315 hotline_12345 police court"},
		{"seller, escrow, long ago: no urgency",
			shopguard.Triage{Culprit: "seller", Payment: "escrow", PaidOn: "2026-09-01"},
			"merchant platform consumer_association_12315 hotline_12345 police court"},
		{"seller lured off the platform: fraud, stop the transfer first",
			shopguard.Triage{Culprit: "seller", Payment: "transfer", PaidOn: "2026-11-26"},
			"police! card_issuer! platform consumer_association_12315 hotline_12345 court"},
		{"transfer weeks ago: police and bank still urgent, holds are counted in hours and there is no window",
			shopguard.Triage{Culprit: "seller", Payment: "transfer", PaidOn: "2026-10-01"},
			"police! card_issuer! platform consumer_association_12315 hotline_12345 court"},
		{"card paid 90 days ago: still within the schemes' 120-day dispute window",
			shopguard.Triage{Culprit: "seller", Payment: "card", PaidOn: "2026-08-29"},
			"card_issuer! merchant platform consumer_association_12315 hotline_12345 police court"},
		{"card paid 200 days ago: the dispute stays in the plan, no longer urgent",
			shopguard.Triage{Culprit: "seller", Payment: "card", PaidOn: "2026-05-11"},
			"card_issuer merchant platform consumer_association_12315 hotline_12345 police court"},
		{"card and arbitration agreed",
			shopguard.Triage{Culprit: "seller", Payment: "card", PaidOn: "2026-11-01", Arbitration: true},
			"card_issuer! merchant platform consumer_association_12315 hotline_12345 police arbitration court"},
		{"fake platform: never complain to it",
			shopguard.Triage{Culprit: "platform", Payment: "transfer"},
			"police! card_issuer! report_12377 hotline_12345"},
		{"impostor of the platform, card",
			shopguard.Triage{Culprit: "impostor", Payment: "card", PaidOn: "2026-11-27"},
			"police! card_issuer! platform report_12321 hotline_12345"},
		{"impostor, nothing paid, site given",
			shopguard.Triage{Culprit: "impostor", Payment: "none", SiteURL: "http://taobao-refund.example"},
			"platform report_12377 report_12321 hotline_12345 police"},
		{"cheating buyer",
			shopguard.Triage{Culprit: "buyer", Payment: "escrow", PaidOn: "2026-11-25"},
			"platform! police court"},
		{"nothing answered yet still gives a plan",
			shopguard.Triage{},
			"merchant platform consumer_association_12315 hotline_12345 police court"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := p.Plan(tt.triage, shopguard.LangEN, now)
			if got := channels(plan); got != tt.want {
				t.Errorf("plan = %s\n want %s", got, tt.want)
			}
			for _, s := range plan.Steps {
				if s.Channel == casework.ChanPlatform && tt.triage.Culprit == shopguard.CulpritPlatform {
					t.Error("plan sends the victim to complain to the fraudulent platform itself")
				}
				if s.Name == "" || len(s.Why) == 0 || len(s.Bring) == 0 || s.TimeLimits == "" || len(s.LegalBasis) == 0 || len(s.Limits) == 0 {
					t.Errorf("step %s is incomplete: %+v", s.Channel, s)
				}
				for _, l := range s.Limits {
					if l.Kind == "" || l.Text == "" || len(l.Sources) == 0 || l.Sources[0].Ref == "" || l.Sources[0].Version == "" {
						t.Errorf("step %s: a time limit without its kind or source: %+v", s.Channel, l)
					}
				}
			}
		})
	}
}

func TestPlanTextsFromPackInLanguage(t *testing.T) {
	p := testPlanner(t)
	tr := shopguard.Triage{Culprit: "seller", Payment: "escrow", SellerLocation: "浙江省杭州市"}
	zh := p.Plan(tr, shopguard.LangZH, day)
	en := p.Plan(tr, shopguard.LangEN, day)
	if zh.Steps[0].Channel != "platform" || !zh.Steps[0].Urgent {
		t.Errorf("escrow paid on an unknown date: the platform dispute should come first and be urgent, got %+v", zh.Steps[0])
	}
	st := zh.Steps[1]
	if st.Channel != "merchant" || st.Name != "测试商家" || st.Bring[0] != "测试商家材料" || st.TimeLimits != "测试商家时限" ||
		st.Limits[0].Kind != knowledge.LimitPractice || st.Rules[0].Text != "测试商家时限规则" || st.Rules[0].Sources[0].Ref != "https://example.org/law/1" ||
		st.LegalBasis[0].Title != "测试消费者法条" || st.Document != casework.DocDemandLetter {
		t.Errorf("zh step = %+v", st)
	}
	if en.Steps[1].Name != "Test Merchant" || !strings.Contains(en.Steps[1].Why[0], "seller") {
		t.Errorf("en step = %+v", en.Steps[1])
	}
	for _, s := range zh.Steps {
		if s.Channel == casework.Chan12315 && !strings.Contains(strings.Join(s.Why, ""), "浙江省杭州市") {
			t.Errorf("12315 step does not name the seller's place: %v", s.Why)
		}
	}
	if strings.Join(zh.Missing, ",") != "paid_on" || len(zh.Questions) != 1 {
		t.Errorf("missing = %v %v", zh.Missing, zh.Questions)
	}
	empty := p.Plan(shopguard.Triage{}, shopguard.LangEN, day)
	if strings.Join(empty.Missing, ",") != "culprit,payment,paid_on,seller_location" {
		t.Errorf("missing for an empty triage = %v", empty.Missing)
	}
}

func TestNewPlannerNeedsEveryChannel(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := casework.NewPlanner(pack); err != nil {
		t.Fatalf("the default knowledge pack lacks a channel the plan uses: %v", err)
	}
}

func TestNextStep(t *testing.T) {
	p := testPlanner(t)
	plan := p.Plan(shopguard.Triage{Culprit: "seller", Payment: "escrow", PaidOn: "2026-11-01"}, shopguard.LangEN, day)
	st, _, ok := casework.NextStep(plan, nil)
	if !ok || st.Channel != "merchant" {
		t.Fatalf("first next step = %s %v", st.Channel, ok)
	}
	var statuses []*shopguard.ChannelStatus
	for _, s := range plan.Steps {
		statuses = append(statuses, &shopguard.ChannelStatus{Channel: s.Channel, State: shopguard.StateClosed})
	}
	statuses[0].State = shopguard.StateNotStarted
	if st, _, _ := casework.NextStep(plan, statuses); st.Channel != "merchant" {
		t.Fatalf("a not-started step comes next, got %s", st.Channel)
	}
	statuses[0].State = shopguard.StateClosed
	statuses[1].State, statuses[1].FollowUp = shopguard.StateSubmitted, "2026-12-10"
	statuses[2].State, statuses[2].FollowUp = shopguard.StateSubmitted, "2026-12-01"
	st, s, ok := casework.NextStep(plan, statuses)
	if !ok || st.Channel != plan.Steps[2].Channel || s.FollowUp != "2026-12-01" {
		t.Fatalf("next = %s %+v %v; want the earliest follow-up", st.Channel, s, ok)
	}
	statuses[1].State, statuses[2].State = shopguard.StateAnswered, shopguard.StateClosed
	if _, _, ok := casework.NextStep(plan, statuses); ok {
		t.Fatal("nothing left to do, but NextStep found a step")
	}
}

func TestStepTitle(t *testing.T) {
	for _, tt := range []struct{ name, contact, want string }{
		{"Police (110 / 96110)", "110 / 96110", "Police (110 / 96110)"},
		{"12315", "www.12315.cn", "12315 — www.12315.cn"},
		{"Merchant", "", "Merchant"},
	} {
		if got := (casework.Step{Name: tt.name, Contact: tt.contact}).Title(); got != tt.want {
			t.Errorf("Title(%q, %q) = %q, want %q", tt.name, tt.contact, got, tt.want)
		}
	}
}

func TestPlanSaysWhatEvidenceToGather(t *testing.T) {
	p := testPlanner(t)
	all := p.Plan(shopguard.Triage{Culprit: "seller", Payment: "escrow"}, shopguard.LangEN, day)
	if len(all.Gather) != 7 || !strings.HasPrefix(all.Gather[0], "Chat history") {
		t.Fatalf("a seller case with no evidence named: gather %q", all.Gather)
	}
	some := p.Plan(shopguard.Triage{Culprit: "impostor", Payment: "transfer", Evidence: []shopguard.EvidenceKind{"chat"}}, shopguard.LangZH, day)
	if len(some.Gather) != 2 || !strings.HasPrefix(some.Gather[0], "付款记录") || !strings.HasPrefix(some.Gather[1], "商品或网站页面") {
		t.Fatalf("an impostor case with chats: gather %q; want the payment record and the site", some.Gather)
	}
}
