// Package site judges a shop's site from the pages it shows, the checks consumer bodies tell
// shoppers to make before paying an unknown shop: whether it can be reached at a fixed address
// and landline or only by QQ, WeChat, e-mail and a mobile; whether a Chinese shop shows its ICP
// filing and business licence, and whether they are well formed; whether the company names,
// addresses, e-mail domains and the site's own domain agree; how it wants to be paid (card or
// escrow, or a transfer to a person, crypto, gift cards, a personal QR code); prices far below
// the reference, uniform deep discounts and countdowns; a title claiming to be a brand's
// official shop on another domain; checkout on an unrelated domain; the domain's and the
// certificate's age when known.
//
// The package is pure: it reads HTML handed to it (Parse, linear in its input and bounded by
// MaxHTML and the other limits), never fetches anything, and a Checker is safe for concurrent
// use. Each signal carries the evidence found on the page (args "evidence" and "page").
package site

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/detect/price"
	"github.com/shopguard/shopguard/knowledge"
)

// Signal codes of the site check. Each has a text in the knowledge pack's signals.yaml.
const (
	CodeNoContact       = "site.no_contact"
	CodeContactOnlyIM   = "site.contact_only_im"
	CodeContactFixed    = "site.contact_fixed"
	CodeNoICP           = "site.no_icp"
	CodeICPMalformed    = "site.icp_malformed"
	CodeNoLicence       = "site.no_licence"
	CodeLicenceInvalid  = "site.licence_invalid"
	CodeCompanyMismatch = "site.company_mismatch"
	CodeCompanyDomain   = "site.company_domain_mismatch"
	CodeAddressMismatch = "site.address_mismatch"
	CodeEmailFree       = "site.email_free"
	CodeEmailOther      = "site.email_other_domain"
	CodePayTransfer     = "site.pay_transfer"
	CodePayCrypto       = "site.pay_crypto"
	CodePayGiftCard     = "site.pay_gift_card"
	CodePayPersonalQR   = "site.pay_personal_qr"
	CodePayProtected    = "site.pay_protected"
	CodeUniformDiscount = "site.uniform_discounts"
	CodeCountdown       = "site.countdown"
	CodeBrandClaim      = "site.brand_claim"
	CodeCheckoutOffsite = "site.checkout_offsite"
	CodeDomainNew       = "site.domain_new"
	CodeCertNew         = "site.cert_new"
)

// Codes lists every signal code the site check gives of its own (it also passes on the link
// check's link.* signals for the shop's address and the price check's price.* signals).
var Codes = []string{CodeNoContact, CodeContactOnlyIM, CodeContactFixed, CodeNoICP, CodeICPMalformed,
	CodeNoLicence, CodeLicenceInvalid, CodeCompanyMismatch, CodeCompanyDomain, CodeAddressMismatch,
	CodeEmailFree, CodeEmailOther, CodePayTransfer, CodePayCrypto, CodePayGiftCard, CodePayPersonalQR,
	CodePayProtected, CodeUniformDiscount, CodeCountdown, CodeBrandClaim, CodeCheckoutOffsite,
	CodeDomainNew, CodeCertNew}

// Scam types the site check suspects.
const (
	ScamFakeShop    = "fake_shop"
	ScamOffPlatform = "off_platform_payment"
	ScamPhishing    = "phishing"
)

// Weights. A fake shop shows several of these at once; an honest one few or none.
const (
	wNoContact       = 20
	wContactOnlyIM   = 25
	wContactFixed    = -10
	wNoICP           = 20
	wICPMalformed    = 40
	wNoLicence       = 10
	wLicenceInvalid  = 40
	wCompanyMismatch = 25
	wCompanyDomain   = 10
	wAddressMismatch = 15
	wEmailFree       = 10
	wEmailOther      = 15
	wPayTransferOnly = 45
	wPayTransfer     = 20
	wPayUntraceable  = 50
	wPayPersonalQR   = 40
	wPayProtected    = -10
	wUniformDiscount = 30
	wCountdown       = 10
	wBrandClaim      = 40
	wCheckoutOffsite = 35
	wDomainNew       = 30
	wDomainYoung     = 10
	wCertNew         = 5
)

// Ages under which a domain or a certificate counts as new.
const (
	domainNew   = 90 * 24 * time.Hour
	domainYoung = 365 * 24 * time.Hour
	certNew     = 7 * 24 * time.Hour
)

// Input is what the site check judges: the shop's address as the shopper gave it, the pages
// read from it (the first is the page at that address), and, when they could be learnt
// online, when the domain was registered and since when its certificate is valid (zero when
// unknown).
type Input struct {
	URL        string
	Pages      []Page
	Registered time.Time
	CertSince  time.Time
	Now        time.Time
}

// Result is the verdict on a shop's site: the assessment, what the pages showed and what was
// and was not checked, so that "nothing found" never reads as "safe".
type Result struct {
	shopguard.Assessment
	URL   string   `json:"url"`
	Site  string   `json:"site"` // the registrable domain
	Pages []string `json:"pages"`
	Facts Facts    `json:"facts"`
	// Checked lists the parts judged; Unchecked the parts that could not be, each with why
	// ("prices: no_reference", "domain_age: unknown").
	Checked   []string `json:"checked"`
	Unchecked []string `json:"unchecked"`
}

// Checker judges shop sites. Links judges the shop's domain; Prices, when not nil, gives the
// reference prices. It is safe for concurrent use.
type Checker struct {
	links    *link.Analyzer
	prices   shopguard.PriceReferences
	brands   []brand
	official map[string]string // registrable domain → brand id
}

// brand is a brand as the title check knows it.
type brand struct {
	id, name string
	official string
	tokens   []string // lower case; Latin ones at least 4 letters
}

// New builds a Checker over a knowledge pack's brands and the link analyzer. prices may be nil.
func New(p *knowledge.Pack, links *link.Analyzer, prices shopguard.PriceReferences) *Checker {
	c := &Checker{links: links, prices: prices, official: map[string]string{}}
	for _, b := range p.Brands {
		br := brand{id: b.ID, name: b.Name.EN, official: b.Domains[0]}
		for _, d := range b.Domains {
			c.official[d] = b.ID
		}
		if b.Word {
			continue
		}
		for _, t := range b.Tokens {
			if len(t) >= 4 || !isASCII(t) && len([]rune(t)) >= 2 {
				br.tokens = append(br.tokens, strings.ToLower(t))
			}
		}
		c.brands = append(c.brands, br)
	}
	return c
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Official reports whether domain (a registrable domain) belongs to a brand of the pack: a big
// platform, payment service or bank.
func (c *Checker) Official(domain string) bool {
	_, ok := c.official[domain]
	return ok
}

// Check judges a shop's site from its pages. The URL must parse as a link (link.Parse).
func (c *Checker) Check(in Input) (Result, error) {
	l, err := link.Parse(in.URL)
	if err != nil {
		return Result{}, err
	}
	docs := make([]Doc, 0, len(in.Pages))
	r := Result{URL: in.URL, Site: l.Site, Pages: []string{}, Checked: []string{}, Unchecked: []string{}}
	if r.Site == "" {
		r.Site = l.Host
	}
	for _, p := range in.Pages {
		docs = append(docs, Parse(p))
		r.Pages = append(r.Pages, p.URL)
	}
	f := gather(docs)
	r.Facts = f
	j := judge{c: c, site: r.Site, facts: f, docs: docs, r: &r}
	j.domain(l)
	if len(docs) > 0 {
		j.contacts()
		j.registration()
		j.consistency()
		j.payments()
		j.prices()
		j.brandClaim()
		j.checkout()
	} else {
		r.Unchecked = append(r.Unchecked, "pages: none")
	}
	j.ages(in)
	r.Assessment = shopguard.Assess(j.sigs, j.types)
	return r, nil
}

// judge gathers the signals of one check.
type judge struct {
	c     *Checker
	site  string
	facts Facts
	docs  []Doc
	r     *Result
	sigs  []shopguard.Signal
	types []string
}

func (j *judge) add(code string, w int, args map[string]string, types ...string) {
	j.sigs = append(j.sigs, shopguard.Signal{Code: code, Weight: w, Args: args})
	for _, t := range types {
		if !slices.Contains(j.types, t) {
			j.types = append(j.types, t)
		}
	}
}

func (j *judge) checked(part string) { j.r.Checked = append(j.r.Checked, part) }

// domain passes on the link check's verdict on the shop's own address.
func (j *judge) domain(l link.Link) {
	if j.c.links == nil {
		j.r.Unchecked = append(j.r.Unchecked, "domain: no link check")
		return
	}
	j.checked("domain")
	a := j.c.links.Analyze(l)
	for _, s := range a.Signals {
		j.sigs = append(j.sigs, s)
	}
	for _, t := range a.ScamTypes {
		if !slices.Contains(j.types, t) {
			j.types = append(j.types, t)
		}
	}
}

// onPlatform reports whether the site is a brand's own (a shop on Taobao, JD…): the platform
// answers for it, and the independent-shop checks do not apply.
func (j *judge) onPlatform() bool { return j.c.official[j.site] != "" }

func (j *judge) contacts() {
	j.checked("contacts")
	if j.onPlatform() {
		return
	}
	kinds := map[string]string{}
	for _, ct := range j.facts.Contacts {
		if _, ok := kinds[ct.Kind]; !ok {
			kinds[ct.Kind] = ct.Value
		}
	}
	_, landline := kinds["landline"]
	_, address := kinds["address"]
	switch {
	case len(kinds) == 0:
		j.add(CodeNoContact, wNoContact, map[string]string{"pages": strconv.Itoa(len(j.docs))}, ScamFakeShop)
	case !landline && !address:
		var list []string
		for _, k := range []string{"qq", "wechat", "email", "mobile", "chat_app"} {
			if v, ok := kinds[k]; ok {
				list = append(list, k+" "+v)
			}
		}
		j.add(CodeContactOnlyIM, wContactOnlyIM, map[string]string{"evidence": strings.Join(list, "; ")}, ScamFakeShop)
	case landline && address:
		j.add(CodeContactFixed, wContactFixed, map[string]string{"evidence": kinds["landline"] + "; " + kinds["address"]})
	}
}

// registration judges the ICP filing and the business licence of a Chinese shop.
func (j *judge) registration() {
	if !j.facts.Chinese || j.onPlatform() {
		j.r.Unchecked = append(j.r.Unchecked, "icp: not a Chinese shop")
		return
	}
	j.checked("icp")
	j.checked("licence")
	validICP := slices.ContainsFunc(j.facts.ICP, func(i ICP) bool { return i.Valid })
	switch {
	case len(j.facts.ICP) == 0:
		j.add(CodeNoICP, wNoICP, nil, ScamFakeShop)
	case !validICP:
		j.add(CodeICPMalformed, wICPMalformed, map[string]string{"evidence": j.facts.ICP[0].Text}, ScamFakeShop)
	}
	if len(j.facts.Licences) == 0 {
		j.add(CodeNoLicence, wNoLicence, nil)
		return
	}
	for _, lc := range j.facts.Licences {
		if !lc.Valid {
			j.add(CodeLicenceInvalid, wLicenceInvalid, map[string]string{"evidence": lc.Code}, ScamFakeShop)
			return
		}
	}
}

// freeMail are the mail services anyone can sign up to: a shop writing from one of them is not
// showing a domain of its own.
var freeMail = map[string]bool{
	"qq.com": true, "163.com": true, "126.com": true, "sina.com": true, "sina.cn": true, "sohu.com": true,
	"foxmail.com": true, "yeah.net": true, "139.com": true, "aliyun.com": true, "gmail.com": true,
	"outlook.com": true, "hotmail.com": true, "yahoo.com": true, "icloud.com": true, "proton.me": true,
	"protonmail.com": true, "mail.ru": true, "yandex.com": true, "gmx.com": true, "aol.com": true, "live.com": true,
}

// genericWords are words of company names that say nothing about which company it is.
var genericWords = map[string]bool{
	"company": true, "limited": true, "trading": true, "online": true, "global": true, "international": true,
	"store": true, "group": true, "shop": true, "shops": true, "the": true, "and": true, "corp": true,
	"technology": true, "holdings": true, "services": true, "commerce": true, "gmbh": true, "ltd.": true,
}

// consistency compares the company names, addresses, e-mail domains and the site's domain.
func (j *judge) consistency() {
	j.checked("consistency")
	f := j.facts
	if a, b, ok := disagree(f.Companies); ok {
		j.add(CodeCompanyMismatch, wCompanyMismatch, map[string]string{"first": a, "second": b, "evidence": a + " ≠ " + b}, ScamFakeShop)
	}
	if p1, p2, ok := placesDisagree(f.Addresses); ok {
		j.add(CodeAddressMismatch, wAddressMismatch, map[string]string{"first": p1, "second": p2, "evidence": p1 + " ≠ " + p2}, ScamFakeShop)
	}
	label := strings.ToLower(strings.SplitN(j.site, ".", 2)[0])
	for _, co := range f.Companies {
		words := latinWords(co)
		if len(words) == 0 {
			continue
		}
		if !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(label, w) }) {
			j.add(CodeCompanyDomain, wCompanyDomain, map[string]string{"company": co, "site": j.site, "evidence": co + " / " + j.site})
		}
		break
	}
	var free, other string
	for _, ct := range f.Contacts {
		if ct.Kind != "email" {
			continue
		}
		_, dom, _ := strings.Cut(ct.Value, "@")
		switch {
		case dom == j.site || strings.HasSuffix(dom, "."+j.site):
			return // a mailbox at the shop's own domain
		case freeMail[dom]:
			free = ct.Value
		case !j.c.Official(dom) && other == "":
			other = ct.Value
		}
	}
	switch {
	case other != "":
		j.add(CodeEmailOther, wEmailOther, map[string]string{"email": other, "site": j.site, "evidence": other}, ScamFakeShop)
	case free != "" && len(f.Companies) > 0:
		j.add(CodeEmailFree, wEmailFree, map[string]string{"email": free, "evidence": free})
	}
}

// latinWords returns the distinctive Latin words (four letters or more) of a company name.
func latinWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if len(w) >= 4 && !genericWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// disagree finds two names that are not the same party: neither contains the other once
// spaces, punctuation and case are set aside.
func disagree(names []string) (string, string, bool) {
	for i := range names {
		for k := i + 1; k < len(names); k++ {
			a, b := foldName(names[i]), foldName(names[k])
			if !strings.Contains(a, b) && !strings.Contains(b, a) {
				return names[i], names[k], true
			}
		}
	}
	return "", "", false
}

func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', ',', '(', ')', '（', '）', '-':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// placesDisagree compares the first place (province or city) named in each address and
// returns two that differ.
func placesDisagree(addrs []string) (string, string, bool) {
	first := ""
	for _, a := range addrs {
		p := placeOf(a)
		if p == "" {
			continue
		}
		if first == "" {
			first = p
		} else if p != first {
			return first, p, true
		}
	}
	return "", "", false
}

// placeOf returns the province or city an address begins with ("广东省", "上海市"), or "".
func placeOf(a string) string {
	rs := []rune(a)
	for i, r := range rs {
		if i > 8 {
			break
		}
		if (r == '省' || r == '市') && i >= 2 {
			return string(rs[:i+1])
		}
	}
	return ""
}

func (j *judge) payments() {
	j.checked("payments")
	var transfer, protected *Payment
	for i := range j.facts.Payments {
		p := &j.facts.Payments[i]
		ev := map[string]string{"evidence": p.Evidence, "page": p.Page}
		switch p.Method {
		case listing.PayCrypto:
			j.add(CodePayCrypto, wPayUntraceable, ev, ScamOffPlatform, ScamFakeShop)
		case listing.PayGiftCard:
			j.add(CodePayGiftCard, wPayUntraceable, ev, ScamOffPlatform, ScamFakeShop)
		case listing.PayPersonalQR:
			j.add(CodePayPersonalQR, wPayPersonalQR, ev, ScamOffPlatform, ScamFakeShop)
		case listing.PayBankTransfer:
			transfer = p
		case listing.PayCard, listing.PayEscrow, listing.PayCOD:
			if protected == nil {
				protected = p
			}
		}
	}
	risky := len(j.sigs)
	if transfer != nil {
		w := wPayTransferOnly
		if protected != nil {
			w = wPayTransfer
		}
		j.add(CodePayTransfer, w, map[string]string{"evidence": transfer.Evidence, "page": transfer.Page, "protected": strconv.FormatBool(protected != nil)}, ScamOffPlatform)
	}
	if protected != nil && transfer == nil && risky == len(j.sigs) && !j.hasRiskyPayment() {
		j.add(CodePayProtected, wPayProtected, map[string]string{"evidence": protected.Evidence, "page": protected.Page})
	}
}

func (j *judge) hasRiskyPayment() bool {
	return slices.ContainsFunc(j.sigs, func(s shopguard.Signal) bool {
		return s.Code == CodePayCrypto || s.Code == CodePayGiftCard || s.Code == CodePayPersonalQR
	})
}

// prices compares the offers with the reference prices and looks for uniform deep discounts
// and countdowns.
func (j *judge) prices() {
	f := j.facts
	if len(f.Offers) == 0 {
		j.r.Unchecked = append(j.r.Unchecked, "prices: none found")
	} else if j.c.prices == nil {
		j.r.Unchecked = append(j.r.Unchecked, "prices: no_reference")
	} else {
		compared := 0
		for _, o := range f.Offers {
			ref, ok := j.c.prices.PriceReference(o.Item, "", o.Currency)
			if !ok {
				continue
			}
			compared++
			if s, ok := price.Compare(o.Item, o.Amount, ref); ok {
				s.Args["page"] = o.Page
				s.Args["evidence"] = o.Item
				j.add(s.Code, s.Weight, s.Args, ScamFakeShop)
				break
			}
		}
		if compared == 0 {
			j.r.Unchecked = append(j.r.Unchecked, "prices: no_reference")
		} else {
			j.checked("prices")
		}
	}
	deep := 0
	lo, hi := 100, 0
	for _, d := range f.Discounts {
		if d >= 60 && d < 100 {
			deep++
			lo, hi = min(lo, d), max(hi, d)
		}
	}
	if deep >= 3 && hi-lo <= 15 && deep*2 > len(f.Discounts) {
		j.add(CodeUniformDiscount, wUniformDiscount, map[string]string{"count": strconv.Itoa(deep), "percent": strconv.Itoa(lo), "evidence": strconv.Itoa(lo) + "–" + strconv.Itoa(hi) + "%"}, ScamFakeShop)
	}
	if f.Countdown != "" {
		j.add(CodeCountdown, wCountdown, map[string]string{"evidence": f.Countdown})
	}
}

// officialWords claim that a shop is a brand's own.
var officialWords = []string{"官方", "官网", "旗舰店", "直营", "official", "authorized", "authorised"}

// brandClaim finds a title or heading that claims to be a brand's official shop on a domain
// that is not the brand's.
func (j *judge) brandClaim() {
	j.checked("brand")
	if j.onPlatform() {
		return
	}
	for _, h := range j.docs[0].Headings[:min(3, len(j.docs[0].Headings))] {
		low := strings.ToLower(h)
		if !slices.ContainsFunc(officialWords, func(w string) bool { return strings.Contains(low, w) }) {
			continue
		}
		for _, b := range j.c.brands {
			if slices.ContainsFunc(b.tokens, func(t string) bool { return containsWord(low, t) }) {
				j.add(CodeBrandClaim, wBrandClaim, map[string]string{"brand": b.name, "official": b.official, "site": j.site, "evidence": h}, ScamPhishing, ScamFakeShop)
				return
			}
		}
	}
}

// containsWord reports whether s holds t, a Latin t not inside a longer Latin word.
func containsWord(s, t string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], t)
		if i < 0 {
			return false
		}
		i += off
		if !isASCII(t) || wordAt(s, i, len(t)) {
			return true
		}
		off = i + 1
	}
}

// payProcessors are checkout services a shop sends its buyers to, besides the platforms and
// payment brands of the knowledge pack.
var payProcessors = map[string]bool{
	"stripe.com": true, "paypal.com": true, "adyen.com": true, "shopify.com": true, "myshopify.com": true,
	"squareup.com": true, "klarna.com": true, "checkout.com": true, "worldpay.com": true, "2checkout.com": true,
	"alipay.com": true, "tenpay.com": true, "unionpay.com": true, "95516.com": true, "mollie.com": true,
}

// checkoutWords mark links and forms that take the buyer to pay.
var checkoutWords = []string{"checkout", "cart", "pay", "order", "buy", "结算", "支付", "付款", "购买", "下单", "收银"}

// checkout finds forms and buy or pay links that send the buyer to another, unknown domain.
func (j *judge) checkout() {
	j.checked("checkout")
	var targets []string
	for _, d := range j.docs {
		targets = append(targets, d.Forms...)
		for _, l := range d.Links {
			s := strings.ToLower(l.Href + " " + l.Text)
			if slices.ContainsFunc(checkoutWords, func(w string) bool { return strings.Contains(s, w) }) {
				targets = append(targets, l.Href)
			}
		}
	}
	for _, t := range targets {
		if !strings.HasPrefix(t, "http://") && !strings.HasPrefix(t, "https://") && !strings.HasPrefix(t, "//") {
			continue // relative: the shop's own
		}
		if strings.HasPrefix(t, "//") {
			t = "https:" + t
		}
		l, err := link.Parse(t)
		if err != nil || l.Site == "" || l.Site == j.site || j.c.Official(l.Site) || payProcessors[l.Site] {
			continue
		}
		j.r.Facts.Checkout = append(j.r.Facts.Checkout, t)
		j.add(CodeCheckoutOffsite, wCheckoutOffsite, map[string]string{"domain": l.Site, "site": j.site, "evidence": clip(t, 200)}, ScamFakeShop)
		return
	}
}

// ages judges the domain's registration and the certificate, when they are known.
func (j *judge) ages(in Input) {
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	if in.Registered.IsZero() {
		j.r.Unchecked = append(j.r.Unchecked, "domain_age: unknown")
	} else {
		j.checked("domain_age")
		age := now.Sub(in.Registered)
		args := map[string]string{"days": strconv.Itoa(int(age.Hours() / 24)), "registered": in.Registered.UTC().Format(time.DateOnly)}
		switch {
		case age < domainNew:
			j.add(CodeDomainNew, wDomainNew, args, ScamFakeShop)
		case age < domainYoung:
			j.add(CodeDomainNew, wDomainYoung, args)
		}
	}
	if in.CertSince.IsZero() {
		j.r.Unchecked = append(j.r.Unchecked, "certificate_age: unknown")
	} else {
		j.checked("certificate_age")
		if age := now.Sub(in.CertSince); age < certNew {
			j.add(CodeCertNew, wCertNew, map[string]string{"days": strconv.Itoa(int(age.Hours() / 24))})
		}
	}
}
