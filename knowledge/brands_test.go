package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestBrandRegistry(t *testing.T) {
	p := mustDefault(t)
	if len(p.Brands) < 60 {
		t.Errorf("brands: got %d, want at least 60", len(p.Brands))
	}
	for _, id := range []string{"taobao", "tmall", "jd", "alipay", "wechat_pay", "pinduoduo", "xianyu", "ali1688", "meituan",
		"suning", "vipshop", "sf_express", "cainiao", "china_post", "unionpay", "amazon", "ebay", "paypal", "walmart",
		"aliexpress", "temu", "shein", "etsy", "shopee", "lazada", "rakuten", "mercado_libre", "apple", "bestbuy",
		"target", "costco", "dhl", "fedex", "ups", "usps", "visa", "mastercard"} {
		if _, ok := p.Brand(id); !ok {
			t.Errorf("brand %q missing", id)
		}
	}
	b, _ := p.Brand("taobao")
	if b == nil || !strings.Contains(strings.Join(b.Domains, " "), "tb.cn") || !strings.Contains(strings.Join(b.Tokens, " "), "淘宝") {
		t.Errorf("taobao = %+v, want tb.cn among its domains and 淘宝 among its tokens", b)
	}
	kinds := map[string]bool{}
	for _, l := range p.LinkTerms {
		kinds[l.Kind] = true
	}
	for k := range termKinds {
		if !kinds[k] {
			t.Errorf("no link terms of kind %q", k)
		}
	}
}

func TestBrandChecks(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"not registrable", "[www.shop.com]", "not a registrable domain"},
		{"upper case", "[Shop.com]", "lower case"},
		{"public suffix", "[co.uk]", "not a registrable domain"},
		{"non-ascii", "[淘宝.com]", "ASCII"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := fstest.MapFS{"brands.yaml": {Data: []byte("brands:\n  - id: shop\n    name: {zh-CN: 店, en: Shop}\n    category: shopping\n    domains: " + tc.yaml + "\n    tokens: [shop]\n")}}
			_, err := Load(mustEmbedded(t), sub)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "brands.yaml:5") {
				t.Fatalf("Load: got %v, want an error at brands.yaml:5 saying %q", err, tc.want)
			}
		})
	}
	sub := fstest.MapFS{"brands.yaml": {Data: []byte("brands:\n  - id: fake\n    name: {zh-CN: 假, en: Fake}\n    category: shopping\n    domains: [taobao.com]\n    tokens: [fake]\n")}}
	if _, err := Load(mustEmbedded(t), sub); err == nil || !strings.Contains(err.Error(), "already official for brand \"taobao\"") {
		t.Fatalf("Load: got %v, want a domain claimed by two brands refused", err)
	}
	sub = fstest.MapFS{"brands.yaml": {Data: []byte("brands:\n  - id: myshop\n    name: {zh-CN: 我的店, en: My shop}\n    category: shopping\n    domains: [myshop.example]\n    tokens: [myshop]\n")}}
	p, err := Load(mustEmbedded(t), sub)
	if err != nil {
		t.Fatalf("Load with an operator brand: %v", err)
	}
	if _, ok := p.Brand("myshop"); !ok {
		t.Error("operator's brand not added")
	}
}
