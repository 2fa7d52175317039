package http

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/internal/every"
)

// shopChecks are what the site check and the assessment share, built once.
type shopChecks struct {
	once      sync.Once
	sites     *site.Checker
	platforms func(string) bool
}

// shopChecks returns the site checker (over the server's link analyzer and reference prices)
// and the platform test, building them on first use.
func (s *Server) shopChecks() *shopChecks {
	s.shop.once.Do(func() {
		s.shop.sites = site.New(s.Knowledge, s.Links, s.Prices)
		s.shop.platforms = combine.Platforms(s.Knowledge)
	})
	return &s.shop
}

// startPrices loads the reference prices, stores the prices learnt in checks as they come, and
// reloads the table every 10 minutes, so that prices imported or learnt on another node reach
// this one.
func (s *Server) startPrices(ctx context.Context) error {
	if err := s.Prices.Load(ctx); err != nil {
		return fmt.Errorf("http: load reference prices: %w", err)
	}
	go s.Prices.Run(ctx, func(err error) { s.Logger.Error("prices: store prices seen", "err", err) })
	go every.Tick(ctx, 10*time.Minute, false, func() {
		if err := s.Prices.Load(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Error("prices: reload", "err", err)
		}
	})
	return nil
}

// Limits of the pages a client hands to the site check.
const (
	maxHandedPages = 8
)

// siteRequest is the body of POST /api/v1/check/site: the shop's address and, to judge saved
// pages instead of reading the live site, their HTML (the first is the page at the address).
type siteRequest struct {
	URL   string   `json:"url"`
	HTML  []string `json:"html,omitempty"`
	Lang  string   `json:"lang,omitempty"`
	Fetch *bool    `json:"fetch,omitempty"`
}

// readSite returns the site check's result on a shop (combine.Checks.Site: the pages, and the
// identifiers they show looked up in the community's reports): the pages handed, or the live
// site when the server reads sites. It answers EUNAVAILABLE when no page was handed and the server reads
// none.
func (s *Server) readSite(r *http.Request, url string, html []string) (site.Result, error) {
	in := site.Input{URL: url}
	if len(html) > 0 {
		if len(html) > maxHandedPages {
			return site.Result{}, shopguard.Invalid("html", "at most %d pages, got %d", maxHandedPages, len(html))
		}
		for i, h := range html {
			u := url
			if i > 0 {
				u = fmt.Sprintf("%s#page%d", url, i+1)
			}
			in.Pages = append(in.Pages, site.Page{URL: u, HTML: []byte(h)})
		}
	} else {
		if s.Fetcher == nil {
			return site.Result{}, shopguard.Errorf(shopguard.EUNAVAILABLE, "this server does not read shops' sites: send the pages' HTML instead")
		}
		fs, err := s.Fetcher.Fetch(r.Context(), url)
		if requestEnded(r, err) {
			return site.Result{}, err
		}
		if err != nil {
			return site.Result{}, shopguard.Errorf(shopguard.EUNAVAILABLE, "the site could not be read: %v", err)
		}
		in = fs.Input()
	}
	var res site.Result
	err := s.work(r, s.scanGate, func(ctx context.Context) (err error) {
		res, err = s.checks().Site(in)
		return err
	})
	return res, err
}

// learnOffers records the prices a site shows, one source per site, so that the references
// grow from what shops ask.
func (s *Server) learnOffers(r site.Result) {
	var ps []shopguard.PriceObservation
	for _, o := range r.Facts.Offers {
		ps = append(ps, shopguard.PriceObservation{Item: o.Item, Amount: o.Amount, Currency: o.Currency, Source: "site:" + r.Site})
	}
	s.Prices.Learn(ps...)
}

// learnPrice records the price of an assessment, counted as one source per client network.
func (s *Server) learnPrice(r *http.Request, req combine.Request) {
	if req.Item.Title == "" || req.Price.Amount == "" || req.Price.Currency == "" {
		return
	}
	amt, err := shopguard.ParseAmount("price.amount", req.Price.Amount)
	if err != nil || amt == 0 {
		return
	}
	ip, _ := netip.ParseAddr(stateOf(r).clientIP)
	p := shopguard.PriceObservation{Item: req.Item.Title, Category: req.Item.Category, Amount: amt, Currency: req.Price.Currency,
		Source: "assess:" + s.Intel.NetworkSource(ip)}
	s.Prices.Learn(p)
}

func (s *Server) handleCheckSite(w http.ResponseWriter, r *http.Request) error {
	var req siteRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.URL) == "" {
		return shopguard.Invalid("url", "give the shop's address")
	}
	lang, err := langOr(req.Lang, stateOf(r).lang)
	if err != nil {
		return err
	}
	res, err := s.readSite(r, req.URL, req.HTML)
	if err != nil {
		return err
	}
	if len(req.HTML) == 0 {
		s.learnOffers(res)
	}
	res.Explain(s.Knowledge, lang)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// sitePage is the data of the "Check a shop's site" page.
type sitePage struct {
	URL    string
	Result *site.Result
	Error  string
	Online bool
}

func (s *Server) handleSitePage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "check_site", "site.title", sitePage{Online: s.Fetcher != nil})
	return nil
}

func (s *Server) handleSiteForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return shopguard.Invalid("", "unreadable form: %v", err)
	}
	d := sitePage{URL: strings.TrimSpace(r.PostForm.Get("url")), Online: s.Fetcher != nil}
	var html []string
	if h := r.PostForm.Get("html"); strings.TrimSpace(h) != "" {
		html = []string{h}
	}
	res, err := s.readSite(r, d.URL, html)
	if d.URL == "" {
		err = shopguard.Invalid("url", "give the shop's address")
	}
	if turnedAway(r, err) {
		return err
	}
	switch code := shopguard.ErrorCode(err); {
	case code == shopguard.EUNAVAILABLE:
		lang := stateOf(r).lang
		d.Error = page{Lang: lang, cat: s.ui.catalogs[lang]}.T("site.unreadable")
	case err != nil:
		d.Error = s.sayError(r, err, siteLabels)
	}
	if err != nil {
		s.render(w, r, statusOf(shopguard.ErrorCode(err)), "check_site", "site.title", d)
		return nil
	}
	res.Explain(s.Knowledge, stateOf(r).lang)
	d.Result = &res
	s.render(w, r, http.StatusOK, "check_site", "site.title", d)
	return nil
}
