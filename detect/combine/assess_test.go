package combine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/prices"
)

// scenario is one purchase of testdata/assess.json: what the shopper knows, the shop site
// fixture read for it (a directory of detect/site's testdata/sites, read by Checks.Site as
// the doors do), and the verdict it must get.
type scenario struct {
	Name    string          `json:"name"`
	Request combine.Request `json:"request"`
	Fixture string          `json:"site_fixture"`
	Risk    string          `json:"risk"`
	Signals []string        `json:"signals"`
	Sources []string        `json:"sources"`
	Checked []string        `json:"checked"`
}

func sitePages(tb testing.TB, dir, base string) []site.Page {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join("../site/testdata/sites", dir, "*.html"))
	var pages []site.Page
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		p := site.Page{URL: strings.TrimSuffix(base, "/") + "/" + filepath.Base(n), HTML: b}
		if filepath.Base(n) == "index.html" {
			p.URL = base
			pages = append([]site.Page{p}, pages...)
		} else {
			pages = append(pages, p)
		}
	}
	if len(pages) == 0 {
		tb.Fatalf("no pages in %s", dir)
	}
	return pages
}

func TestAssessScenarios(t *testing.T) {
	reps := community()
	reps.Index.Put(&shopguard.Reputation{Identifier: shopguard.Identifier{Kind: shopguard.KindBankAccount, Value: "6222021234567890128"},
		Score: 80, Reports: 3, Reporters: 3, Confirmed: true, ScamTypes: []string{"fake_shop"}, FirstSeen: day0, LastSeen: day0})
	reps.Index.Put(&shopguard.Reputation{Identifier: shopguard.Identifier{Kind: shopguard.KindQQ, Value: "3456789012"},
		Score: 70, Reports: 1, Reporters: 1, Confirmed: true, ScamTypes: []string{"fake_shop"}, FirstSeen: day0, LastSeen: day0})
	c, pack := checks(t, reps)
	table, err := prices.TableFromCSV("../site/testdata/prices.csv")
	if err != nil {
		t.Fatal(err)
	}
	c.Prices, c.Platforms = table, combine.Platforms(pack)
	c.Sites = site.New(pack, c.Links, table)
	b, err := os.ReadFile("testdata/assess.json")
	if err != nil {
		t.Fatal(err)
	}
	var scenarios []scenario
	if err := json.Unmarshal(b, &scenarios); err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			if err := s.Request.Validate(); err != nil {
				t.Fatal(err)
			}
			var sr *site.Result
			if s.Fixture != "" {
				r, err := c.Site(site.Input{URL: s.Request.Site, Pages: sitePages(t, s.Fixture, s.Request.Site)})
				if err != nil {
					t.Fatal(err)
				}
				sr = &r
			}
			a := c.Assess(s.Request, sr)
			a.Explain(pack, shopguard.LangEN)
			if string(a.Risk) != s.Risk {
				t.Errorf("risk %s (%d), want %s: %+v", a.Risk, a.Score, s.Risk, a.Signals)
			}
			codes := map[string]bool{}
			sources := map[string]bool{}
			for _, sig := range a.Signals {
				codes[sig.Code], sources[sig.Source] = true, true
				if sig.Source == "" || sig.Message == "" || strings.Contains(sig.Message, "{") {
					t.Errorf("signal %s: source %q, message %q", sig.Code, sig.Source, sig.Message)
				}
			}
			for _, w := range s.Signals {
				if !codes[w] {
					t.Errorf("no %s in %+v", w, a.Signals)
				}
			}
			for _, w := range s.Sources {
				if !sources[w] {
					t.Errorf("no signal from %s in %+v", w, a.Signals)
				}
			}
			if s.Checked != nil && !slices.Equal(a.Checked, s.Checked) {
				t.Errorf("checked %v, want %v", a.Checked, s.Checked)
			}
			if a.Risk != shopguard.RiskLow && len(a.Advice) == 0 {
				t.Error("no advice")
			}
		})
	}
}

func TestAssessSaysWhatWasNotChecked(t *testing.T) {
	c, pack := checks(t, nil)
	c.Platforms = combine.Platforms(pack)
	a := c.Assess(combine.Request{Site: "https://shop.example.com/", Item: combine.Item{Title: "lamp"}, Price: combine.Price{Amount: "20"}}, nil)
	for _, want := range []string{"site: not read", "price: no_reference"} {
		if !slices.Contains(a.Unchecked, want) {
			t.Errorf("unchecked %v lacks %q", a.Unchecked, want)
		}
	}
}

func TestAssessValidate(t *testing.T) {
	for _, tc := range []struct {
		req   combine.Request
		field string
	}{
		{combine.Request{Links: []string{"https://a.example/", ""}}, "links.1"},
		{combine.Request{BankAccount: combine.BankAccount{Number: "12ab"}}, "bank_account.number"},
		{combine.Request{Price: combine.Price{Amount: "abc"}}, "price.amount"},
		{combine.Request{Price: combine.Price{Amount: "1", Currency: "yuan"}}, "price.currency"},
		{combine.Request{PaymentMethod: "cheque"}, "payment_method"},
		{combine.Request{Seller: combine.Seller{Contacts: []listing.Contact{{Kind: "fax"}}}}, "seller.contacts[0].kind"},
	} {
		err := tc.req.Validate()
		if shopguard.ErrorField(err) != tc.field {
			t.Errorf("%+v: error %v on field %q, want %q", tc.req, err, shopguard.ErrorField(err), tc.field)
		}
	}
}
