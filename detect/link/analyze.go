package link

import (
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// Signal codes of the link check. Each has a text in the knowledge pack's signals.yaml.
const (
	CodeOfficial      = "link.official_domain"
	CodeTypo          = "link.brand_typo"
	CodeHomoglyph     = "link.brand_homoglyph"
	CodeCombo         = "link.brand_combo"
	CodeInSubdomain   = "link.brand_in_subdomain"
	CodeLookalikeSub  = "link.brand_lookalike_subdomain"
	CodeWrongTLD      = "link.brand_wrong_tld"
	CodeIDN           = "link.idn"
	CodeMixedScript   = "link.mixed_script"
	CodeRawIP         = "link.raw_ip"
	CodeUserInfo      = "link.userinfo"
	CodeShortener     = "link.shortener"
	CodeSensitivePath = "link.sensitive_path"
	CodeNoHTTPS       = "link.no_https"
	CodeDeepSubdomain = "link.deep_subdomains"
	CodeHostWords     = "link.host_words"
	CodeRiskyTLD      = "link.risky_tld"
	CodeFreeHost      = "link.free_host"
	CodeFeedListed    = "link.feed_listed"
	CodeReported      = "link.reported"
	CodeDynamicDNS    = "link.dynamic_dns"
	CodeRandomHost    = "link.random_host"
	CodeRedirect      = "link.redirect"
	CodeBrandInPath   = "link.brand_in_path"
)

// Codes lists every signal code the link check gives.
var Codes = []string{CodeOfficial, CodeTypo, CodeHomoglyph, CodeCombo, CodeInSubdomain, CodeLookalikeSub, CodeWrongTLD,
	CodeIDN, CodeMixedScript, CodeRawIP, CodeUserInfo, CodeShortener, CodeSensitivePath, CodeNoHTTPS,
	CodeDeepSubdomain, CodeHostWords, CodeRiskyTLD, CodeFreeHost, CodeFeedListed, CodeReported, CodeNotSender, CodeStoryLink, CodeOwnSiteOnly, CodeUnknownAct,
	CodeDynamicDNS, CodeRandomHost, CodeRedirect, CodeBrandInPath}

// ScamPhishing is the scam type suspected when a link imitates a brand or is listed.
const ScamPhishing = "phishing"

// Hit is an entry of a threat feed or of the community's confirmed reports that matches a
// domain.
type Hit struct {
	Source string `json:"source"` // the feed's name, or "community" for confirmed reports
	Entry  string `json:"entry"`  // the listed domain or URL
	// Report is true for a confirmed community report, false for an imported feed.
	Report bool `json:"report,omitempty"`
	// Exact is true when the entry lists the domain itself; false when it lists one URL on
	// it (a page on the host, not necessarily the whole host).
	Exact bool `json:"exact"`
}

// DomainLookup finds what threat feeds and reports say about a host name. Implementations
// must be safe for concurrent use and fast: it is called for the host and each parent domain
// down to the registrable one.
type DomainLookup interface {
	LookupDomain(domain string) []Hit
}

// Lookups asks several DomainLookups in turn and gives every hit, in their order: the link
// check names the first, so put the one to name first (confirmed reports before feeds).
type Lookups []DomainLookup

// LookupDomain returns the hits of every lookup on domain.
func (ls Lookups) LookupDomain(domain string) []Hit {
	var out []Hit
	for _, l := range ls {
		hits := l.LookupDomain(domain)
		switch {
		case len(hits) == 0:
		case out == nil:
			out = hits // shared, never written: the common case of one lookup answering
		default:
			out = append(append([]Hit(nil), out...), hits...)
		}
	}
	return out
}

// Analyzer judges links against the brands and terms of a knowledge pack and, optionally,
// a DomainLookup. It is safe for concurrent use.
type Analyzer struct {
	ix      *index
	lookup  DomainLookup
	scratch sync.Pool
}

// New builds an Analyzer from a knowledge pack. lookup may be nil.
func New(p *knowledge.Pack, lookup DomainLookup) *Analyzer {
	a := &Analyzer{ix: newIndex(p), lookup: lookup}
	a.scratch.New = func() any { return &scratch{} }
	return a
}

type scratch struct {
	f1, f2, del, key []byte
}

// Signal weights: a brand imitation alone is high risk (60 and up), hiding tricks are medium,
// small signs only count together.
const (
	wOfficial      = -40
	wTypo          = 65
	wTypoWeak      = 25
	wTypoWord      = 30
	wHomoglyph     = 70
	wHomoglyphWeak = 40
	wCombo         = 50
	wWrongTLD      = 60
	wWrongTLDWeak  = 35
	wInSubdomain   = 55
	wOfficialInSub = 65
	wLookalikeSub  = 55 // a brand's name in look-alike characters in a subdomain (amaz0n.…)
	wNearSub       = 25 // a long brand's name one letter off or further folded in a subdomain, next to bait words
	wIDN           = 10
	wMixedScript   = 35
	wRawIP         = 40
	wUserInfo      = 40
	wUserInfoBrand = 60
	wShortener     = 15
	wSensitivePath = 10
	wNoHTTPS       = 15
	wDeepSubdomain = 10
	wHostWord      = 10
	wHostWordsMax  = 20
	wRiskyTLD      = 10
	wFreeHost      = 10
	wFeedDomain    = 70
	wFeedURL       = 50
	wDynamicDNS    = 20
	wRandomHost    = 15
	wRedirect      = 15
	wBrandInPath   = 20
	deepSubdomains = 4
)

// Result is a judged link: where it really leads and the verdict.
type Result struct {
	URL     string `json:"url"`
	Host    string `json:"host"`    // ASCII (punycode)
	Unicode string `json:"unicode"` // as a reader sees it
	Site    string `json:"site"`    // the registrable domain it belongs to
	shopguard.Assessment
}

// Check judges raw and explains the verdict with e in lang. It returns an EINVALID error when
// raw is not a link.
func (a *Analyzer) Check(raw string, e shopguard.Explainer, lang shopguard.Lang) (Result, error) {
	l, err := Parse(raw)
	if err != nil {
		return Result{}, err
	}
	as := a.Analyze(l)
	as.Explain(e, lang)
	return Result{URL: raw, Host: l.Host, Unicode: l.Unicode, Site: l.Site, Assessment: as}, nil
}

// AnalyzeURL judges one URL or bare domain. It returns an EINVALID error when raw is not a
// link.
func (a *Analyzer) AnalyzeURL(raw string) (shopguard.Assessment, error) {
	l, err := Parse(raw)
	if err != nil {
		return shopguard.Assessment{}, err
	}
	return a.Analyze(l), nil
}

// Checked is what a link check looks at: how the address is built (raw IP, user info,
// shortener, Unicode), whether it imitates a brand's domain, and the lists (threat feeds and
// community reports) that name it.
var Checked = []string{"link.address", "link.brands", "link.lists"}

// Analyze judges a parsed link. A web archive's copy of a page is judged by the address it
// copies. A redirector's link (a known parameter such as url=, q= or
// next= holding another site's address) is judged by where it sends the reader as well: the
// target's signals count, and an official redirector no longer vouches for it.
func (a *Analyzer) Analyze(l Link) shopguard.Assessment {
	l, _ = archived(l)
	var buf [12]shopguard.Signal
	sigs := a.signals(l, buf[:0])
	if t, ok := a.redirectTarget(l.Path); ok {
		sigs = a.redirected(l, t, sigs)
	}
	as := shopguard.Assess(sigs, nil)
	as.Checked = Checked
	if as.Risk != shopguard.RiskLow {
		for _, s := range sigs {
			switch s.Code {
			case CodeTypo, CodeHomoglyph, CodeCombo, CodeInSubdomain, CodeLookalikeSub, CodeWrongTLD, CodeUserInfo, CodeFeedListed, CodeReported, CodeBrandInPath:
				as.ScamTypes = []string{ScamPhishing}
			}
		}
	}
	return as
}

func (a *Analyzer) signals(l Link, sigs []shopguard.Signal) []shopguard.Signal {
	ix := a.ix
	l = ix.rehost(l)
	if l.UserInfo != "" {
		w := wUserInfo
		if strings.IndexByte(l.UserInfo, '.') >= 0 || a.mentionsBrand(l.UserInfo) {
			w = wUserInfoBrand
		}
		sigs = append(sigs, sig(CodeUserInfo, w, "userinfo", l.UserInfo, "host", l.Unicode))
	}
	sigs = a.feedSignals(l, sigs)
	if l.IP {
		return append(sigs, sig(CodeRawIP, wRawIP, "ip", l.Host))
	}
	if b, ok := ix.official[l.Site]; ok {
		br := ix.brands[b]
		return append(sigs, sig(CodeOfficial, wOfficial, "brand", br.name, "brand_zh", br.nameZH, "domain", l.Site))
	}
	if ix.shortener[l.Site] {
		sigs = append(sigs, sig(CodeShortener, wShortener, "host", l.Site))
	}
	sc := a.scratch.Get().(*scratch)
	defer a.scratch.Put(sc)

	prefix := ""
	if len(l.Host) > len(l.Suffix) {
		prefix = l.Host[:len(l.Host)-len(l.Suffix)-1]
	}
	siteLabel, subs := prefix, ""
	if i := strings.LastIndexByte(prefix, '.'); i >= 0 {
		siteLabel, subs = prefix[i+1:], prefix[:i]
	}
	uniSite := siteLabel
	if l.Unicode != l.Host {
		uniSite = unicodeLabel(l, strings.Count(subs, ".")+boolInt(subs != ""))
		sigs = append(sigs, sig(CodeIDN, wIDN, "unicode", l.Unicode, "ascii", l.Host))
		if mixedScripts(l.Unicode) {
			sigs = append(sigs, sig(CodeMixedScript, wMixedScript, "unicode", l.Unicode))
		}
	}

	var brand shopguard.Signal
	found := false
	if siteLabel != "" {
		brand, found = a.judgeName(sc, siteLabel, uniSite, l, false)
	}
	if (!found || brand.Weight < wCombo) && subs != "" {
		// The brand split by a dot (tao.bao.com) is a stronger finding than a weak one on
		// the site label alone.
		if s, ok := a.judgeName(sc, strings.ReplaceAll(prefix, ".", ""), "", l, true); ok {
			brand, found = s, true
		}
	}
	if found {
		sigs = append(sigs, brand)
	}
	if !found && subs != "" {
		if s, ok := a.judgeSubdomains(sc, subs, l); ok {
			sigs = append(sigs, s)
		}
	}
	if words := a.hostWords(sc, prefix, l.Unicode); words != "" {
		n := strings.Count(words, ",") + 1
		sigs = append(sigs, sig(CodeHostWords, min(wHostWordsMax, n*wHostWord), "words", words))
	}
	if !l.ICANN && strings.IndexByte(l.Suffix, '.') >= 0 && !platformsOwn(prefix) {
		sigs = append(sigs, sig(CodeFreeHost, wFreeHost, "platform", l.Suffix))
	} else if tld := l.Suffix[strings.LastIndexByte(l.Suffix, '.')+1:]; ix.risky[tld] {
		sigs = append(sigs, sig(CodeRiskyTLD, wRiskyTLD, "tld", tld))
	}
	if d := a.dynamicDNS(l); d != "" {
		sigs = append(sigs, sig(CodeDynamicDNS, wDynamicDNS, "service", d))
	}
	if label := machineLabel(prefix); label != "" {
		sigs = append(sigs, sig(CodeRandomHost, wRandomHost, "label", label))
	}
	if b, ok := a.brandInPath(l.Path); ok {
		br := a.ix.brands[b]
		sigs = append(sigs, sig(CodeBrandInPath, wBrandInPath, "brand", br.name, "brand_zh", br.nameZH, "official", br.official, "site", displaySite(l)))
	}
	if d := strings.Count(subs, ".") + boolInt(subs != ""); d >= deepSubdomains {
		sigs = append(sigs, sig(CodeDeepSubdomain, wDeepSubdomain, "depth", strconv.Itoa(d)))
	}
	if w := a.sensitiveWord(l.Path); w != "" {
		sigs = append(sigs, sig(CodeSensitivePath, wSensitivePath, "word", w))
		if l.Scheme == "http" {
			sigs = append(sigs, sig(CodeNoHTTPS, wNoHTTPS))
		}
	}
	return sigs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// unicodeLabel returns label number n (from the left) of the link's Unicode host.
func unicodeLabel(l Link, n int) string {
	u := l.Unicode
	for ; n > 0; n-- {
		i := strings.IndexByte(u, '.')
		if i < 0 {
			return ""
		}
		u = u[i+1:]
	}
	if i := strings.IndexByte(u, '.'); i >= 0 {
		return u[:i]
	}
	return u
}

// judgeName looks for a brand in name, the label just left of the public suffix (or, when
// joined is true, all labels left of it run together, as in tao.bao.com). uni is the label
// as a reader sees it when it is an IDN.
func (a *Analyzer) judgeName(sc *scratch, name, uni string, l Link, joined bool) (shopguard.Signal, bool) {
	ix := a.ix
	idn := uni != "" && uni != name
	sc.del = removeByte(append(sc.del[:0], name...), '-')
	bare := sc.del
	if !idn {
		// The brand's own name on another ending, or with a hyphen or dot added.
		if ids, ok := ix.exact[string(bare)]; ok {
			t := ix.tokens[ids[0]]
			switch {
			case joined:
				return a.typoSignal(t, l, "dot", wTypo), true
			case len(bare) != len(name):
				return a.typoSignal(t, l, "hyphen", wTypo), true
			}
			return a.brandSignal(CodeWrongTLD, a.weakOr(t, wWrongTLD, wWrongTLDWeak), t, l), true
		}
	}
	src := name
	if idn {
		src = uni
	}
	sc.f1 = fold1(sc.f1[:0], src)
	f1 := removeByte(append(sc.f2[:0], sc.f1...), '-')
	sc.f2 = f1
	// Look-alike characters: equal once folded.
	strong := func(t token) int {
		if idn || joined {
			return wHomoglyph
		}
		return a.weakOr(t, wHomoglyph, wHomoglyphWeak)
	}
	if ids, ok := ix.f1[string(f1)]; ok {
		t := ix.tokens[ids[0]]
		return a.homoglyphSignal(t, l, strong(t)), true
	}
	if len(f1) >= ix.minLen-2 && len(f1) <= ix.maxLen+2 {
		if !idn {
			if t, ok := a.nearest(sc, bare); ok {
				how := editKind(string(bare), t.raw)
				if joined {
					return a.typoSignal(t, l, "dot", wTypo), true
				}
				return a.typoSignal(t, l, how, a.typoWeight(t, bare)), true
			}
		}
		f2 := fold2(sc.f1[len(sc.f1):], f1) // after f1's bytes: f1 is still needed below
		if ids, ok := ix.f2[string(f2)]; ok {
			t := ix.tokens[ids[0]]
			return a.homoglyphSignal(t, l, strong(t)), true
		}
		if idn {
			// An IDN that folds to within two edits of a long brand name imitates it:
			// real IDNs are words of their own script, not near-spellings of Latin brands.
			if t, ok := a.nearestIDN(f1); ok {
				return a.homoglyphSignal(t, l, wHomoglyph), true
			}
		}
	}
	if joined {
		return shopguard.Signal{}, false
	}
	// Brand name plus other words: in an IDN once folded; in an ASCII name as written, then
	// with 0 and 1 read as o and l when the brand is spelt with them (amaz0n-support).
	if idn {
		if hit, ok := a.combo(sc.f1, &ix.brandF1, &ix.wordsF1, true, l, nil); ok {
			return hit, true
		}
		if !isLatin(uni) {
			for _, t := range ix.zh {
				if t.brand >= 0 && strings.Contains(uni, t.raw) {
					return a.brandSignal(CodeCombo, wCombo, t, l), true
				}
			}
		}
		return shopguard.Signal{}, false
	}
	raw := append(sc.del[:0], name...)
	sc.del = raw
	if hit, ok := a.combo(raw, &ix.brandRaw, &ix.wordsRaw, false, l, nil); ok {
		return hit, true
	}
	if hasDigitLetter(name) {
		var buf [64]byte
		read := readDigits(append(buf[:0], name...))
		// Only a brand spelt with a digit counts: "1ebay" is not eBay in disguise.
		spelt := func(start, end int) bool { return hasDigitLetter(name[start:end]) }
		if hit, ok := a.combo(read, &ix.brandRaw, &ix.wordsRaw, false, l, spelt); ok {
			return hit, true
		}
	}
	return shopguard.Signal{}, false
}

// readDigits reads the digits that stand for letters in a brand spelt with them, 0 as o and
// 1 as l, in place, and returns b.
func readDigits(b []byte) []byte {
	for i, c := range b {
		switch c {
		case '0':
			b[i] = 'o'
		case '1':
			b[i] = 'l'
		}
	}
	return b
}

// hasDigitLetter reports whether s holds a 0 or a 1, the digits read as letters.
func hasDigitLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '0' || s[i] == '1' {
			return true
		}
	}
	return false
}

// combo looks in name for a brand token joined with other words; folded says name and the
// automatons are in folded form, and want, when not nil, which spans of name count. A short
// or everyday-word brand counts only when the rest of the name is known bait words.
func (a *Analyzer) combo(name []byte, brands, words *trie, folded bool, l Link, want func(start, end int) bool) (shopguard.Signal, bool) {
	ix := a.ix
	var hit shopguard.Signal
	ok := false
	brands.scan(name, func(id int32, start, end int) bool {
		t := ix.tokens[id]
		if end-start == len(name) || want != nil && !want(start, end) {
			return true
		}
		if t.short || t.word {
			form := t.raw
			if folded {
				form = t.f1
			}
			if !words.covers(name[:start], form) || !words.covers(name[end:], form) {
				return true
			}
		}
		hit, ok = a.brandSignal(CodeCombo, wCombo, t, l), true
		return false
	})
	return hit, ok
}

func (a *Analyzer) weakOr(t token, strong, weak int) int {
	if t.short || t.word {
		return weak
	}
	return strong
}

// nearest returns a long token within one edit of name by symmetric deletion: name and each
// of its one-letter deletions are looked up in ix.del, in that order. The keys' hashes, all
// computed from one pass of prefix and suffix hashes, are first tried against ix.delKeys, so
// that the map is only asked about keys that may be in it.
func (a *Analyzer) nearest(sc *scratch, name []byte) (token, bool) {
	ix := a.ix
	try := func(key []byte) (token, bool) {
		for _, id := range ix.del[string(key)] {
			t := ix.tokens[id]
			if osa(name, []byte(t.raw), 1) <= 1 {
				return t, true
			}
		}
		return token{}, false
	}
	n := len(name)
	if n > maxHashed {
		return token{}, false // longer than any key and its one insertion
	}
	var pre, suf [maxHashed + 1]uint64 // hashes of name[:j] and name[j:]
	for j := 0; j < n; j++ {
		pre[j+1] = pre[j]*hashMul + uint64(name[j])
	}
	for j := n - 1; j >= 0; j-- {
		suf[j] = uint64(name[j])*hashPow[n-1-j] + suf[j+1]
	}
	if ix.delKeys.has(pre[n]) {
		if t, ok := try(name); ok {
			return t, true
		}
	}
	k := sc.key[:0]
	defer func() { sc.key = k }()
	for j := range name {
		if !ix.delKeys.has(pre[j]*hashPow[n-1-j] + suf[j+1]) {
			continue
		}
		k = append(append(k[:0], name[:j]...), name[j+1:]...)
		if t, ok := try(k); ok {
			return t, true
		}
	}
	return token{}, false
}

// nearestIDN returns a long token within two edits (one for five-letter names) of a folded
// IDN label.
func (a *Analyzer) nearestIDN(f1 []byte) (token, bool) {
	for _, t := range a.ix.tokens {
		if t.short {
			continue
		}
		limit := 1
		if len(t.raw) >= foldLen {
			limit = 2
		}
		if osa(f1, []byte(t.f1), limit) <= limit {
			return t, true
		}
	}
	return token{}, false
}

// typoWeight is the weight of name, a one-edit misspelling of t: high for a distinctive
// name; low for a short name, where real words lie one letter away. For the names of a brand
// called by an everyday word it is medium when the edit is inside the name and low when it
// is at either end, where prefixes and suffixes make other real words (cloud against
// icloud, discovery against discover).
func (a *Analyzer) typoWeight(t token, name []byte) int {
	switch {
	case t.short:
		return wTypoWeak
	case !a.ix.brands[t.brand].word:
		return wTypo
	}
	n, r := len(name), len(t.raw)
	if n == 0 || name[0] != t.raw[0] && !isDigit(name[0]) || name[n-1] != t.raw[r-1] && !isDigit(name[n-1]) {
		return wTypoWeak
	}
	return wTypoWord
}

func removeByte(b []byte, c byte) []byte {
	out := b[:0]
	for _, x := range b {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// judgeSubdomains looks for a brand in the labels left of the site: an official domain
// written as labels (taobao.com.refund-center.xyz) or a brand name.
func (a *Analyzer) judgeSubdomains(sc *scratch, subs string, l Link) (shopguard.Signal, bool) {
	ix := a.ix
	// An official domain spelt out inside the host.
	for i := 0; i < len(subs); {
		rest := l.Host[i:]
		for j := len(subs) - i; j > 0; j-- {
			if (j == len(rest) || rest[j] == '.' || rest[j] == '-') && j > 0 {
				if b, ok := ix.official[rest[:j]]; ok {
					br := ix.brands[b]
					return sig(CodeInSubdomain, wOfficialInSub, "brand", br.name, "brand_zh", br.nameZH,
						"official", rest[:j], "site", displaySite(l)), true
				}
			}
		}
		n := strings.IndexAny(subs[i:], ".-")
		if n < 0 {
			break
		}
		i += n + 1
	}
	hasWords := false
	for rest := subs; rest != ""; {
		label := rest
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			label, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		sc.f1 = append(sc.f1[:0], label...)
		var hit shopguard.Signal
		ok := false
		ix.brandRaw.scan(sc.f1, func(id int32, start, end int) bool {
			t := ix.tokens[id]
			if t.short || t.word {
				// The name alone as a label next to bait words elsewhere in the host
				// (apple.verify-id.xyz), or with bait words in the label (icloud-find).
				whole := end-start == len(label)
				if whole && !hasWords {
					hasWords = a.hostWords(sc, l.Host[:len(l.Host)-len(l.Suffix)-1], "") != ""
				}
				withWords := !whole && ix.wordsRaw.covers(sc.f1[:start], t.raw) && ix.wordsRaw.covers(sc.f1[end:], t.raw)
				if !(whole && hasWords) && !withWords {
					return true
				}
			}
			br := ix.brands[t.brand]
			hit, ok = sig(CodeInSubdomain, wInSubdomain, "brand", br.name, "brand_zh", br.nameZH,
				"official", br.official, "site", displaySite(l)), true
			return false
		})
		if ok {
			return hit, true
		}
	}
	return a.lookalikeSub(sc, subs, l)
}

// lookalikeSub looks for a brand's name written with look-alike characters or one letter off
// in a label left of the site, or in a hyphen-separated part of one (paypa1-secure.login.
// example.xyz, amaz0n.verify-id.top): a name no honest site puts in front of another's
// domain. A label in look-alike characters (digits read as letters, Cyrillic and other
// confusables) weighs as much as the brand's name itself. One letter off a long, distinctive
// name, or equal to it only once further folded (b/d, m/n), counts only when the host also
// holds bait words (paypai.account-check.xyz), and then little: real words lie that close
// (correo and Correos, trail and Tmall).
func (a *Analyzer) lookalikeSub(sc *scratch, subs string, l Link) (shopguard.Signal, bool) {
	ix := a.ix
	best, bestW := token{}, 0
	consider := func(t token, w int) {
		if w > bestW {
			best, bestW = t, w
		}
	}
	n := 0
	for rest := subs; rest != "" && bestW < wLookalikeSub; n++ {
		label := rest
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			label, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if strings.HasPrefix(label, "xn--") {
			// An IDN label: its Unicode form, folded by skeleton.
			if uni := unicodeLabel(l, n); uni != "" && uni != label {
				f1 := removeByte(fold1(sc.f1[:0], uni), '-')
				sc.f1 = f1
				if ids, ok := ix.f1[string(f1)]; ok && len(ix.tokens[ids[0]].raw) >= 4 {
					consider(ix.tokens[ids[0]], wLookalikeSub)
				}
			}
			continue
		}
		// The brand spelt with digits inside a longer label (paypa1secure).
		if hasDigitLetter(label) {
			read := readDigits(append(sc.f1[:0], label...))
			sc.f1 = read
			ix.brandRaw.scan(read, func(id int32, start, end int) bool {
				t := ix.tokens[id]
				if t.short || !hasDigitLetter(label[start:end]) {
					return true
				}
				consider(t, wLookalikeSub)
				return false
			})
		}
		for part := range strings.SplitSeq(label, "-") {
			if w, t, ok := a.lookalikePart(sc, part); ok {
				consider(t, w)
			}
		}
	}
	if bestW == 0 || bestW == wNearSub && a.hostWords(sc, l.Host[:len(l.Host)-len(l.Suffix)-1], "") == "" {
		return shopguard.Signal{}, false
	}
	br := ix.brands[best.brand]
	return sig(CodeLookalikeSub, bestW, "brand", br.name, "brand_zh", br.nameZH, "official", br.official,
		"site", displaySite(l)), true
}

// lookalikePart judges one part of a subdomain label against the brands' names: its weight
// and the brand's token when it imitates one. The brand's own name is not a look-alike
// (judgeSubdomains weighs it with the words around it).
func (a *Analyzer) lookalikePart(sc *scratch, part string) (int, token, bool) {
	ix := a.ix
	if len(part) < 3 || len(part) > ix.maxLen+2 {
		return 0, token{}, false
	}
	if _, ok := ix.exact[part]; ok {
		return 0, token{}, false
	}
	f1 := fold1(sc.f1[:0], part)
	sc.f1 = f1
	if ids, ok := ix.f1[string(f1)]; ok {
		if t := ix.tokens[ids[0]]; len(t.raw) >= 4 {
			return wLookalikeSub, t, true
		}
	}
	if len(part) < ix.minLen-1 {
		return 0, token{}, false
	}
	f2 := fold2(sc.f2[:0], f1)
	sc.f2 = f2
	if ids, ok := ix.f2[string(f2)]; ok {
		if t := ix.tokens[ids[0]]; !t.word {
			return wNearSub, t, true
		}
	}
	if len(part) >= shortLen+1 {
		if t, ok := a.nearest(sc, []byte(part)); ok && !t.word {
			return wNearSub, t, true
		}
	}
	return 0, token{}, false
}

// hostWords returns the bait words found in the labels of s, comma-separated.
func (a *Analyzer) hostWords(sc *scratch, s, uni string) string {
	ix := a.ix
	var found []string
	b := append(sc.f2[:0], s...)
	sc.f2 = b
	ix.wordsRaw.scan(b, func(id int32, start, end int) bool {
		if end-start < 4 && !segmentEnd(b, start, end) {
			return true
		}
		w := ix.wordList[id]
		if w == "www" && (start == 0 || b[start-1] == '.') && (end == len(b) || b[end] == '.') {
			return true // the usual www. label, not a word glued into a name
		}
		for _, f := range found {
			if strings.Contains(f, w) || strings.Contains(w, f) {
				return true
			}
		}
		found = append(found, w)
		return len(found) < 3
	})
	if uni != "" && !isLatin(uni) {
		for _, t := range ix.zh {
			if t.brand < 0 && strings.Contains(uni, t.raw) && len(found) < 3 {
				found = append(found, t.raw)
			}
		}
	}
	return strings.Join(found, ", ")
}

// sensitiveWord returns the first path or query word of a login, payment or account page.
func (a *Analyzer) sensitiveWord(path string) string {
	for i := 0; i < len(path); {
		for i < len(path) && !isWordByte(path[i]) {
			i++
		}
		j := i
		for j < len(path) && isWordByte(path[j]) {
			j++
		}
		if j > i && j-i <= 20 {
			w := path[i:j]
			if a.ix.sensitive[w] || a.ix.sensitive[strings.ToLower(w)] {
				return strings.ToLower(w)
			}
		}
		i = j
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// mentionsBrand reports whether s contains one of the brands' names.
func (a *Analyzer) mentionsBrand(s string) bool {
	found := false
	a.ix.brandRaw.scan([]byte(lowerASCII(s)), func(id int32, _, _ int) bool {
		found = !a.ix.tokens[id].short
		return !found
	})
	return found
}

func (a *Analyzer) feedSignals(l Link, sigs []shopguard.Signal) []shopguard.Signal {
	if a.lookup == nil {
		return sigs
	}
	for d := l.Host; ; {
		for _, h := range a.lookup.LookupDomain(d) {
			code, w := CodeFeedListed, wFeedDomain
			if h.Report {
				code = CodeReported
			}
			if !h.Exact {
				w = wFeedURL
			}
			return append(sigs, sig(code, w, "feed", h.Source, "entry", h.Entry))
		}
		i := strings.IndexByte(d, '.')
		if i < 0 || len(d) <= len(l.Site) {
			return sigs
		}
		d = d[i+1:]
	}
}

func (a *Analyzer) brandSignal(code string, w int, t token, l Link) shopguard.Signal {
	br := a.ix.brands[t.brand]
	return sig(code, w, "brand", br.name, "brand_zh", br.nameZH, "official", br.official, "site", displaySite(l))
}

func (a *Analyzer) homoglyphSignal(t token, l Link, w int) shopguard.Signal {
	br := a.ix.brands[t.brand]
	return sig(CodeHomoglyph, w, "brand", br.name, "brand_zh", br.nameZH, "official", br.official,
		"site", l.Site, "unicode", displaySite(l))
}

func (a *Analyzer) typoSignal(t token, l Link, how string, w int) shopguard.Signal {
	br := a.ix.brands[t.brand]
	h := howTexts[how]
	return sig(CodeTypo, w, "brand", br.name, "brand_zh", br.nameZH, "official", br.official,
		"site", displaySite(l), "how", h[1], "how_zh", h[0], "edit", how)
}

// howTexts says in words (zh-CN, en) how a misspelling differs from the brand.
var howTexts = map[string][2]string{
	"hyphen":        {"多加了连字符", "a hyphen added"},
	"dot":           {"中间多加了一个点", "a dot added inside the name"},
	"omission":      {"少了一个字母", "a letter left out"},
	"insertion":     {"多了一个字母", "a letter added"},
	"repetition":    {"重复了一个字母", "a letter doubled"},
	"transposition": {"两个字母调换了位置", "two letters swapped"},
	"vowel":         {"换了一个元音", "a vowel changed"},
	"keyboard":      {"换成了键盘上相邻的字母", "a letter changed to its keyboard neighbour"},
	"bitflip":       {"换了一个字符", "a character changed"},
	"replacement":   {"换了一个字符", "a character changed"},
	"homoglyph":     {"用了形近字符", "look-alike characters"},
}

// mixedScripts reports whether one label of host mixes letters of two scripts (Han, Hiragana,
// Katakana and Hangul may go with Latin, as in real Chinese and Japanese names).
func mixedScripts(host string) bool {
	for _, label := range strings.Split(host, ".") {
		var first *unicode.RangeTable
		for _, r := range label {
			if !unicode.IsLetter(r) {
				continue
			}
			t := scriptOf(r)
			if t == nil {
				continue
			}
			if first == nil {
				first = t
			} else if t != first {
				return true
			}
		}
	}
	return false
}

// scriptOf returns the script of a letter among those used to fake Latin (Latin, Cyrillic,
// Greek, Armenian), or nil for others.
func scriptOf(r rune) *unicode.RangeTable {
	for _, t := range []*unicode.RangeTable{unicode.Latin, unicode.Cyrillic, unicode.Greek, unicode.Armenian} {
		if unicode.Is(t, r) {
			return t
		}
	}
	return nil
}

func sig(code string, w int, kv ...string) shopguard.Signal {
	s := shopguard.Signal{Code: code, Weight: w, Field: "url"}
	if len(kv) > 0 {
		s.Args = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			s.Args[kv[i]] = kv[i+1]
		}
	}
	return s
}

// rehost judges a host on a hosting platform that the public suffix list lacks as the list
// would: the platform is the suffix and the user's label the site.
func (ix *index) rehost(l Link) Link {
	if !ix.platform[l.Site] || len(l.Host) == len(l.Site) {
		return l
	}
	sub := l.Host[:len(l.Host)-len(l.Site)-1]
	l.Suffix, l.ICANN = l.Site, false
	l.Site = sub[strings.LastIndexByte(sub, '.')+1:] + "." + l.Suffix
	return l
}

// displaySite returns the link's site as a reader sees it (IDN decoded).
func displaySite(l Link) string {
	if l.Unicode == l.Host {
		return l.Site
	}
	n := strings.Count(l.Site, ".")
	u := l.Unicode
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == '.' {
			if n == 0 {
				return u[i+1:]
			}
			n--
		}
	}
	return u
}
