package combine

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/detect/price"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/knowledge"
)

// The sources a signal of an assessment comes from (shopguard.Signal.Source).
const (
	SourceLink       = "link"
	SourceSite       = "site"
	SourceChat       = "chat"
	SourceListing    = "listing"
	SourceReputation = "reputation"
	SourcePrice      = "price"
	SourceAssess     = "assess"
)

// CodeNothingChecked is the signal of an assessment in which nothing could be checked: it
// weighs nothing and says that no finding is not a sign of safety.
const CodeNothingChecked = "assess.nothing_checked"

// MaxLinks is the most links one assessment judges.
const MaxLinks = 20

// Seller is who the shopper is dealing with, as far as they know.
type Seller struct {
	Name     string            `json:"name,omitempty"`
	Company  string            `json:"company,omitempty"`
	Contacts []listing.Contact `json:"contacts,omitempty"`
	Address  string            `json:"address,omitempty"`
}

// BankAccount is the account the shopper is asked to pay into.
type BankAccount struct {
	Number string `json:"number,omitempty"`
	Holder string `json:"holder,omitempty"`
}

// Item is what is being bought.
type Item struct {
	Title    string `json:"title,omitempty"`
	Category string `json:"category,omitempty"`
}

// Price is what is asked for the item.
type Price struct {
	Amount   string `json:"amount,omitempty"`
	Currency string `json:"currency,omitempty"`
}

// Request is everything a shopper may know before paying: the contract of POST
// /api/v1/assess and `shopguard assess`. Every part is optional. The flags after Chat are
// what the seller asked for (a deposit, cancelling the platform order, leaving the platform,
// refusing escrow), as the listing check knows them.
type Request struct {
	Links          []string    `json:"links,omitempty"`
	Site           string      `json:"site,omitempty"`
	Seller         Seller      `json:"seller,omitzero"`
	BankAccount    BankAccount `json:"bank_account,omitzero"`
	Platform       string      `json:"platform,omitempty"`
	Item           Item        `json:"item,omitzero"`
	Price          Price       `json:"price,omitzero"`
	PaymentMethod  string      `json:"payment_method,omitempty"`
	Chat           string      `json:"chat,omitempty"`
	ReferencePrice string      `json:"reference_price,omitempty"`
	Deposit        bool        `json:"deposit,omitempty"`
	CancelOrder    bool        `json:"cancel_order,omitempty"`
	OffPlatform    bool        `json:"off_platform,omitempty"`
	Refuses        []string    `json:"refuses,omitempty"`
}

// Validate checks what the shopper typed and names the field that is wrong.
func (r *Request) Validate() error {
	if len(r.Links) > MaxLinks {
		return shopguard.Invalid("links", "at most %d links, got %d", MaxLinks, len(r.Links))
	}
	for i, l := range r.Links {
		if _, err := link.Parse(l); err != nil {
			return shopguard.Invalid("links."+strconv.Itoa(i), "%s", shopguard.ErrorMessage(err))
		}
	}
	if r.Site != "" {
		if _, err := link.Parse(r.Site); err != nil {
			return shopguard.Invalid("site", "%s", shopguard.ErrorMessage(err))
		}
	}
	if len(r.Chat) > text.MaxBytes {
		return shopguard.Errorf(shopguard.ETOOLARGE, "the chat is %d bytes, more than %d", len(r.Chat), text.MaxBytes)
	}
	if r.BankAccount.Number != "" {
		if _, err := ident.Canonical(shopguard.KindBankAccount, r.BankAccount.Number); err != nil {
			return shopguard.Invalid("bank_account.number", "%s", shopguard.ErrorMessage(err))
		}
	}
	if r.Price.Amount != "" {
		if _, err := shopguard.ParseAmount("price.amount", r.Price.Amount); err != nil {
			return err
		}
	}
	if c := r.Price.Currency; c != "" {
		if err := shopguard.CheckCurrency("price.currency", c); err != nil {
			return err
		}
	}
	if l, ok := r.listing(); ok {
		if err := l.Validate(); err != nil {
			return shopguard.Invalid(listingField(shopguard.ErrorField(err)), "%s", shopguard.ErrorMessage(err))
		}
	}
	return nil
}

// listingField maps a field of the listing check to the field of the request it came from.
func listingField(f string) string {
	switch {
	case f == "price":
		return "price.amount"
	case f == "payment":
		return "payment_method"
	case strings.HasPrefix(f, "contacts["):
		return "seller." + f
	}
	return f
}

// listing returns the listing check's view of the request, and false when the request holds
// nothing that check judges.
func (r *Request) listing() (listing.Listing, bool) {
	l := listing.Listing{
		Price: r.Price.Amount, ReferencePrice: r.ReferencePrice, Currency: r.Price.Currency,
		Payment: listing.Payment(r.PaymentMethod), Deposit: r.Deposit, CancelOrder: r.CancelOrder,
		OffPlatform: r.OffPlatform, Contacts: slices.Clone(r.Seller.Contacts), PayeeName: r.BankAccount.Holder,
		SellerName: r.Seller.Company, SellerRefusals: r.Refuses,
	}
	if l.SellerName == "" {
		l.SellerName = r.Seller.Name
	}
	if a := strings.TrimSpace(r.Seller.Address); a != "" {
		l.Contacts = append(l.Contacts, listing.Contact{Kind: "address", Value: a})
	}
	some := l.Payment != "" || l.Deposit || l.CancelOrder || l.OffPlatform || len(l.Contacts) > 0 ||
		l.PayeeName != "" || len(l.SellerRefusals) > 0 || l.ReferencePrice != ""
	if l.Price == "" {
		l.Price = "0" // the listing check wants a price; without one its price rule stays silent
		if l.ReferencePrice != "" {
			l.ReferencePrice = ""
		}
	}
	return l, some
}

// Answer is the verdict of an assessment: the contract's risk, score, signals (each with its
// source), suspected scam types and advice, plus what was and was not checked.
type Answer struct {
	Risk      shopguard.Risk     `json:"risk"`
	Score     int                `json:"score"`
	Signals   []shopguard.Signal `json:"signals"`
	Types     []string           `json:"types"`
	Advice    []string           `json:"advice"`
	Checked   []string           `json:"checked"`
	Unchecked []string           `json:"unchecked"`
	// Site is the site check's result when the shop's site was read.
	Site *site.Result `json:"site,omitempty"`
}

// Explain fills the messages and advice in lang.
func (a *Answer) Explain(e shopguard.Explainer, lang shopguard.Lang) {
	as := shopguard.Assessment{Risk: a.Risk, Score: a.Score, Signals: a.Signals, ScamTypes: a.Types}
	as.Explain(e, lang)
	a.Signals, a.Advice = as.Signals, as.Advice
	if a.Advice == nil {
		a.Advice = []string{}
	}
}

// Assess weighs everything the shopper knows. sr is the site check's result (Checks.Site,
// with the reputations of the identifiers on the site's pages) when the shop's site was read,
// nil otherwise: the site's address is then judged as a link. The request must have passed
// Validate.
func (c Checks) Assess(r Request, sr *site.Result) Answer {
	a := assessment{ans: Answer{Checked: []string{}, Unchecked: []string{}, Site: sr}}
	c.assessLinks(&a, r)
	switch {
	case sr != nil:
		a.check("site")
		for _, s := range sr.Signals {
			src := SourceSite
			switch {
			case strings.HasPrefix(s.Code, "price."):
				src = SourcePrice
			case strings.HasPrefix(s.Code, "intel."):
				src, s.Field = SourceReputation, "site"
			}
			a.add(src, s)
		}
		a.types(sr.ScamTypes)
		for _, u := range sr.Unchecked {
			a.ans.Unchecked = append(a.ans.Unchecked, "site."+u)
		}
		if slices.Contains(sr.Checked, shopguard.CheckedCommunity) {
			a.check("reputation")
		}
	case r.Site != "":
		a.ans.Unchecked = append(a.ans.Unchecked, "site: not read")
	}
	if strings.TrimSpace(r.Chat) != "" && c.Text != nil {
		a.check("chat")
		res := c.Scan([]text.Message{{From: text.FromThem, Text: r.Chat}})
		for _, s := range res.Signals {
			src := SourceChat
			switch {
			case strings.HasPrefix(s.Code, "link."):
				src = SourceLink
			case strings.HasPrefix(s.Code, "intel."):
				src = SourceReputation
			}
			s.Field = "chat"
			a.add(src, s)
		}
		a.types(res.Types)
	}
	if l, ok := r.listing(); ok {
		a.check("listing")
		l.OnPlatform = c.onPlatform(r.Platform)
		res := c.Listing(l)
		for _, s := range res.Signals {
			src := SourceListing
			if strings.HasPrefix(s.Code, "intel.") {
				src = SourceReputation
				s.Field = "seller." + s.Field
			}
			a.add(src, s)
		}
		a.types(res.ScamTypes)
	}
	c.assessPrice(&a, r)
	if r.BankAccount.Number != "" && c.Reputations != nil {
		a.check("reputation")
		if v, err := ident.Canonical(shopguard.KindBankAccount, r.BankAccount.Number); err == nil {
			if s, ok := intel.Signal(c.Reputations, shopguard.KindBankAccount, v); ok {
				s.Field = "bank_account.number"
				a.add(SourceReputation, s)
			}
		}
	}
	if len(a.ans.Checked) == 0 {
		a.add(SourceAssess, shopguard.Signal{Code: CodeNothingChecked, Weight: 0})
	}
	as := shopguard.Assess(a.sigs, a.scam)
	a.ans.Risk, a.ans.Score, a.ans.Signals, a.ans.Types = as.Risk, as.Score, as.Signals, as.ScamTypes
	a.ans.Advice = []string{}
	return a.ans
}

// assessment gathers the parts of one answer.
type assessment struct {
	ans  Answer
	sigs []shopguard.Signal
	scam []string
}

func (a *assessment) add(source string, s shopguard.Signal) {
	s.Source = source
	a.sigs = append(a.sigs, s)
}

func (a *assessment) types(ts []string) {
	for _, t := range ts {
		if !slices.Contains(a.scam, t) {
			a.scam = append(a.scam, t)
		}
	}
}

func (a *assessment) check(part string) {
	if !slices.Contains(a.ans.Checked, part) {
		a.ans.Checked = append(a.ans.Checked, part)
	}
}

// assessLinks judges the links, and the site's address when the site was not read.
func (c Checks) assessLinks(a *assessment, r Request) {
	if c.Links == nil {
		return
	}
	links := slices.Clone(r.Links)
	fields := make([]string, 0, len(links)+1)
	for i := range links {
		fields = append(fields, "links."+strconv.Itoa(i))
	}
	if r.Site != "" && a.ans.Site == nil {
		links, fields = append(links, r.Site), append(fields, "site")
	}
	for i, raw := range links {
		as, err := c.Links.AnalyzeURL(raw)
		if err != nil {
			continue
		}
		a.check("links")
		for _, s := range as.Signals {
			s.Field = fields[i]
			a.add(SourceLink, s)
		}
		a.types(as.ScamTypes)
	}
}

// assessPrice compares the price asked with the reference price of the item, when the
// request names the item and no reference price was typed (the listing check compares that).
func (c Checks) assessPrice(a *assessment, r Request) {
	if r.Price.Amount == "" || r.ReferencePrice != "" {
		return
	}
	title := strings.TrimSpace(r.Item.Title)
	if title == "" && r.Item.Category == "" {
		a.ans.Unchecked = append(a.ans.Unchecked, "price: no item named")
		return
	}
	cur := r.Price.Currency
	if cur == "" {
		cur = "CNY"
	}
	var ref shopguard.PriceReference
	ok := false
	if c.Prices != nil {
		ref, ok = c.Prices.PriceReference(title, r.Item.Category, cur)
	}
	if !ok {
		a.ans.Unchecked = append(a.ans.Unchecked, "price: no_reference")
		return
	}
	a.check("price")
	amt, _ := shopguard.ParseAmount("price.amount", r.Price.Amount)
	name := title
	if name == "" {
		name = r.Item.Category
	}
	if s, ok := price.Compare(name, amt, ref); ok {
		s.Field = "price.amount"
		a.add(SourcePrice, s)
		a.types([]string{"fake_shop"})
	}
}

// onPlatform reports whether platform names a marketplace or shop of the knowledge pack
// (by id, name or domain), whose escrow protects the buyer.
func (c Checks) onPlatform(platform string) bool {
	p := strings.ToLower(strings.TrimSpace(platform))
	if p == "" || c.Platforms == nil {
		return false
	}
	return c.Platforms(p)
}

// Platforms returns the Checks.Platforms of a knowledge pack: a platform is a marketplace or
// shop of its brand registry, named by id, by name in either language or by one of its
// domains.
func Platforms(p *knowledge.Pack) func(string) bool {
	known := map[string]bool{}
	for _, b := range p.Brands {
		if b.Category != "marketplace" && b.Category != "shopping" {
			continue
		}
		for _, n := range append([]string{b.ID, b.Name.EN, b.Name.ZH}, b.Domains...) {
			known[strings.ToLower(n)] = true
		}
	}
	return func(platform string) bool { return known[platform] }
}
