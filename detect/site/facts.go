package site

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/internal/lazyre"
)

// Contact is a way to reach the shop found on its pages. Kind is one of "landline",
// "address", "mobile", "qq", "wechat", "email" and "chat_app"; Value is as written on the page.
type Contact struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Page  string `json:"page,omitempty"`
}

// Payment is a way to pay offered on the shop's pages, with the words that offer it.
type Payment struct {
	Method   listing.Payment `json:"method"`
	Evidence string          `json:"evidence"`
	Page     string          `json:"page,omitempty"`
}

// Offer is a price shown on a page under the nearest heading before it (the item's name).
type Offer struct {
	Item     string `json:"item"`
	Amount   int64  `json:"amount"` // in cents
	Currency string `json:"currency"`
	Page     string `json:"page,omitempty"`
}

// Facts are what a shop's pages show, gathered from every page read.
type Facts struct {
	Contacts  []Contact `json:"contacts"`
	ICP       []ICP     `json:"icp"`
	Licences  []Licence `json:"licences"`
	Companies []string  `json:"companies"`
	Addresses []string  `json:"addresses"`
	Payments  []Payment `json:"payments"`
	Offers    []Offer   `json:"offers"`
	// Discounts are the discounts shown, in percent off.
	Discounts []int  `json:"discounts"`
	Countdown string `json:"countdown,omitempty"`
	Chinese   bool   `json:"chinese"`
	// Identifiers are the phone numbers, QQ numbers, WeChat ids, e-mail addresses and bank
	// accounts found, for lookups in the community's reports; the Message of each Span is the
	// index of its page (in Input.Pages and Result.Pages), Start and End its place in the
	// page's text.
	Identifiers []ident.Match `json:"-"`
	// Checkout are the targets of forms and of buy or pay links, resolved against their page.
	Checkout []string `json:"checkout,omitempty"`
}

// Bounds on what is gathered from all the pages together.
const (
	maxContacts = 40
	maxItems    = 20
	maxOffers   = 60
)

// The patterns of the facts, compiled at their first use (as icpRE), not at every start of
// the program.
var (
	addressRE = lazyre.New(`(?i)(?:公司地址|联系地址|办公地址|门店地址|地址|地 址|address|addr\.)\s*[:：]\s*([^\n]{6,80})`)
	// A Chinese street address without a label: province or city, district, road and number.
	addressZhRE = lazyre.New(`\p{Han}{2,8}[省市]\p{Han}{0,12}[区县市]\p{Han}{1,16}(?:路|街|道|大道|巷)\d{1,5}号`)
	companyRE   = lazyre.New(`(?:公司名称|企业名称|运营主体|经营主体|主办单位|经营者|运营方|版权所有|Copyright|©)\s*[:：]?\s*(?:©\s*)?(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s*)?([\p{Han}（）()]{2,30}(?:有限责任公司|股份有限公司|有限公司))`)
	companyEnRE = lazyre.New(`(?:©|Copyright|Company|Operated by|Legal name|Registered name|Seller)\s*:?\s*(?:©\s*)?(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s*)?([A-Z][A-Za-z0-9&'. -]{1,50}?\s(?:Co\., ?Ltd\.?|Ltd\.?|Limited|LLC|Inc\.?|GmbH|Corp\.?|S\.A\.|B\.V\.|Pty Ltd|plc|SE|AG))`)
	priceRE     = lazyre.New(`(?i)(US\$|USD|RMB|CNY|EUR|GBP|[¥￥$€£])\s?(\d{1,3}(?:,\d{3})+|\d{1,7})(\.\d{1,2})?|(\d{1,7})(\.\d{1,2})?\s?(元|块)`)
	percentRE   = lazyre.New(`(?i)(?:-\s?(\d{1,2})\s?%|(\d{1,2})\s?% off|(\d(?:\.\d)?)\s?折)`)
	timerRE     = lazyre.New(`\d{1,2}\s?[:：时]\s?\d{2}\s?[:：分]\s?\d{2}`)
	countdownRE = lazyre.New(`(?i)(倒计时|距结束|仅剩\s?\d+\s?件|限时\S{0,6}|ends? in|only \d+ left|hurry|offer expires)`)
)

// gather reads the facts of every document.
func gather(docs []Doc) Facts {
	var f Facts
	hanTotal, letters := 0, 0
	for i, d := range docs {
		h, l := scriptCounts(d.Text)
		hanTotal, letters = hanTotal+h, letters+l
		if strings.HasPrefix(strings.ToLower(d.Lang), "zh") {
			f.Chinese = true
		}
		f.contacts(d, i)
		f.ICP = appendNew(f.ICP, findICP(d.Text)...)
		f.Licences = appendNew(f.Licences, findLicences(d.Text)...)
		for _, m := range companyRE().FindAllStringSubmatch(d.Text, maxItems) {
			f.Companies = appendNew(f.Companies, m[1])
		}
		for _, m := range companyEnRE().FindAllStringSubmatch(d.Text, maxItems) {
			f.Companies = appendNew(f.Companies, strings.TrimSpace(m[1]))
		}
		f.payments(d)
		f.prices(d)
		if f.Countdown == "" {
			if m := countdownRE().FindString(d.Text); m != "" && (timerRE().MatchString(d.Text) || strings.ContainsAny(m, "0123456789")) {
				f.Countdown = m
			}
		}
	}
	if letters > 0 && hanTotal*5 >= letters {
		f.Chinese = true
	}
	return f
}

// scriptCounts counts the Han characters and all letters of s.
func scriptCounts(s string) (han, letters int) {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			han++
			letters++
		} else if unicode.IsLetter(r) {
			letters++
		}
	}
	return han, letters
}

// contacts finds the ways to reach the shop on a page (the page-th): numbers and accounts in
// the text, chat links, and addresses.
func (f *Facts) contacts(d Doc, page int) {
	add := func(kind, value string) {
		if len(f.Contacts) >= maxContacts {
			return
		}
		for _, c := range f.Contacts {
			if c.Kind == kind && c.Value == value {
				return
			}
		}
		f.Contacts = append(f.Contacts, Contact{Kind: kind, Value: value, Page: d.URL})
	}
	for _, m := range ident.Extract(d.Text) {
		switch m.Kind {
		case shopguard.KindPhone:
			add(listing.PhoneKind(m.Value), m.Raw)
		case shopguard.KindQQ:
			add("qq", m.Raw)
		case shopguard.KindWeChat:
			add("wechat", m.Raw)
		case shopguard.KindEmail:
			add("email", m.Value)
		case shopguard.KindURL, shopguard.KindDomain:
			continue
		}
		if len(f.Identifiers) < maxContacts {
			m.Span.Message = page
			f.Identifiers = append(f.Identifiers, m)
		}
	}
	for _, l := range d.Links {
		h := strings.ToLower(l.Href)
		switch {
		case strings.HasPrefix(h, "tencent://") || strings.Contains(h, "wpa.qq.com"):
			add("qq", clip(l.Href, 120))
		case strings.Contains(h, "wa.me/") || strings.Contains(h, "whatsapp.com/") || strings.Contains(h, "t.me/") ||
			strings.Contains(h, "telegram.me/") || strings.Contains(h, "line.me/") || strings.HasPrefix(h, "skype:"):
			add("chat_app", clip(l.Href, 120))
		case strings.HasPrefix(h, "mailto:"):
			if v, err := ident.Canonical(shopguard.KindEmail, strings.SplitN(l.Href[len("mailto:"):], "?", 2)[0]); err == nil {
				add("email", v)
			}
		case strings.HasPrefix(h, "tel:"):
			if v, err := ident.Canonical(shopguard.KindPhone, l.Href[len("tel:"):]); err == nil {
				add(listing.PhoneKind(v), l.Href[len("tel:"):])
			}
		}
	}
	lower := strings.ToLower(d.Text)
	for _, app := range []string{"whatsapp", "telegram", "line id", "skype"} {
		if strings.Contains(lower, app) {
			add("chat_app", app)
		}
	}
	for _, m := range addressRE().FindAllStringSubmatch(d.Text, maxItems) {
		if a := strings.TrimSpace(m[1]); hasDigit(a) {
			add("address", a)
			f.Addresses = appendNew(f.Addresses, a)
		}
	}
	for _, a := range addressZhRE().FindAllString(d.Text, maxItems) {
		if !slices.ContainsFunc(f.Addresses, func(x string) bool { return strings.Contains(x, a) || strings.Contains(a, x) }) {
			add("address", a)
			f.Addresses = appendNew(f.Addresses, a)
		}
	}
}

// lowerASCII lowers the ASCII letters of s only, so that byte offsets in the result are
// offsets in s.
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// payWords are the words that offer each way to pay, matched on lower-case text.
var payWords = []struct {
	method listing.Payment
	words  []string
}{
	{listing.PayCrypto, []string{"usdt", "bitcoin", "比特币", "泰达币", "btc", "trc20", "erc20", "crypto", "加密货币", "虚拟币", "ethereum"}},
	{listing.PayGiftCard, []string{"gift card", "itunes card", "steam card", "礼品卡", "充值卡", "购物卡支付", "游戏点卡", "apple card code"}},
	{listing.PayPersonalQR, []string{"收款码", "扫码转账", "个人收款", "扫码付款给", "扫一扫付款到个人", "付款码截图"}},
	{listing.PayBankTransfer, []string{"银行转账", "银行卡转账", "银行汇款", "转账到", "汇款到", "对私转账", "转账至", "bank transfer", "wire transfer", "western union", "moneygram", "zelle", "transfer to the account", "转账付款", "公司账户转账"}},
	{listing.PayCOD, []string{"货到付款", "cash on delivery"}},
	{listing.PayCard, []string{"visa", "mastercard", "信用卡", "银联", "unionpay", "american express", "apple pay", "google pay", "credit card", "debit card"}},
	{listing.PayEscrow, []string{"支付宝担保", "担保交易", "paypal", "支付宝支付", "微信支付", "alipay", "wechat pay", "klarna", "买家保障", "buyer protection"}},
}

// payments finds the ways to pay a page offers.
func (f *Facts) payments(d Doc) {
	lower := lowerASCII(d.Text) // same length as the text: offsets carry over
	for _, pw := range payWords {
		for _, w := range pw.words {
			i := strings.Index(lower, w)
			if i < 0 || !wordAt(lower, i, len(w)) {
				continue
			}
			if !slices.ContainsFunc(f.Payments, func(p Payment) bool { return p.Method == pw.method }) {
				f.Payments = append(f.Payments, Payment{Method: pw.method, Evidence: snippet(d.Text, i, len(w)), Page: d.URL})
			}
			break
		}
	}
	for _, img := range d.Images {
		s := strings.ToLower(img.Src + " " + img.Alt)
		if (strings.Contains(s, "qr") || strings.Contains(s, "二维码") || strings.Contains(s, "skm")) &&
			(strings.Contains(s, "收款") || strings.Contains(s, "pay") || strings.Contains(s, "付款") || strings.Contains(s, "转账")) &&
			!slices.ContainsFunc(f.Payments, func(p Payment) bool { return p.Method == listing.PayPersonalQR }) {
			f.Payments = append(f.Payments, Payment{Method: listing.PayPersonalQR, Evidence: clip(img.Alt+" "+img.Src, 120), Page: d.URL})
		}
	}
}

// wordAt reports whether the ASCII word s[i:i+n] stands alone: Latin words must not be part of
// a longer word ("visa" in "visage"); other scripts need no boundary.
func wordAt(s string, i, n int) bool {
	isW := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if isW(s[i]) && i > 0 && isW(s[i-1]) {
		return false
	}
	if j := i + n; isW(s[j-1]) && j < len(s) && isW(s[j]) {
		return false
	}
	return true
}

// snippet returns the line around s[i:i+n], at most about 80 bytes, struck marks removed.
func snippet(s string, i, n int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := i + n + strings.IndexByte(s[i+n:], '\n')
	if end < i+n {
		end = len(s)
	}
	start, end = max(start, i-40), min(end, i+n+40)
	for start > 0 && start < len(s) && !runeStart(s[start]) {
		start--
	}
	for end < len(s) && !runeStart(s[end]) {
		end++
	}
	return Evidence(s[start:end])
}

func runeStart(b byte) bool { return b&0xC0 != 0x80 }

// Evidence cleans a stretch of page text for display: struck-through marks removed, spaces
// squeezed.
func Evidence(s string) string {
	s = strings.NewReplacer(string(struckOpen), "", string(struckClose), "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// currencies maps the ways prices are written to ISO currency codes.
var currencies = map[string]string{
	"¥": "CNY", "￥": "CNY", "rmb": "CNY", "cny": "CNY", "元": "CNY", "块": "CNY",
	"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
}

// prices finds the offers of a page (the first price under each heading) and the discounts it
// shows: a struck-through price followed by another, or a percentage or 折 written out.
func (f *Facts) prices(d Doc) {
	item, taken := "", false
	for line := range strings.Lines(d.Text) {
		line = strings.TrimSuffix(line, "\n")
		if slices.Contains(d.Headings, line) {
			item, taken = line, false
			continue
		}
		ps := priceRE().FindAllStringSubmatchIndex(line, 8)
		var amounts []struckPrice
		for _, loc := range ps {
			amt, cur, ok := parsePrice(line, loc)
			if !ok {
				continue
			}
			struck := strings.LastIndex(line[:loc[0]], string(struckOpen)) > strings.LastIndex(line[:loc[0]], string(struckClose))
			amounts = append(amounts, struckPrice{amt, cur, struck})
			if !struck && !taken && item != "" && len(f.Offers) < maxOffers {
				f.Offers = append(f.Offers, Offer{Item: item, Amount: amt, Currency: cur, Page: d.URL})
				taken = true
			}
		}
		for i := 0; i+1 < len(amounts); i++ {
			was, now := amounts[i], amounts[i+1]
			if was.struck && !now.struck && was.currency == now.currency && now.amount < was.amount && was.amount > 0 && len(f.Discounts) < maxOffers {
				f.Discounts = append(f.Discounts, int(100-now.amount*100/was.amount))
			}
		}
		for _, m := range percentRE().FindAllStringSubmatch(line, 8) {
			if len(f.Discounts) >= maxOffers {
				break
			}
			switch {
			case m[1] != "":
				n, _ := strconv.Atoi(m[1])
				f.Discounts = append(f.Discounts, n)
			case m[2] != "":
				n, _ := strconv.Atoi(m[2])
				f.Discounts = append(f.Discounts, n)
			case m[3] != "":
				x, err := strconv.ParseFloat(m[3], 64)
				if err == nil && x > 0 && x < 10 {
					f.Discounts = append(f.Discounts, int(100-x*10))
				}
			}
		}
	}
}

type struckPrice struct {
	amount   int64
	currency string
	struck   bool
}

// parsePrice reads one match of priceRE: the amount in cents and the currency.
func parsePrice(line string, loc []int) (int64, string, bool) {
	sub := func(i int) string {
		if loc[2*i] < 0 {
			return ""
		}
		return line[loc[2*i]:loc[2*i+1]]
	}
	sym, whole, frac := sub(1), sub(2), sub(3)
	if sym == "" {
		whole, frac, sym = sub(4), sub(5), sub(6)
	}
	cur, ok := currencies[strings.ToLower(sym)]
	if !ok {
		return 0, "", false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(whole, ",", ""), 10, 64)
	if err != nil {
		return 0, "", false
	}
	cents := n * 100
	if frac != "" {
		c, _ := strconv.Atoi((frac[1:] + "0")[:2])
		cents += int64(c)
	}
	return cents, cur, cents > 0
}

// appendNew appends the values of xs that s does not hold yet, up to maxItems in all.
func appendNew[T comparable](s []T, xs ...T) []T {
	for _, x := range xs {
		if len(s) < maxItems && !slices.Contains(s, x) {
			s = append(s, x)
		}
	}
	return s
}
