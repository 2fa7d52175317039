package http_test

import (
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

func TestCheckListingAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "POST", "/api/v1/check/listing?lang=en",
		`{"price":"1200","reference_price":"8999","payment":"bank_transfer","contacts":[{"kind":"qq"}]}`, nil)
	var a shopguard.Assessment
	if st != 200 || json.Unmarshal(body, &a) != nil {
		t.Fatalf("check: %d %s", st, body)
	}
	if a.Risk != shopguard.RiskHigh || len(a.Signals) < 3 || a.Signals[0].Message == "" || strings.Contains(a.Signals[0].Message, "{") || len(a.Advice) == 0 {
		t.Fatalf("verdict not explained or too mild: %+v", a)
	}
	if !strings.Contains(string(body), "13%") {
		t.Errorf("price ratio not in the explanation: %s", body)
	}
	st, _, body = ts.do(t, "POST", "/api/v1/check/listing", `{"price":"12,00.5.0"}`, nil)
	if st != 400 || errorOf(t, body).Field != "price" {
		t.Errorf("bad price: %d %s", st, body)
	}
}

func TestCheckSellerPage(t *testing.T) {
	ts := newTestServer(t, nil)
	form := url.Values{"price": {"300"}, "payment": {"personal_qr"}, "deposit": {"on"}, "contact": {"qq", "mobile"}}
	resp, err := ts.Client().PostForm(ts.URL+"/check/seller?lang=zh-CN", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != 200 || !strings.Contains(page, `data-risk="high"`) || !strings.Contains(page, `data-code="listing.deposit_first"`) || !strings.Contains(page, "定金") {
		t.Fatalf("seller check page: %d\n%s", resp.StatusCode, page)
	}
	// The form keeps what was entered.
	if !strings.Contains(page, `value="qq" checked`) || !strings.Contains(page, `value="personal_qr" selected`) {
		t.Errorf("form lost its values")
	}
	resp, err = ts.Client().PostForm(ts.URL+"/check/seller?lang=en", url.Values{"price": {"cheap"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), `id="form-error"`) || !strings.Contains(string(b), `aria-invalid="true"`) {
		t.Fatalf("bad price on the form: %d\n%s", resp.StatusCode, b)
	}
}
