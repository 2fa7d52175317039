package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"
)

// Brand categories: what a brand is to a shopper.
const (
	CategoryShopping    = "shopping"    // a retailer selling its own goods
	CategoryMarketplace = "marketplace" // a platform where many sellers sell
	CategoryPayment     = "payment"     // a wallet or payment service
	CategoryBankCard    = "bank_card"   // a bank or card network
	CategoryDelivery    = "delivery"    // a courier or postal service
	CategoryServices    = "services"    // an account, app store or everyday service shoppers log in to
)

var brandCategories = map[string]bool{
	CategoryShopping: true, CategoryMarketplace: true, CategoryPayment: true,
	CategoryBankCard: true, CategoryDelivery: true, CategoryServices: true,
}

// Brand is a shopping, payment or delivery brand that scammers imitate: its official
// registrable domains and the words its name is written with.
//
// Domains lists every registrable domain (eTLD+1, as the public suffix list cuts it) that the
// brand itself uses, including short-link, static-content and country domains: a link on one
// of them is the brand's own. Tokens are the brand's names as they appear in domain names and
// text: Latin, pinyin and Chinese ("taobao", "淘宝"), lower case. Word marks a brand whose
// name is an everyday word ("apple", "target") or a common topic of talk ("microsoft"): a
// message naming it is not taken to come from it, a domain containing one of its names is not
// taken to be about the brand without another sign, and misspellings of them are judged
// leniently, since real words lie one letter away.
type Brand struct {
	ID       string   `yaml:"id" json:"id"`
	Name     Text     `yaml:"name" json:"name"`
	Category string   `yaml:"category" json:"category"`
	Domains  []string `yaml:"domains" json:"domains"`
	Tokens   []string `yaml:"tokens" json:"tokens"`
	Word     bool     `yaml:"word,omitempty" json:"word,omitempty"`
}

func (b *Brand) key() string { return b.ID }

func (b *Brand) check(errs *fieldErrors) {
	checkID(b.ID, errs)
	b.Name.check("name", errs)
	if !brandCategories[b.Category] {
		errs.add("category", "unknown category %q: want shopping, marketplace, payment, bank_card, delivery or services", b.Category)
	}
	if len(b.Domains) == 0 {
		errs.add("domains", "name at least one official domain")
	}
	seen := map[string]bool{}
	for i, d := range b.Domains {
		path := "domains." + itoa(i)
		if msg := checkRegistrable(d); msg != "" {
			errs.add(path, "%s", msg)
		}
		if seen[d] {
			errs.add(path, "domain %q listed twice", d)
		}
		seen[d] = true
	}
	if len(b.Tokens) == 0 {
		errs.add("tokens", "name at least one token")
	}
	for i, t := range b.Tokens {
		if msg := checkToken(t); msg != "" {
			errs.add("tokens."+itoa(i), "%s", msg)
		}
	}
}

// checkRegistrable says what is wrong with d as an official domain, or "" when it is a
// lower-case ASCII registrable domain.
func checkRegistrable(d string) string {
	if d == "" || d != strings.ToLower(d) || strings.TrimSpace(d) != d {
		return "a domain is lower case without spaces, got \"" + d + "\""
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return "a domain is written in ASCII (punycode for IDN), got \"" + d + "\""
		}
	}
	etld1, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil || etld1 != d {
		return "\"" + d + "\" is not a registrable domain (the public suffix list cuts it to \"" + etld1 + "\")"
	}
	return ""
}

// checkToken says what is wrong with a brand token, or "" when it is fine: lower case
// letters and digits (any script), hyphens inside, at least two characters.
func checkToken(t string) string {
	if utf8.RuneCountInString(t) < 2 || strings.HasPrefix(t, "-") || strings.HasSuffix(t, "-") {
		return "a token has at least two characters and no hyphen at either end, got \"" + t + "\""
	}
	for _, r := range t {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') || unicode.IsUpper(r) {
			return "a token is lower-case letters, digits and hyphens only, got \"" + t + "\""
		}
	}
	return ""
}

// Kinds of link terms.
const (
	TermShortener     = "shortener"      // registrable domains of URL shorteners
	TermHostWord      = "host_word"      // words scammers put in host names: refund, kefu, verify…
	TermSensitivePath = "sensitive_path" // path words of login, payment and account pages
	TermRiskyTLD      = "risky_tld"      // public suffixes that cheap throwaway domains favour
	TermPlatform      = "platform"       // hosting platforms, missing from the public suffix list, where anyone gets a subdomain
	TermDynamicDNS    = "dynamic_dns"    // dynamic-DNS services' domains, where anyone gets a host name for free
	TermRedirectParam = "redirect_param" // query parameters that carry where a redirector sends the reader (url, u, q, next…)
)

var termKinds = map[string]bool{TermShortener: true, TermHostWord: true, TermSensitivePath: true, TermRiskyTLD: true,
	TermPlatform: true, TermDynamicDNS: true, TermRedirectParam: true}

// LinkTerms is a list of words or domains that the link check uses, by kind. Operators add
// terms by adding a list with a new id, or replace a list by its id.
type LinkTerms struct {
	ID    string   `yaml:"id" json:"id"`
	Kind  string   `yaml:"kind" json:"kind"`
	Terms []string `yaml:"terms" json:"terms"`
}

func (l *LinkTerms) key() string { return l.ID }

func (l *LinkTerms) check(errs *fieldErrors) {
	checkID(l.ID, errs)
	if !termKinds[l.Kind] {
		errs.add("kind", "unknown kind %q: want shortener, host_word, sensitive_path, risky_tld, platform, dynamic_dns or redirect_param", l.Kind)
	}
	if len(l.Terms) == 0 {
		errs.add("terms", "name at least one term")
	}
	for i, t := range l.Terms {
		path := "terms." + itoa(i)
		switch l.Kind {
		case TermShortener, TermPlatform:
			if msg := checkRegistrable(t); msg != "" {
				errs.add(path, "%s", msg)
			}
		case TermRiskyTLD, TermDynamicDNS, TermRedirectParam:
			if t == "" || t != strings.ToLower(t) || strings.ContainsAny(t, " /=&?") {
				errs.add(path, "a suffix, domain or parameter is lower case without spaces, slashes or query signs, got %q", t)
			}
		default:
			if msg := checkToken(t); msg != "" {
				errs.add(path, "%s", msg)
			}
		}
	}
}
