package combine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/model"
	"github.com/shopguard/shopguard/detect/text"
)

// fixtureModel trains a model on examples written for this test, in which the words of a
// made-up scam story ("紫色仓库 … 星光补贴", "violet warehouse … starlight grant") mark the
// scams, with and without a link, and everyday messages the legitimate ones.
// modelChecks returns the test's checks without a learned layer, the fixture model, and the
// same checks with it.
func modelChecks(t *testing.T) (combine.Checks, *model.Model, combine.Checks) {
	t.Helper()
	c, _ := checks(t, nil)
	m := fixtureModel(t, c)
	withModel := c
	withModel.Model = m
	return c, m, withModel
}

func fixtureModel(t *testing.T, c combine.Checks) *model.Model {
	t.Helper()
	scam := []string{
		"紫色仓库通知：星光补贴已到账",
		"紫色仓库：您的星光补贴在这里 http://example.cn/a",
		"Violet warehouse notice: your starlight grant is ready",
		"Violet warehouse: claim the starlight grant http://example.net/b",
	}
	ok := []string{
		"明天下午见，记得带伞",
		"您的快递已放在门口 http://example.cn/track",
		"See you tomorrow afternoon",
		"Your order has shipped http://example.net/track",
	}
	var ex []model.Example
	for i := range 30 {
		for j, s := range append(scam, ok...) {
			msgs := []text.Message{{From: text.FromThem, Text: s}}
			ex = append(ex, model.Example{ID: fmt.Sprint(i, "-", j), Source: "fixture",
				Doc: model.NewDoc(msgs, c.Scan(msgs)), Scam: j < len(scam)})
		}
	}
	m, err := model.Train(ex, model.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModelLiftsOnlyWithAStructuralCue(t *testing.T) {
	c, m, withModel := modelChecks(t)
	scan := func(s string) text.Result { return withModel.Scan([]text.Message{{From: text.FromThem, Text: s}}) }

	// The model takes it for a scam, but the message asks nothing: it stays low.
	bare := "紫色仓库通知：星光补贴"
	if p := m.Prob(model.Doc{Msgs: []text.Message{{From: text.FromThem, Text: bare}}}); p < m.Threshold {
		t.Fatalf("the fixture model does not take %q for a scam (%.2f < %.2f): the test proves nothing", bare, p, m.Threshold)
	}
	if r := scan(bare); r.Risk != shopguard.RiskLow || hasCode(r.Signals, combine.ModelSignal) {
		t.Errorf("without a structural cue: %s %+v", r.Risk, r.Signals)
	}

	// With a link, the same words lift it to medium, exactly, and the signal names them.
	linked := "紫色仓库通知：星光补贴 http://example.cn/c"
	base := c.Scan([]text.Message{{From: text.FromThem, Text: linked}})
	if base.Risk != shopguard.RiskLow || !combine.Structural(base) {
		t.Fatalf("without the model: %s, structural %v", base.Risk, combine.Structural(base))
	}
	r := scan(linked)
	s, ok := find(r.Signals, combine.ModelSignal)
	if !ok || r.Risk != shopguard.RiskMedium || r.Score != shopguard.ScoreMedium || s.Weight != shopguard.ScoreMedium-base.Score {
		t.Fatalf("with a link: %s %d %+v", r.Risk, r.Score, r.Signals)
	}
	if !strings.Contains(s.Args["words"], "星光") || s.Args["percent"] == "" {
		t.Errorf("signal args: %v", s.Args)
	}

	// A calm message with a link stays low; a verdict already medium gets no model signal.
	if r := scan("明天下午见 http://example.cn/d"); r.Risk != shopguard.RiskLow || hasCode(r.Signals, combine.ModelSignal) {
		t.Errorf("calm message with a link: %s %+v", r.Risk, r.Signals)
	}
	high := "紫色仓库：我是平台客服，您的订单异常需要退款，请把收到的验证码发给我 http://example.cn/e"
	if r := scan(high); r.Risk == shopguard.RiskLow || hasCode(r.Signals, combine.ModelSignal) {
		t.Errorf("a verdict already medium or high: %s %+v", r.Risk, r.Signals)
	}
}

// TestModelNotAskedAboutOwnSiteOnly checks that a message whose only way to act is an official
// site is not lifted by the model, though the model takes its words for a scam.
func TestModelNotAskedAboutOwnSiteOnly(t *testing.T) {
	_, m, withModel := modelChecks(t)
	official := "紫色仓库：星光补贴，您的包裹因地址不详无法派送，请在官网 https://www.sf-express.com/ 修改地址"
	if p := m.Prob(model.Doc{Msgs: []text.Message{{From: text.FromThem, Text: official}}}); p < m.Threshold {
		t.Fatalf("the fixture model does not take %q for a scam (%.2f): the test proves nothing", official, p)
	}
	if r := withModel.Scan([]text.Message{{From: text.FromThem, Text: official}}); r.Risk != shopguard.RiskLow || hasCode(r.Signals, combine.ModelSignal) {
		t.Errorf("only an official site to act on: %s %d %+v", r.Risk, r.Score, r.Signals)
	}
}

// TestModelSilentOnShapesItDidNotLearn checks that the model does not speak on a kind of text
// it learned no legitimate examples of: trained on short messages, it lifts a short one with
// a link, but not an e-mail-sized one in the same words, though it takes that for a scam too.
func TestModelSilentOnShapesItDidNotLearn(t *testing.T) {
	c, m, withModel := modelChecks(t)
	short := "Violet warehouse: starlight grant http://example.net/c"
	long := strings.Repeat("Violet warehouse notice: your starlight grant is ready. ", 50) + "http://example.net/c"
	for _, s := range []string{short, long} {
		msgs := []text.Message{{From: text.FromThem, Text: s}}
		base := c.Scan(msgs)
		if base.Risk != shopguard.RiskLow || !combine.Structural(base) {
			t.Fatalf("%d bytes without the model: %s, structural %v", len(s), base.Risk, combine.Structural(base))
		}
		if p := m.Prob(model.NewDoc(msgs, base)); p < m.Threshold {
			t.Fatalf("the fixture model does not take %d bytes of the story for a scam (%.2f): the test proves nothing", len(s), p)
		}
	}
	if r := withModel.Scan([]text.Message{{From: text.FromThem, Text: short}}); r.Risk != shopguard.RiskMedium || !hasCode(r.Signals, combine.ModelSignal) {
		t.Errorf("a short message, as the model learned: %s %+v", r.Risk, r.Signals)
	}
	if r := withModel.Scan([]text.Message{{From: text.FromThem, Text: long}}); r.Risk != shopguard.RiskLow || hasCode(r.Signals, combine.ModelSignal) {
		t.Errorf("an e-mail-sized message, of a shape the model learned no legitimate examples of: %s %+v", r.Risk, r.Signals)
	}
}

func hasCode(sigs []shopguard.Signal, code string) bool {
	_, ok := find(sigs, code)
	return ok
}

func TestEmbeddedModelKeepsLegitimateChatsLow(t *testing.T) {
	c, _ := checks(t, nil)
	m, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	c.Model = m
	for _, s := range []string{
		"您的快递已到驿站，请凭取件码 1234 到店领取，详询 95311",
		"Your order 12345 has shipped. Track it at https://www.ups.com/track",
		"亲，已经发货了，单号在订单详情里可以查看哦",
	} {
		if r := c.Scan([]text.Message{{From: text.FromThem, Text: s}}); r.Risk != shopguard.RiskLow {
			t.Errorf("%q: %s %+v", s, r.Risk, r.Signals)
		}
	}
}
