package eval

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/knowledge"
)

func mustAnalyzer(t *testing.T) (*knowledge.Pack, *link.Analyzer) {
	t.Helper()
	p, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	return p, link.New(p, nil)
}

func rateOf(t *testing.T, rates []Rate, group, label string) Rate {
	t.Helper()
	for _, r := range rates {
		if r.Group == group && r.Label == label {
			return r
		}
	}
	t.Fatalf("no rate for %s/%s in %+v", group, label, rates)
	return Rate{}
}

func TestEvalURLs(t *testing.T) {
	f, err := os.Open("testdata/urls.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ReadURLCases(f)
	if err != nil || len(cases) != 6 {
		t.Fatalf("ReadURLCases: %d cases, %v", len(cases), err)
	}
	_, a := mustAnalyzer(t)
	rates := EvalURLs(cases, a.AnalyzeURL)
	if ok := rateOf(t, rates, "fixture legit", "ok"); ok.Cases != 2 || ok.Flagged != 0 {
		t.Errorf("legit: %+v, want 2 cases none flagged", ok)
	}
	if ph := rateOf(t, rates, "fixture bad", "phish"); ph.Cases != 2 || ph.Flagged != 2 || ph.Percent() != 100 {
		t.Errorf("phish: %+v, want both flagged", ph)
	}
	sc := rateOf(t, rates, "fixture bad", "scam")
	if sc.Cases != 2 || sc.Flagged != 0 || sc.Errors != 1 || len(sc.Missed) != 1 || sc.Missed[0] != "harmless-blog.example.org" {
		t.Errorf("scam: %+v, want 1 missed and 1 error", sc)
	}
	var md strings.Builder
	LinkReport{Data: rates}.WriteMarkdown(&md)
	if !strings.Contains(md.String(), "| fixture bad | phish | 2 | 2 | 100.00% | 0 |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

func TestReadURLCasesNamesBadLine(t *testing.T) {
	_, err := ReadURLCases(strings.NewReader(`{"id":"a","url":"x.com","label":"ok"}` + "\n" + `{"id":"b","label":"ok"}` + "\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("got %v, want an error naming line 2", err)
	}
}

func TestEvalPermutations(t *testing.T) {
	data, err := os.ReadFile("testdata/dnstwist.json")
	if err != nil {
		t.Fatal(err)
	}
	perms, err := ParseDNSTwist(data)
	if err != nil || len(perms) != 4 {
		t.Fatalf("ParseDNSTwist: %d perms, %v (the original must be left out)", len(perms), err)
	}
	p, a := mustAnalyzer(t)
	official := map[string]bool{}
	for _, b := range p.Brands {
		for _, d := range b.Domains {
			official[d] = true
		}
	}
	rates := EvalPermutations([]BrandPermutations{{Brand: "taobao", Perms: perms}}, func(d string) bool { return official[d] }, a.AnalyzeURL)
	all := rateOf(t, rates, "long", "all")
	if all.Cases != 3 || all.Flagged != 3 {
		t.Errorf("all: %+v, want 3 look-alikes (tmall.com is official, left out), all flagged", all)
	}
	if r := rateOf(t, rates, "long", "tld-swap"); r.Cases != 1 {
		t.Errorf("tld-swap: %+v", r)
	}
	if _, err := ParseDNSTwist([]byte(`[{"fuzzer":"x"}]`)); err == nil {
		t.Error("an entry without a domain was accepted")
	}
}

// dnstwist itself, when installed (CI installs it): permutations come with their kinds and
// without any DNS look-up.
func TestDNSTwist(t *testing.T) {
	if _, err := exec.LookPath("dnstwist"); err != nil {
		t.Skip("dnstwist not installed (apt-get install dnstwist)")
	}
	dict, tlds := DefaultDNSTwistDicts()
	res, err := DNSTwist(context.Background(), []string{"taobao.com", "ebay.com"}, dict, tlds)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, p := range res[0] {
		kinds[p.Fuzzer] = true
		if p.Domain == "taobao.com" {
			t.Error("the original is among the permutations")
		}
	}
	for _, k := range []string{"omission", "homoglyph", "transposition", "tld-swap", "dictionary"} {
		if !kinds[k] {
			t.Errorf("no %s permutations of taobao.com (kinds %v)", k, kinds)
		}
	}
	if len(res) != 2 || len(res[1]) == 0 {
		t.Errorf("ebay.com: %d results", len(res))
	}
}
