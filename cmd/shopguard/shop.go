package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/batch"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/fetch"
	"github.com/shopguard/shopguard/prices"
)

// shopOptions are the flags the shop checks (check site, assess) share.
type shopOptions struct {
	checkOptions
	offline  bool
	rdap     string
	snapshot string
	prices   string
}

func (o *shopOptions) add(fs *flag.FlagSet, c *Config, lang string) {
	o.checkOptions.add(fs, lang)
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	fs.BoolVar(&o.offline, "offline", false, "read no live site and ask no RDAP service")
	fs.StringVar(&o.rdap, "rdap", fetch.DefaultRDAP, "RDAP service asked for a domain's registration date; empty asks none")
	fs.StringVar(&o.snapshot, "snapshot", "", "look identifiers up in this offline snapshot of the community's reports (shopguard snapshot) instead of the local database's")
	fs.StringVar(&o.prices, "prices", "", "reference prices: a CSV file as for 'import prices'")
}

// shopTools are what the shop checks run with. close closes the database the reports were
// read from.
type shopTools struct {
	checks  combine.Checks
	fetcher *fetch.Fetcher
	close   func()
}

// shopTools loads the knowledge, the community's reports (of the snapshot the options name,
// else of the local database, as scan does) and the reference prices the options name.
func (m *Main) shopTools(ctx context.Context, c Config, o shopOptions) (*shopTools, *verdicts, error) {
	pack, err := loadKnowledge(c)
	if err != nil {
		return nil, nil, err
	}
	v, err := m.newVerdicts(o.checkOptions, pack)
	if err != nil {
		return nil, nil, err
	}
	t := &shopTools{}
	if t.checks.Text, err = text.New(pack); err != nil {
		return nil, nil, err
	}
	t.checks.Platforms = combine.Platforms(pack)
	reps, closeReps, err := checkReputations(ctx, c, o.snapshot)
	if err != nil {
		return nil, nil, err
	}
	t.close = closeReps
	t.checks.Reputations = publicReputations(reps)
	if t.checks.Links, err = linkAnalyzer(ctx, c, pack, reps); err != nil {
		closeReps()
		return nil, nil, err
	}
	if o.prices != "" {
		table, err := prices.TableFromCSV(o.prices)
		if err != nil {
			closeReps()
			return nil, nil, err
		}
		t.checks.Prices = table
	}
	t.checks.Sites = site.New(pack, t.checks.Links, t.checks.Prices)
	if !o.offline {
		t.fetcher = fetch.New(fetch.Options{RDAP: o.rdap})
	}
	return t, v, nil
}

// read returns the site check's result on a live site.
func (t *shopTools) read(ctx context.Context, url string) (site.Result, error) {
	if t.fetcher == nil {
		return site.Result{}, usagef("--offline: give the saved pages with --html")
	}
	s, err := t.fetcher.Fetch(ctx, url)
	if err != nil {
		return site.Result{}, err
	}
	return t.checks.Site(s.Input())
}

func (m *Main) checkSite(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	var o shopOptions
	fs := m.flags("check site", "URL | --html --url URL FILE…", `Judge a shop's site before buying: its contacts, ICP and licence numbers, company details,
payment methods, prices and brand claims, each signal with the evidence found on the page;
the site's domain and the phone numbers, QQ, WeChat ids, e-mail addresses and bank accounts
its pages show are looked up in the community's confirmed reports (the local database's, or
--snapshot's). Without --html the live site is read (the page and its contact, about, payment and terms
pages; no cookies, no scripts, private addresses refused). With --html the saved pages FILE…
are judged offline, the first as the page at --url.`)
	o.add(fs, &c, m.defaultLang())
	html := fs.Bool("html", false, "judge saved pages (FILE…) instead of the live site")
	at := fs.String("url", "", "with --html: the shop's address the pages were saved from")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *html {
		o.offline = true
	}
	t, v, err := m.shopTools(ctx, c, o)
	if err != nil {
		return err
	}
	defer t.close()
	var res site.Result
	switch {
	case *html:
		if *at == "" || fs.NArg() == 0 {
			return usagef("check site --html: give --url and at least one FILE")
		}
		in := site.Input{URL: *at}
		for _, path := range fs.Args() {
			b, err := os.ReadFile(path)
			if err != nil {
				return usagef("%v", err)
			}
			in.Pages = append(in.Pages, site.Page{URL: *at + "#" + filepath.Base(path), HTML: b})
		}
		res, err = t.checks.Site(in)
	case fs.NArg() == 1:
		res, err = t.read(ctx, fs.Arg(0))
	default:
		return usagef("check site: give one URL, or --html --url URL FILE…")
	}
	if err != nil {
		return err
	}
	res.Assessment = v.explain(res.Assessment)
	if o.asJSON {
		if err := writeJSON(m, res); err != nil {
			return err
		}
		return v.done()
	}
	if err := v.print(res.Site, res.Assessment); err != nil {
		return err
	}
	printChecked(m.Stdout, v.lang, res.Pages, res.Checked, res.Unchecked)
	return v.done()
}

func (m *Main) assess(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	var o shopOptions
	fs := m.flags("assess", "[FILE|-]", `Should I pay? One answer from everything you know. FILE (or stdin) holds one JSON object,
every part optional:
  {"links":["…"],"site":"https://shop.example/","seller":{"name":"…","company":"…",
   "contacts":[{"kind":"qq","value":"…"}],"address":"…"},"bank_account":{"number":"…","holder":"…"},
   "platform":"taobao","item":{"title":"…","category":"…"},"price":{"amount":"199","currency":"CNY"},
   "payment_method":"bank_transfer","chat":"…"}
The site is read live unless --offline. With --jsonl, each input line is such an object with an "id".`)
	o.add(fs, &c, m.defaultLang())
	if err := parse(fs, args); err != nil {
		return err
	}
	t, v, err := m.shopTools(ctx, c, o)
	if err != nil {
		return err
	}
	defer t.close()
	check := func(line []byte) (any, error) {
		var req combine.Request
		if err := json.Unmarshal(line, &req); err != nil {
			return nil, shopguard.Invalid("", "not an assessment request: %v", err)
		}
		if err := req.Validate(); err != nil {
			return nil, err
		}
		var sr *site.Result
		var unread string
		if req.Site != "" && t.fetcher != nil {
			if r, err := t.read(ctx, req.Site); err == nil {
				sr = &r
			} else {
				unread = "site: " + shopguard.ErrorMessage(err)
			}
		}
		a := t.checks.Assess(req, sr)
		if unread != "" {
			a.Unchecked = append(a.Unchecked, unread)
		}
		a.Explain(v.pack, v.lang)
		v.fail = v.fail || v.opts.failOn.trips(a.Risk)
		return a, nil
	}
	if o.jsonl {
		_, err := batch.Run(m.Stdin, m.Stdout, check)
		return err
	}
	in, err := m.readInput(fs.Args())
	if err != nil {
		return err
	}
	out, err := check(in)
	if err != nil {
		return err
	}
	a := out.(combine.Answer)
	if o.asJSON {
		if err := writeJSON(m, a); err != nil {
			return err
		}
		return v.done()
	}
	w := m.Stdout
	if v.lang == shopguard.LangZH {
		fmt.Fprintf(w, "该不该付款：%s（%d/100）\n", riskZH[a.Risk], a.Score)
	} else {
		fmt.Fprintf(w, "should I pay: %s (%d/100)\n", a.Risk, a.Score)
	}
	for _, s := range a.Signals {
		mark := "!"
		if s.Weight < 0 {
			mark = "+"
		}
		fmt.Fprintf(w, "  %s [%s] %s [%s]\n", mark, s.Source, s.Message, s.Code)
	}
	for _, adv := range a.Advice {
		fmt.Fprintf(w, "  > %s\n", adv)
	}
	printChecked(w, v.lang, nil, a.Checked, a.Unchecked)
	return v.done()
}

// printChecked writes, in the reader's language, the pages read (when there are any), what
// was checked and what was not.
func printChecked(w io.Writer, lang shopguard.Lang, pages, checked, unchecked []string) {
	labels := [3]string{"pages", "checked", "not checked"}
	if lang == shopguard.LangZH {
		labels = [3]string{"读过的页面", "已检查", "未检查"}
	}
	if pages != nil {
		fmt.Fprintf(w, "  %s: %v\n", labels[0], pages)
	}
	fmt.Fprintf(w, "  %s: %v\n  %s: %v\n", labels[1], checked, labels[2], unchecked)
}

func (m *Main) importPrices(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("import prices", "FILE", `Import reference prices from a CSV file (or - for standard input) whose header names the
columns item, category, price, currency and source: one price a row, with an item, a category
or both. Every row is checked before any is stored. A running server reads them within 10 minutes.`)
	c.storeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	in, err := m.readInput(fs.Args())
	if err != nil {
		return err
	}
	ps, err := prices.ParseCSV(bytes.NewReader(in), time.Now())
	if err != nil {
		return err
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.AddPrices(ctx, ps); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d reference prices imported\n", len(ps))
	return nil
}
