package casework_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/knowledge"
)

// The tests here check the plan's legal statements against the real pack: each names a rule
// that an earlier text got wrong.

func realPlanner(t *testing.T) *casework.Planner {
	t.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := casework.NewPlanner(pack)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func stepOf(t *testing.T, plan casework.Plan, channel string) casework.Step {
	t.Helper()
	for _, s := range plan.Steps {
		if s.Channel == channel {
			return s
		}
	}
	t.Fatalf("the plan has no %s step: %s", channel, channels(plan))
	return casework.Step{}
}

// stepText is everything a step says, with the ids of its sources.
func stepText(s casework.Step) (string, []string) {
	var b strings.Builder
	var ids []string
	for _, x := range append(append([]string{s.When, s.TimeLimits}, s.Why...), s.Bring...) {
		b.WriteString(x + "\n")
	}
	for _, r := range s.Rules {
		b.WriteString(r.Text + "\n")
		for _, src := range r.Sources {
			ids = append(ids, src.ID)
		}
	}
	for _, l := range s.Limits {
		for _, src := range l.Sources {
			ids = append(ids, src.ID)
		}
	}
	return b.String(), ids
}

var planDay = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func TestWhereToComplainFollowsTheComplaintMeasures(t *testing.T) {
	p := realPlanner(t)
	tr := shopguard.Triage{Culprit: "seller", Payment: "escrow", PaidOn: "2026-11-01", Platform: "Taobao"}
	for _, lang := range shopguard.Langs {
		st := stepOf(t, p.Plan(tr, lang, planDay), casework.Chan12315)
		text, ids := stepText(st)
		if strings.Contains(text, "盖章") || strings.Contains(text, "公章") || strings.Contains(strings.ToLower(text), "seal") {
			t.Errorf("%s: the 12315 step still sends the complaint by the seal on the receipt:\n%s", lang, text)
		}
		want := map[shopguard.Lang][]string{shopguard.LangZH: {"实际经营地", "住所地", "平台经营者住所地"}, shopguard.LangEN: {"actually operates", "registered", "platform operator is registered"}}[lang]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the 12315 step does not say %q:\n%s", lang, w, text)
			}
		}
		if !slices.Contains(ids, "samr_complaint_measures") {
			t.Errorf("%s: the 12315 rules do not cite the complaint measures: %v", lang, ids)
		}
		if !strings.Contains(text, map[shopguard.Lang]string{shopguard.LangZH: "三年", shopguard.LangEN: "three years"}[lang]) {
			t.Errorf("%s: the three-year limit is gone from the 12315 step", lang)
		}
	}
	pack, _ := knowledge.Default()
	m, _ := pack.Law("samr_complaint_measures")
	if m.InForce != "2026-04-15" || !strings.Contains(m.Version.EN, "121") || m.Confirm == nil {
		t.Errorf("complaint measures = %+v, want Order No. 121 in force 2026-04-15 with what to confirm", m)
	}
}

func TestWhereToSueIncludesThePlaceOfDelivery(t *testing.T) {
	p := realPlanner(t)
	tr := shopguard.Triage{Culprit: "seller", Payment: "escrow", SellerLocation: "广东省深圳市"}
	for _, lang := range shopguard.Langs {
		st := stepOf(t, p.Plan(tr, lang, planDay), casework.ChanCourt)
		text, ids := stepText(st)
		if strings.Contains(text, "Jurisdiction follows where the seller is") || strings.Contains(text, "按商家所在地确定管辖") {
			t.Errorf("%s: the court step still ties jurisdiction to the seller alone:\n%s", lang, text)
		}
		if !strings.Contains(text, map[shopguard.Lang]string{shopguard.LangZH: "收货地", shopguard.LangEN: "where the goods were delivered"}[lang]) {
			t.Errorf("%s: the court step does not offer the place of delivery:\n%s", lang, text)
		}
		if !slices.Contains(ids, "civil_procedure_law_24") || !slices.Contains(ids, "spc_civil_procedure_interpretation_20") {
			t.Errorf("%s: the court rule does not cite CPL art. 24 and the SPC interpretation art. 20: %v", lang, ids)
		}
	}
}

func TestComplaint12315AsksForTheMailingAddress(t *testing.T) {
	in := casework.DocInput{Case: &shopguard.Case{ID: "c1", Triage: shopguard.Triage{Culprit: "seller", Payment: "escrow"}}, Now: planDay}
	for lang, want := range map[shopguard.Lang]string{shopguard.LangZH: "通讯地址", shopguard.LangEN: "Mailing address"} {
		md, err := casework.Markdown(casework.DocComplaint12315, lang, in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(md), want) {
			t.Errorf("%s: the 12315 complaint has no line for the complainant's %s:\n%s", lang, want, md)
		}
		if strings.Contains(string(md), "盖章") || strings.Contains(string(md), "seal") {
			t.Errorf("%s: the 12315 complaint still routes by the seal on the invoice:\n%s", lang, md)
		}
	}
}

func TestDefectsFollowArticle24(t *testing.T) {
	p := realPlanner(t)
	tr := shopguard.Triage{Culprit: "seller", Payment: "escrow"}
	for _, lang := range shopguard.Langs {
		st := stepOf(t, p.Plan(tr, lang, planDay), casework.ChanMerchant)
		text, ids := stepText(st)
		if strings.Contains(text, "不受这七天限制") || strings.Contains(text, "not bound by those seven days") {
			t.Errorf("%s: the merchant step still says defects escape the seven days:\n%s", lang, text)
		}
		want := map[shopguard.Lang][]string{shopguard.LangZH: {"七日", "解除合同", "更换或修理"}, shopguard.LangEN: {"seven days", "ending the contract", "replacement or repair"}}[lang]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the merchant step does not say %q:\n%s", lang, w, text)
			}
		}
		if !slices.Contains(ids, "cprl_24") {
			t.Errorf("%s: the defect rule does not cite CRIPL art. 24: %v", lang, ids)
		}
	}
}

func TestArbitrationCountsAnUndeniedAgreement(t *testing.T) {
	p := realPlanner(t)
	tr := shopguard.Triage{Culprit: "seller", Payment: "escrow", Arbitration: true}
	for _, lang := range shopguard.Langs {
		st := stepOf(t, p.Plan(tr, lang, planDay), casework.ChanArbitration)
		text, ids := stepText(st)
		if strings.Contains(text, "只有在") || strings.Contains(text, "Only available when") {
			t.Errorf("%s: arbitration is still said to need a written agreement only:\n%s", lang, text)
		}
		if !strings.Contains(text, map[shopguard.Lang]string{shopguard.LangZH: "首次开庭前", shopguard.LangEN: "before the first hearing"}[lang]) {
			t.Errorf("%s: the arbitration step does not tell of the agreement not denied before the first hearing:\n%s", lang, text)
		}
		if !slices.Contains(ids, "arbitration_law_27") {
			t.Errorf("%s: the arbitration rule does not cite the Arbitration Law art. 27: %v", lang, ids)
		}
	}
}

func TestEveryTimeLimitNamesItsKindAndSource(t *testing.T) {
	p := realPlanner(t)
	for _, tr := range []shopguard.Triage{
		{Culprit: "seller", Payment: "card", PaidOn: "2026-11-01", Arbitration: true, SiteURL: "http://x.example"},
		{Culprit: "impostor", Payment: "transfer"},
		{Culprit: "platform", Payment: "transfer"},
	} {
		for _, st := range p.Plan(tr, shopguard.LangEN, planDay).Steps {
			for _, l := range st.Limits {
				if l.Kind != knowledge.LimitLegal && l.Kind != knowledge.LimitDispute && l.Kind != knowledge.LimitPractice {
					t.Errorf("%s: limit of unknown kind %q", st.Channel, l.Kind)
				}
				if len(l.Sources) == 0 || l.Sources[0].Ref == "" || l.Sources[0].Checked == "" {
					t.Errorf("%s: limit %q has no source a reader can follow", st.Channel, l.Text)
				}
			}
		}
	}
	card := stepOf(t, p.Plan(shopguard.Triage{Culprit: "seller", Payment: "card"}, shopguard.LangEN, planDay), casework.ChanCardIssuer)
	if text, ids := stepText(card); !strings.Contains(text, "120 days") || !slices.Contains(ids, "card_scheme_dispute_rules") {
		t.Errorf("the card step does not give the schemes' 120-day window with its source:\n%s %v", text, ids)
	}
	police := stepOf(t, p.Plan(shopguard.Triage{Culprit: "platform", Payment: "transfer"}, shopguard.LangEN, planDay), casework.ChanPolice)
	if text, _ := stepText(police); !strings.Contains(text, "hours") {
		t.Errorf("the police step does not say the hold is counted in hours:\n%s", text)
	}
}

func Test12321ForCallsMessagesAndPersonalData(t *testing.T) {
	p := realPlanner(t)
	plan := p.Plan(shopguard.Triage{Culprit: "impostor", Payment: "none"}, shopguard.LangZH, planDay)
	st := stepOf(t, plan, casework.Chan12321)
	if !strings.Contains(st.Contact, "12321") {
		t.Errorf("12321 step contact = %q", st.Contact)
	}
	pack, _ := knowledge.Default()
	for _, id := range []string{"phishing", "personal_info_harvest"} {
		s, _ := pack.ScamType(id)
		if !slices.Contains(s.Channels, casework.Chan12321) {
			t.Errorf("scam type %s does not name the 12321 channel: %v", id, s.Channels)
		}
	}
	if _, ok := pack.Law("cprl_regulations_2024"); !ok {
		t.Error("the 2024 CRIPL implementing regulations are not among the sources")
	}
}
