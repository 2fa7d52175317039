package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/model"
)

func TestLeaveOneOutScoresEachScamSourceUnseen(t *testing.T) {
	p, d := detector(t)
	checks := combine.Checks{Text: d, Links: link.New(p, nil)}
	var b strings.Builder
	line := func(id, txt, label, source, use string) {
		fmt.Fprintf(&b, `{"id":%q,"text":%q,"label":%q,"source":%q,"use":%q}`+"\n", id, txt, label, source, use)
	}
	for i := range 20 {
		line(fmt.Sprint("a", i), "您的包裹滞留，请点击链接补缴运费 http://example.cn/x", "scam", "calls", "train")
		line(fmt.Sprint("b", i), "您的包裹已到驿站，请凭取件码领取", "ok", "calls", "train")
		line(fmt.Sprint("c", i), "Your parcel is held, pay the fee at http://example.net/y", "spam", "sms", "train")
		line(fmt.Sprint("d", i), "See you at six", "ok", "sms", "train")
		line(fmt.Sprint("e", i), "明天见", "ok", "chats", "train")
		line(fmt.Sprint("f", i), "Your parcel is held, pay the fee at http://example.net/z", "scam", "honeypot", "eval")
	}
	rows, bad, err := ReadRows(strings.NewReader(b.String()))
	if err != nil || bad != 0 || len(rows) != 120 {
		t.Fatalf("read: %d rows, %d bad, %v", len(rows), bad, err)
	}
	ex := Examples(checks, rows, Shippable)
	if len(ex) != 100 {
		t.Fatalf("%d examples, want the 100 shippable rows (the eval-only source left out)", len(ex))
	}
	rep, err := LeaveOneOut(checks, ex, rows, func(string) bool { return false }, model.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range rep.Groups {
		got = append(got, fmt.Sprintf("%s/%s/%s/%d", g.Source, g.Label, g.Use, g.Rows))
	}
	if want := "calls/ok/left out/20 calls/scam/left out/20 sms/ok/left out/20 sms/spam/left out/20"; strings.Join(got, " ") != want {
		t.Errorf("left-out groups: %q, want %q", got, want)
	}
}
