package http

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/knowledge"
)

// The answer of POST /api/v1/scan, written by AppendJSON, is what encoding/json writes, with
// an id and without, for texts that find much, little and nothing; writeJSON sends it whole
// with a newline.
func TestScanAnswerIsMarshal(t *testing.T) {
	p, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := text.New(p)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"亲，您好，这里是淘宝官方售后客服。商品质检不合格，请添加客服微信 kf_refund88 ，提供银行卡号和验证码领取三倍赔偿。",
		"Your parcel is held: pay the customs fee at https://dhl-parcel-fee.top/pay?id=7 within 24 hours <or> it is returned & destroyed.",
		"明天下午三点见，记得带伞。",
		"",
	}
	for _, id := range []string{"", "req-1", "<a&b>\u2028"} {
		for _, msg := range texts {
			res := d.Scan([]text.Message{{Text: msg}})
			res.Explain(p, shopguard.LangEN)
			ans := &scanResponse{ID: id, Result: res}
			want, err := json.Marshal(ans)
			if err != nil {
				t.Fatal(err)
			}
			if got := ans.AppendJSON(nil); string(got) != string(want) {
				t.Fatalf("AppendJSON:\n%s\nwant\n%s", got, want)
			}
			w := httptest.NewRecorder()
			writeJSON(w, 200, ans)
			if w.Body.String() != string(want)+"\n" || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("writeJSON: %q, %q", w.Body.String(), w.Header().Get("Content-Type"))
			}
		}
	}
}
