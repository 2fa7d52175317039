package link

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// jsonLinks are links whose results use every member of a Result: signals with and without
// arguments, advice, scam types, characters JSON escapes.
var jsonLinks = []string{
	"https://taobao.com", "taobao.com.refund-center.xyz", "https://taobao.com@evil.example/login", "paypa1.com",
	"xn--80aa5bbq6d.com", "https://淘宝退款.com/", "http://192.168.10.4/alipay/login", "https://bit.ly/3xYz",
	"http://shop.example.top/account/login?a=<b>&c=\"d\"", "a.b.c.d.e.evil-shop.top", "https://www.google.com/url?q=https://taobao-tuikuan.com",
	"wikipedia.org", "example.com/\u2028path",
}

// TestAppendJSONIsMarshal: AppendJSON writes what encoding/json writes for the result of every
// benchmark link and the links above, unexplained and explained in both languages; and it
// knows every field (a new one must be added to it).
func TestAppendJSONIsMarshal(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{reflect.TypeFor[Result](): 5, reflect.TypeFor[shopguard.Assessment](): 7} {
		if typ.NumField() != fields {
			t.Errorf("%s has %d fields, AppendJSON writes %d: add the new ones to it", typ, typ.NumField(), fields)
		}
	}
	p, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	a := New(p, nil)
	results := []Result{{}, {Assessment: shopguard.Assessment{Advice: []string{}, Checked: []string{}, Signals: []shopguard.Signal{}}}}
	for _, u := range append(benchLinks(t), jsonLinks...) {
		l, err := Parse(u)
		if err != nil {
			continue
		}
		results = append(results, Result{URL: u, Host: l.Host, Unicode: l.Unicode, Site: l.Site, Assessment: a.Analyze(l)})
		for _, lang := range shopguard.Langs {
			r, err := a.Check(u, p, lang)
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, r)
		}
	}
	if len(results) < 300 {
		t.Fatalf("only %d results", len(results))
	}
	withAdvice := 0
	for _, r := range results {
		checkAppendJSON(t, &r)
		if len(r.Advice) > 0 {
			withAdvice++
		}
	}
	if withAdvice == 0 {
		t.Fatal("no result with advice: the test does not cover it")
	}
}

func checkAppendJSON(t *testing.T, r *Result) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.AppendJSON(nil); string(got) != string(want) {
		t.Fatalf("AppendJSON:\n%s\nwant\n%s", got, want)
	}
}

// FuzzAppendJSON: for any link the check accepts, AppendJSON writes what encoding/json writes.
func FuzzAppendJSON(f *testing.F) {
	for _, u := range jsonLinks {
		f.Add(u)
	}
	p, err := knowledge.Default()
	if err != nil {
		f.Fatal(err)
	}
	a := New(p, nil)
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := a.Check(raw, p, shopguard.LangZH)
		if err != nil {
			return
		}
		checkAppendJSON(t, &r)
	})
}
