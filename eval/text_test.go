package eval

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/knowledge"
)

// detector returns the default pack and the text detector built from it.
func detector(t *testing.T) (*knowledge.Pack, *text.Detector) {
	t.Helper()
	p, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := text.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, d
}

func TestEvalTextTallies(t *testing.T) {
	p, d := detector(t)
	rows := `{"id":"1","text":"您好，我是平台客服，您的订单异常需要退款，请把收到的验证码发给我。","label":"scam","type":"fake_customer_service","source":"a"}
{"id":"2","text":"我是你表哥，换号了，急用钱，先帮我转五千。","label":"scam","type":"fake_customer_service","source":"a"}
{"id":"3","messages":[{"from":"me","text":"发货了吗"},{"from":"them","text":"今天发"}],"label":"ok","source":"b"}
{"id":"4","text":"Win a prize, call 09061234567 now","label":"scam","type":"smishing","source":"c"}
not json
{"id":"6","messages":[{"from":"robot","text":"x"}],"label":"ok","source":"b"}
`
	known := func(s string) bool { _, ok := p.ScamType(s); return ok }
	rep, err := EvalText(d, strings.NewReader(rows), known)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bad != 2 || len(rep.Groups) != 3 {
		t.Fatalf("report: %+v", rep)
	}
	a := rep.Groups[0]
	if a.Source != "a" || a.Rows != 2 || a.Flagged != 2 || a.TypeHits != 1 {
		t.Errorf("group a: %+v", a)
	}
	if b := rep.Groups[1]; b.Rows != 1 || b.Flagged != 0 {
		t.Errorf("group b: %+v", b)
	}
	if c := rep.Groups[2]; c.Flagged != 1 || c.TypeHits != 0 {
		t.Errorf("group c: %+v", c)
	}
	md := rep.Markdown(known)
	if !strings.Contains(md, "| a | scam | fake_customer_service | 2 | 100.0% (2) | 50.0% |") || !strings.Contains(md, "| c | scam | smishing | 1 | 100.0% (1) | — |") || !strings.Contains(md, "2 lines could not be read") {
		t.Errorf("markdown:\n%s", md)
	}
}

func TestBySourceGroupsSourcesAndTypes(t *testing.T) {
	rows := `{"id":"1","messages":[{"from":"them","text":"您的订单异常"},{"from":"me","text":"嗯"}],"label":"scam","type":"fake_customer_service","source":"calls","use":"train"}
{"id":"2","text":"恭喜中奖","label":"scam","type":"lottery","source":"calls","use":"train"}
{"id":"3","text":"到了吗","label":"ok","source":"calls","use":"train"}
{"id":"4","text":"Your parcel is held, pay phishing@pot the fee","label":"scam","source":"mail","use":"eval"}
`
	// A scanner that flags every row whose text mentions an order or a parcel, and names
	// fake_customer_service, so that the tallies are known in advance.
	var seen []string
	d := scanFunc(func(msgs []text.Message) text.Result {
		seen = append(seen, msgs[0].Text)
		if strings.Contains(msgs[0].Text, "订单") || strings.Contains(msgs[0].Text, "parcel") {
			return text.Result{Risk: "medium", Types: []string{"fake_customer_service"}}
		}
		return text.Result{Risk: "low"}
	})
	known := func(s string) bool { return s == "fake_customer_service" }
	rep, err := EvalText(d, strings.NewReader(rows), known)
	if err != nil {
		t.Fatal(err)
	}
	more, err := EvalText(d, strings.NewReader(`{"id":"5","text":"订单已发货","label":"ok","source":"calls","use":"eval"}`+"\n"), known)
	if err != nil {
		t.Fatal(err)
	}
	rep.Merge(more)
	if strings.Contains(strings.Join(seen, " "), "phishing@pot") {
		t.Errorf("the honeypot's recipient token was not masked: %q", seen)
	}
	md := rep.BySource(known, func(s string) bool { return s == "calls" })
	for _, want := range []string{
		"| calls | mixed | yes (in-distribution) | ok | — | 2 | 50.0% (1) | — |",
		"| calls | train | yes (in-distribution) | scam | (all 2 types) | 2 | 50.0% (1) | 100.0% |",
		"| calls | train | yes (in-distribution) | scam | fake_customer_service | 1 | 100.0% (1) | 100.0% |",
		"| calls | train | yes (in-distribution) | scam | lottery | 1 | 0.0% (0) | — |",
		"| mail | eval | no (unseen) | scam | — | 1 | 100.0% (1) | — |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("by source: missing %q in\n%s", want, md)
		}
	}
}

type scanFunc func([]text.Message) text.Result

func (f scanFunc) Scan(msgs []text.Message) text.Result { return f(msgs) }
