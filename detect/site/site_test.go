package site_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/prices"
)

// Fixture is one shop site of testdata/sites: its pages, the address it is judged at and the
// verdict it must get.
type Fixture struct {
	Dir     string   `json:"dir"`
	URL     string   `json:"url"`
	Risk    string   `json:"risk"`
	Signals []string `json:"signals"`
}

// LoadFixtures reads testdata/sites.json.
func LoadFixtures(tb testing.TB) []Fixture {
	tb.Helper()
	b, err := os.ReadFile("testdata/sites.json")
	if err != nil {
		tb.Fatal(err)
	}
	var fs []Fixture
	if err := json.Unmarshal(b, &fs); err != nil {
		tb.Fatal(err)
	}
	return fs
}

// Pages reads a fixture's pages, index.html first, each at its address under the fixture's URL.
func (f Fixture) Pages(tb testing.TB) []site.Page {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join("testdata/sites", f.Dir, "*.html"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("%s: no pages", f.Dir)
	}
	slices.SortFunc(names, func(a, b string) int {
		return boolInt(!strings.HasSuffix(b, "/index.html")) - boolInt(!strings.HasSuffix(a, "/index.html"))
	})
	var pages []site.Page
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		u := f.URL
		if base := filepath.Base(n); base != "index.html" {
			u = strings.TrimSuffix(u[:strings.LastIndexByte(u, '/')+1], "/") + "/" + base
		}
		pages = append(pages, site.Page{URL: u, HTML: b})
	}
	return pages
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func newChecker(tb testing.TB) (*site.Checker, *knowledge.Pack) {
	tb.Helper()
	p, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	refs, err := prices.TableFromCSV("testdata/prices.csv")
	if err != nil {
		tb.Fatal(err)
	}
	return site.New(p, link.New(p, nil), refs), p
}

func TestFixtures(t *testing.T) {
	c, pack := newChecker(t)
	fixtures := LoadFixtures(t)
	if len(fixtures) < 40 {
		t.Errorf("%d fixtures, want at least 40", len(fixtures))
	}
	seen := map[string]bool{}
	legit, fake := 0, 0
	for _, f := range fixtures {
		t.Run(f.Dir, func(t *testing.T) {
			r, err := c.Check(site.Input{URL: f.URL, Pages: f.Pages(t)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range r.Signals {
				got = append(got, s.Code)
				seen[s.Code] = true
				if st, ok := pack.Signal(s.Code); !ok || st.Explain.ZH == "" || st.Explain.EN == "" {
					t.Errorf("signal %s has no explanation", s.Code)
				}
				if strings.HasPrefix(s.Code, "site.") && s.Weight > 0 && s.Code != site.CodeNoContact && s.Code != site.CodeNoICP &&
					s.Code != site.CodeNoLicence && s.Code != site.CodeDomainNew && s.Code != site.CodeCertNew && s.Args["evidence"] == "" {
					t.Errorf("%s carries no evidence: %v", s.Code, s.Args)
				}
			}
			if string(r.Risk) != f.Risk {
				t.Errorf("risk %s (%d), want %s; signals %v", r.Risk, r.Score, f.Risk, r.Signals)
			}
			for _, want := range f.Signals {
				if !slices.Contains(got, want) {
					t.Errorf("no %s; got %v", want, got)
				}
			}
		})
		if strings.Contains(f.Dir, "-legit-") {
			legit++
		} else {
			fake++
		}
	}
	if legit < 12 || fake < 20 {
		t.Errorf("%d legitimate and %d fake sites, want at least 12 and 20", legit, fake)
	}
	for _, code := range site.Codes {
		switch code {
		case site.CodeDomainNew, site.CodeCertNew, site.CodeCompanyDomain, site.CodeEmailFree:
			continue // judged from outside the pages, or weak signs covered by TestSignals
		}
		if !seen[code] {
			t.Errorf("no fixture shows %s", code)
		}
	}
}

func TestSignals(t *testing.T) {
	c, _ := newChecker(t)
	now := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   site.Input
		want []string
		not  []string
	}{
		{"new domain and certificate", site.Input{URL: "https://shop.example.com/", Now: now,
			Registered: now.Add(-10 * 24 * time.Hour), CertSince: now.Add(-2 * 24 * time.Hour),
			Pages: []site.Page{{URL: "https://shop.example.com/", HTML: []byte("<p>Address: 1 Main St 12345</p>")}}},
			[]string{site.CodeDomainNew, site.CodeCertNew}, nil},
		{"old domain", site.Input{URL: "https://shop.example.com/", Now: now, Registered: now.Add(-5 * 365 * 24 * time.Hour),
			Pages: []site.Page{{URL: "https://shop.example.com/", HTML: []byte("<p>Address: 1 Main St 12345</p>")}}},
			nil, []string{site.CodeDomainNew}},
		{"company on a free mailbox", site.Input{URL: "https://acme-tools.com/",
			Pages: []site.Page{{URL: "https://acme-tools.com/", HTML: []byte("<p>© 2025 Acme Tools Ltd</p><p>acmetools@gmail.com</p><p>Address: 1 High St 123</p>")}}},
			[]string{site.CodeEmailFree}, []string{site.CodeCompanyDomain}},
		{"company name unrelated to the domain", site.Input{URL: "https://nike-outlet-sale.shop/",
			Pages: []site.Page{{URL: "https://nike-outlet-sale.shop/", HTML: []byte("<p>© 2025 Huali Trading Co., Ltd.</p>")}}},
			[]string{site.CodeCompanyDomain}, nil},
		{"no pages", site.Input{URL: "https://shop.example.com/"}, nil, []string{site.CodeNoContact}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Check(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range r.Signals {
				got = append(got, s.Code)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("no %s in %v", w, got)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(got, n) {
					t.Errorf("unexpected %s in %v", n, got)
				}
			}
		})
	}
}

func TestNothingFoundSaysWhat(t *testing.T) {
	c := site.New(mustPack(t), nil, nil)
	r, err := c.Check(site.Input{URL: "https://shop.example.com/", Pages: []site.Page{{URL: "https://shop.example.com/", HTML: []byte("<h1>Shop</h1><h2>Lamp</h2><p>$20</p>")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"prices: no_reference", "domain_age: unknown", "domain: no link check"} {
		if !slices.Contains(r.Unchecked, want) {
			t.Errorf("unchecked %v lacks %q", r.Unchecked, want)
		}
	}
}

func mustPack(tb testing.TB) *knowledge.Pack {
	p, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestValidUSCC(t *testing.T) {
	for code, want := range map[string]bool{
		"91350100M000100Y43": true, // the example of GB 32100-2015
		"91330106MA2B3C4D5D": true,
		"91350100M000100Y44": false,
		"91350100M000100Y4":  false,
		"91350100I000100Y43": false, // I is not in the alphabet
		"":                   false,
	} {
		if got := site.ValidUSCC(code); got != want {
			t.Errorf("ValidUSCC(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestParseLimits(t *testing.T) {
	big := []byte("<html><body>" + strings.Repeat("<p>¥99 <a href='/x'>x</a></p>", site.MaxHTML/20) + "</body></html>")
	d := site.Parse(site.Page{URL: "https://a.example/", HTML: big})
	if !d.Truncated || len(d.Text) > site.MaxText || len(d.Links) > site.MaxLinks {
		t.Errorf("truncated %v, %d bytes of text, %d links", d.Truncated, len(d.Text), len(d.Links))
	}
	d = site.Parse(site.Page{HTML: []byte(`<title>A &amp; B</title><script>var qq="QQ:12345678"</script><p>Hi <del>¥9</del></p>`)})
	if d.Title != "A & B" || strings.Contains(d.Text, "12345678") {
		t.Errorf("title %q, text %q", d.Title, d.Text)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<html lang=zh><title>店</title><p>QQ：12345678 京ICP备12345678号</p><del>¥999</del>¥99",
		"<a href='https://wa.me/1'>x</a><form action=//pay.example/x><img alt=收款码 src=qr.png>",
		"<p>统一社会信用代码：91350100M000100Y43 地址：广东省深圳市南山区科苑路15号</p>",
		"<<<>>>&#x0;<p",
	} {
		f.Add([]byte(s))
	}
	c, _ := newChecker(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		d := site.Parse(site.Page{URL: "https://a.example/", HTML: b})
		if len(d.Text) > site.MaxText || len(d.Links) > site.MaxLinks || len(d.Forms) > site.MaxForms || len(d.Images) > site.MaxImages {
			t.Fatalf("limits passed: %d text, %d links", len(d.Text), len(d.Links))
		}
		if _, err := c.Check(site.Input{URL: "https://a.example/", Pages: []site.Page{{URL: "https://a.example/", HTML: b}}}); err != nil {
			t.Fatal(err)
		}
	})
}
