// Package combine composes the detectors into the verdicts the doors give, so that the API,
// the CLI and the web pages share one function per question:
//
//   - a chat (Checks.Scan): the scam scripts of detect/text, every link in it judged by
//     detect/link (the community's confirmed domains answer through the analyzer's
//     link.DomainLookup), and every phone number or account in it that the community has
//     reported (intel.Signals);
//   - the learned layer (detect/model), which may lift a calm chat to medium, and only one
//     that already holds a structural cue (see Checks.Scan);
//   - a listing (Checks.Listing): the warning signs of detect/listing and the reputation of
//     the seller's contact details;
//   - a shop's site (Checks.Site): what its pages show (detect/site), its domain judged by the
//     link check, and every phone number, QQ, WeChat id, e-mail address and bank account its
//     pages show that the community has reported;
//   - "should I pay?" (Checks.Assess): the links, the shop's site (Checks.Site, read by the
//     caller), the chat, the listing, the reputations of the contacts and the bank account,
//     and the price against the reference prices, each signal naming its source.
//
// The signals of every part are combined by shopguard.Assess, so the score stays the clamped
// sum of weights that each have an explanation. Checks holds no state of its own: it is safe
// for concurrent use when its parts are.
package combine

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/detect/model"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/intel"
)

// Checks is the set of detectors a door runs. Text is required for Scan; Links, Reputations
// and Model may be nil, and then links are not judged, no reputation is asked and no learned
// layer speaks.
type Checks struct {
	Text        *text.Detector
	Links       *link.Analyzer
	Reputations shopguard.Reputations
	Model       *model.Model
	// Prices gives reference prices (nil: prices are not compared, and Assess says so);
	// Platforms reports whether a platform named by a shopper (lower case: an id, name or
	// domain) is a marketplace with buyer protection (nil: none is).
	Prices    shopguard.PriceReferences
	Platforms func(platform string) bool
	// Sites judges shops' sites; required for Site.
	Sites *site.Checker
}

// Site judges a shop's site from its pages (Sites) and looks every identifier the pages show
// (phone numbers, QQ, WeChat ids, e-mail addresses, bank accounts) up in the community's
// reports: one the community reported gives intel.reported_identifier or
// intel.confirmed_identifier as intel.Signals does, each identifier once, with the masked
// identifier and the page it was found on as its evidence (args "evidence" and "page"). The
// site's own domain is the link check's (link.reported, through the analyzer's
// link.DomainLookup). The URL must parse as a link.
func (c Checks) Site(in site.Input) (site.Result, error) {
	r, err := c.Sites.Check(in)
	if err != nil || c.Reputations == nil {
		return r, err
	}
	r.Checked = append(r.Checked, shopguard.CheckedCommunity)
	var extra []shopguard.Signal
	for _, s := range intel.Signals(c.Reputations, r.Facts.Identifiers) {
		s.Args["evidence"] = s.Args["kind"] + " " + s.Args["display"]
		if p := s.Span.Message; p >= 0 && p < len(r.Pages) {
			s.Args["page"] = r.Pages[p]
		}
		s.Span = nil
		extra = append(extra, s)
	}
	if len(extra) > 0 {
		a := shopguard.Assess(append(slices.Clone(r.Signals), extra...), r.ScamTypes)
		a.Checked, a.Advice = r.Assessment.Checked, r.Advice
		r.Assessment = a
	}
	return r, nil
}

// Scan checks a conversation. To the verdict of the text detector it adds, for each site
// linked to whose link check is medium or high on its own, the signals that made that verdict
// (with the place of the link in the chat; the worst link of a site counts once, a calm or
// official link adds nothing) and the link's scam types; and, for each identifier other than
// a link (links are the link check's) that the community has reported, its reputation signal.
// Last, when the verdict is still low but the chat holds a structural cue, the learned layer
// is asked (see learned). A link is judged in its message: one that does not go to the brand
// the message names is link.not_sender, enough for medium when the message also asks the
// reader to act; and in a message that tells a story (a hook or a pretext) and asks the reader
// to act (click, confirm, pay, log in), a link's signs count even when they are too few to
// make the link medium on its own. A single message whose only way to act is a brand's
// official site (no number, code, transfer or other channel) gets link.own_site_only, which
// takes off what an official link weighs, and the learned layer is not asked about it.
func (c Checks) Scan(msgs []text.Message) text.Result {
	r, _ := c.ScanContext(context.Background(), msgs)
	return r
}

// ScanContext is Scan for a caller that may go away: it stops with ctx's error once ctx has
// ended, looking at it before each message, link and identifier it judges.
func (c Checks) ScanContext(ctx context.Context, msgs []text.Message) (text.Result, error) {
	r, err := c.Text.ScanContext(ctx, msgs)
	if err != nil {
		return text.Result{}, err
	}
	types := slices.Clip(r.Types) // linkSignals's additions go to a copy
	extra, unchecked, err := c.linkSignals(ctx, msgs, r, &types)
	if err != nil {
		return text.Result{}, err
	}
	if len(extra) == 0 {
		if s, ok := c.unknownAct(msgs, r); ok {
			extra = append(extra, s)
		}
	}
	r.LinksUnchecked = unchecked
	idents, err := c.identSignals(ctx, msgs)
	if err != nil {
		return text.Result{}, err
	}
	extra = append(extra, idents...)
	own, ownOnly := c.ownSiteOnly(msgs, r)
	if ownOnly && r.Risk != shopguard.RiskLow {
		extra = append(extra, own)
	}
	checked := 0
	if c.Links != nil {
		checked |= checkedLinks
	}
	if c.Reputations != nil {
		checked |= checkedCommunity
	}
	r.Checked = chatChecked[checked]
	if len(extra) > 0 {
		a := shopguard.Assess(append(slices.Clone(r.Signals), extra...), types)
		r.Risk, r.Score, r.Signals, r.Types = a.Risk, a.Score, a.Signals, a.ScamTypes
	}
	if s, ok := c.learned(msgs, r); ok && !ownOnly {
		a := shopguard.Assess(append(slices.Clone(r.Signals), s), r.Types)
		r.Risk, r.Score, r.Signals = a.Risk, a.Score, a.Signals
	}
	r.Finding = r.Assessment().Finding
	return r, nil
}

// What a chat scan checked besides the text, as bits of an index into chatChecked.
const (
	checkedLinks     = 1 << iota // the links were judged
	checkedCommunity             // the community was asked
)

// chatChecked is what a chat scan checked, by the bits of what it checked besides the text;
// built once and shared by every answer (as text.Checked is by the text detector's).
var chatChecked = func() (out [4][]string) {
	for i := range out {
		c := slices.Clone(text.Checked)
		if i&checkedLinks != 0 {
			c = append(c, link.Checked...)
		}
		if i&checkedCommunity != 0 {
			c = append(c, shopguard.CheckedCommunity)
		}
		out[i] = slices.Clip(c)
	}
	return out
}()

// ModelSignal is the code of the learned layer's signal.
const ModelSignal = "text.model"

// learned returns the learned layer's signal for a verdict that is low although the chat
// holds a structural cue (Structural), when the model takes the chat for a scam: its weight
// brings the score to medium exactly, and it names the words that weighed most and the
// model's probability. Without a structural cue, or on a verdict already medium or high, the
// model is not asked: it never raises an alarm on its own, and never raises one further. Nor
// is it asked about a text of a shape it learned too few legitimate examples of (model.Knows:
// its threshold says nothing about false alarms there, as on long e-mail to a model trained on
// SMS and calls), nor, by Scan, about a message whose only way to act is an official site.
func (c Checks) learned(msgs []text.Message, r text.Result) (shopguard.Signal, bool) {
	if c.Model == nil || r.Risk != shopguard.RiskLow || !Structural(r) {
		return shopguard.Signal{}, false
	}
	doc := model.NewDoc(msgs, r)
	if !c.Model.Knows(doc) || c.Model.Prob(doc) < c.Model.Threshold {
		return shopguard.Signal{}, false
	}
	v := c.Model.Judge(doc)
	sum := 0
	for _, s := range r.Signals {
		sum += s.Weight
	}
	return shopguard.Signal{Code: ModelSignal, Weight: shopguard.ScoreMedium - sum,
		Args: map[string]string{"words": strings.Join(v.Words, ", "), "percent": model.PercentArg(v.Prob)}}, true
}

// Structural reports whether a verdict holds a structural cue: a cue of the request or
// off-platform stage (a link, a request to click, pay, call or log in, a sum of money, a
// phone number or another contact, a channel off the platform).
func Structural(r text.Result) bool {
	for _, c := range r.Cues {
		if c.Stage == "request" || c.Stage == "off_platform" {
			return true
		}
	}
	return false
}

// finderCues are the cues that only say a link or a number is there: they do not ask the
// reader to do anything.
var finderCues = []string{"link", "contact_number", "short_code", "money_sum"}

// acting returns, by message, whether the text detector found in it a request (a cue of the
// request stage other than a finder's): click, log in, pay, confirm, give details, call.
func acting(r text.Result, n int) []bool {
	act := make([]bool, n)
	for _, h := range r.Cues {
		if h.Stage == "request" && h.Message < n && !slices.Contains(finderCues, h.ID) {
			act[h.Message] = true
		}
	}
	return act
}

// MaxJudgedLinks is how many different links (a link in a message) a scan judges, in the
// order they are found; the places of the others are counted in the result's LinksUnchecked.
// A link written again is judged once, so only a text of thousands of different links (1 MB
// of them is some 60,000) reaches it.
const MaxJudgedLinks = 1000

// linkSignals judges each link of r in its message (not one in words its sender did not write,
// text.URL.Others) and returns the signals of the worst
// link of every site whose verdict is medium or high, or that shows any sign in a message
// asking the reader to act, adding its scam types to types, and the number of places of links
// left unjudged past MaxJudgedLinks. A link written again in the same message is judged once:
// its verdict depends only on the link and its message, so a repeat costs a map lookup, not a
// new analysis.
func (c Checks) linkSignals(ctx context.Context, msgs []text.Message, r text.Result, types *[]string) ([]shopguard.Signal, int, error) {
	urls := r.URLs
	if c.Links == nil || len(urls) == 0 {
		return nil, 0, nil
	}
	type judged struct {
		url text.URL
		as  shopguard.Assessment
	}
	type place struct {
		msg int
		url string
	}
	var worst []judged // in the order the sites first appear
	at := map[string]int{}
	done := map[place]linkVerdict{}
	act, told := acting(r, len(msgs)), storied(r, len(msgs))
	unchecked := 0
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if u.Others() {
			continue
		}
		v, ok := done[place{u.Message, u.URL}]
		if !ok {
			if len(done) == MaxJudgedLinks {
				unchecked++
				continue
			}
			v = c.judgeLink(msgs, u, act, told)
			done[place{u.Message, u.URL}] = v
		}
		if v.site == "" {
			continue
		}
		if i, ok := at[v.site]; !ok {
			at[v.site] = len(worst)
			worst = append(worst, judged{u, v.as})
		} else if v.as.Score > worst[i].as.Score {
			worst[i] = judged{u, v.as}
		}
	}
	var out []shopguard.Signal
	for _, j := range worst {
		span := &shopguard.Span{Message: j.url.Message, Start: j.url.Start, End: j.url.End}
		for _, s := range j.as.Signals {
			if s.Weight > 0 {
				s.Span = span
				out = append(out, s)
			}
		}
		for _, t := range j.as.ScamTypes {
			*types = appendOnce(*types, t)
		}
	}
	return out, unchecked, nil
}

// linkVerdict is a link's verdict in its message and its site (the host when it has no
// registrable domain); no site for a link of no concern (it does not parse, or it is low and
// shows no sign that counts in its message).
type linkVerdict struct {
	site string
	as   shopguard.Assessment
}

// judgeLink judges link u in its message (act and told say, by message, whether the text
// detector found a request and a story in it). In prose (minProse) that tells no story and
// asks nothing, a link whose only signs are of its shape (shapeOnly) is of no concern.
func (c Checks) judgeLink(msgs []text.Message, u text.URL, act, told []bool) (v linkVerdict) {
	l, err := link.Parse(u.URL)
	if err != nil {
		return v
	}
	as := c.Links.Analyze(l)
	if u.Message < len(msgs) {
		if s, ok := c.Links.NotSender(msgs[u.Message].Text, l, act[u.Message]); ok {
			as = shopguard.Assess(append(slices.Clone(as.Signals), s), appendOnce(as.ScamTypes, link.ScamPhishing))
		}
	}
	if u.Message < len(msgs) && len(msgs[u.Message].Text) > minProse && !act[u.Message] && !told[u.Message] && shapeOnly(as) {
		return v
	}
	if as.Risk == shopguard.RiskLow {
		if !(u.Message < len(act) && act[u.Message] && told[u.Message] && hasSign(as)) {
			return v
		}
		as = shopguard.Assess(append(slices.Clone(as.Signals), link.StoryLink(l)), appendOnce(as.ScamTypes, link.ScamPhishing))
	}
	v.site, v.as = l.Site, as
	if v.site == "" {
		v.site = l.Host
	}
	return v
}

// routeCues are the cues that give the reader a way to act other than a link: a number to
// call or text, a code, a password or a card to hand over, money to move, an app or a channel.
var routeCues = []string{"contact_number", "short_code", "premium_number", "urgent_callback", "reply_digit",
	"reply_to_activate", "off_platform_contact", "download_app", "screen_share", "asks_code", "asks_password",
	"asks_card", "personal_transfer", "fee_unfreeze", "asks_loan", "guided_payment", "advance_payment", "deposit_request"}

// ownSiteOnly returns link.own_site_only for a single message (a notice, an SMS, an e-mail)
// whose every link goes to a brand's official site and which gives no other way to act
// (routeCues): whatever it asks, doing it there is safe. A chat of several messages from the
// other side never gets it, so that an official link cannot excuse what another message asks.
func (c Checks) ownSiteOnly(msgs []text.Message, r text.Result) (shopguard.Signal, bool) {
	if c.Links == nil || len(r.URLs) == 0 {
		return shopguard.Signal{}, false
	}
	from := -1
	for i, m := range msgs {
		if m.From == text.FromMe {
			continue
		}
		if from >= 0 {
			return shopguard.Signal{}, false
		}
		from = i
	}
	var own shopguard.Signal
	official := map[string]shopguard.Signal{} // by link: each is parsed once
	for _, u := range r.URLs {
		if u.Message != from {
			continue
		}
		s, ok := official[u.URL]
		if !ok {
			l, err := link.Parse(u.URL)
			if err != nil {
				return shopguard.Signal{}, false
			}
			if s, ok = c.Links.Official(l); !ok {
				return shopguard.Signal{}, false
			}
			official[u.URL] = s
		}
		s.Span = &shopguard.Span{Message: u.Message, Start: u.Start, End: u.End}
		own = s
	}
	if own.Code == "" {
		return shopguard.Signal{}, false
	}
	for _, h := range r.Cues {
		if h.Message == from && slices.Contains(routeCues, h.ID) {
			return shopguard.Signal{}, false
		}
	}
	return own, true
}

// shortMessage is the length (bytes) up to which a message is a short message (a text, a chat
// line, a notification) rather than a letter: three joined SMS parts of Latin text.
const shortMessage = 480

// linkAsks are the requests that ask the reader to act through a link: to click, visit or log
// in, or to give a password or a code there.
var linkAsks = []string{"click_link", "asks_password", "asks_code"}

// unknownAct returns link.unknown_and_act for a short message that is the whole chat (nobody
// asked for it: the shopper said nothing) and that either asks the reader to act through its
// link (linkAsks, not told in the first person: "I tried to log in" asks nothing) or tells the
// reader a story (a hook or a pretext; toReader) beside it, when the link check found nothing
// about the link: one link, on a public ending, no brand's official site and not named as the
// sender by the message ("Joe's Pizza: order at joespizza.com", a sender's tag such as 【…】).
// The caller gives it only when no link showed a sign.
func (c Checks) unknownAct(msgs []text.Message, r text.Result) (shopguard.Signal, bool) {
	if c.Links == nil || len(r.URLs) == 0 || len(msgs) != 1 || msgs[0].From == text.FromMe {
		return shopguard.Signal{}, false
	}
	msg := msgs[0].Text
	if len(msg) > shortMessage || strings.Contains(msg, "【") {
		return shopguard.Signal{}, false
	}
	asks := false
	for _, h := range r.Cues {
		if slices.Contains(linkAsks, h.ID) && !firstPerson(msg, h.Start) {
			asks = true
			break
		}
	}
	if !asks && !(storied(r, 1)[0] && toReader(msg)) {
		return shopguard.Signal{}, false
	}
	var s shopguard.Signal
	for _, u := range r.URLs {
		if u.Others() {
			continue
		}
		if s.Code != "" {
			return shopguard.Signal{}, false // a lure gives one place to go; a letter of links is news
		}
		l, err := link.Parse(u.URL)
		if err != nil || l.Suffix == "" || reserved(l.Site) {
			return shopguard.Signal{}, false
		}
		if _, ok := c.Links.Official(l); ok || namesSite(msg, r.URLs, l.Site) {
			return shopguard.Signal{}, false
		}
		s = link.UnknownAct(l)
		s.Span = &shopguard.Span{Message: u.Message, Start: u.Start, End: u.End}
	}
	return s, s.Code != ""
}

// reserved reports whether site is a name reserved for examples and tests (RFC 2606), which
// is nobody's site: messages written as samples carry it in place of a real link.
func reserved(site string) bool {
	switch site {
	case "example.com", "example.net", "example.org":
		return true
	}
	tld := site[strings.LastIndexByte(site, '.')+1:]
	return tld == "example" || tld == "test" || tld == "invalid" || tld == "localhost"
}

// firstPerson reports whether the sentence before rune offset at of msg (at most 80 bytes back)
// speaks in the first person singular ("I tried to log in", "my link"): a shopper's own story,
// not a request to the reader.
func firstPerson(msg string, at int) bool {
	end := len(msg)
	for i := range msg { // the byte offset of rune at; msg is short
		if at == 0 {
			end = i
			break
		}
		at--
	}
	start := max(0, end-80)
	if k := strings.LastIndexAny(msg[start:end], ".!?\n"); k >= 0 {
		start += k + 1
	}
	return slices.ContainsFunc(words(msg[start:end]), func(w string) bool { return firstPersonWords[w] })
}

// toReader reports whether msg speaks to its reader ("you", "your", "u", "ur") and neither in
// the first person singular (a person's own story) nor to anyone by @name or at an address (a
// public post, another channel): the shape of a text that a stranger sends its target.
func toReader(msg string) bool {
	if strings.IndexByte(msg, '@') >= 0 {
		return false
	}
	you := false
	for _, w := range words(msg) {
		switch {
		case firstPersonWords[w]:
			return false
		case w == "you" || w == "your" || w == "u" || w == "ur" || w == "you're" || w == "you’re" || w == "yours":
			you = true
		}
	}
	return you
}

// firstPersonWords are the English words of the first person singular.
var firstPersonWords = map[string]bool{"i": true, "i'm": true, "i’m": true, "im": true, "i've": true, "i’ve": true,
	"ive": true, "i'd": true, "i’d": true, "my": true, "me": true}

// words returns the words of s in lower case (letters and apostrophes).
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r == '’')
	})
}

// namesSite reports whether msg names site's first label (four letters or more) outside its
// links, ignoring case, spaces and punctuation: "Joe's Pizza" names joespizza.com.
func namesSite(msg string, urls []text.URL, site string) bool {
	label, _, _ := strings.Cut(site, ".")
	if len(label) < 4 {
		return false
	}
	var b strings.Builder
	b.Grow(len(msg))
	n := 0 // runes before ch: the links' places count runes
	for _, ch := range msg {
		switch {
		case inURL(urls, n):
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9':
			b.WriteRune(ch)
		case ch >= 'A' && ch <= 'Z':
			b.WriteRune(ch + 'a' - 'A')
		case ch >= 0x80:
			b.WriteByte(' ')
		}
		n++
	}
	return strings.Contains(b.String(), strings.ReplaceAll(label, "-", ""))
}

// inURL reports whether rune i of the message is inside one of the links found in it.
func inURL(urls []text.URL, i int) bool {
	for _, u := range urls {
		if i >= u.Start && i < u.End {
			return true
		}
	}
	return false
}

// minProse is the length (bytes) from which a message is prose (an e-mail, an article, a post to
// a list) rather than a short message: in prose that tells no story and asks nothing, a link
// whose only signs are of its shape is an address the writer mentions, not a lure (a search
// engine's cache on a bare IP address, a member's host at a dynamic-DNS service). A short
// message that is little more than such a link is judged by it.
const minProse = 1000

// shapeCodes are the link signs that say only how a host or path is made (an address, a
// dynamic-DNS or free host, a machine-made label, a cheap ending, a login word in the path),
// not whose it pretends to be nor who reported it.
var shapeCodes = []string{link.CodeRawIP, link.CodeDynamicDNS, link.CodeFreeHost, link.CodeRandomHost, link.CodeRiskyTLD,
	link.CodeShortener, link.CodeHostWords, link.CodeDeepSubdomain, link.CodeNoHTTPS, link.CodeSensitivePath}

// shapeOnly reports whether every sign against a link is one of shapeCodes.
func shapeOnly(as shopguard.Assessment) bool {
	for _, s := range as.Signals {
		if s.Weight > 0 && !slices.Contains(shapeCodes, s.Code) {
			return false
		}
	}
	return true
}

// hasSign reports whether a link judged low on its own still shows a sign against it (a cheap
// ending, a machine-made label, a free host, dynamic DNS, a login page on a bare address): in
// a message that tells a story and asks the reader to act through the link, such a sign
// counts. A short link or bait words in the host are not enough alone: brands shorten their
// links and name their hosts help. or web. every day.
func hasSign(as shopguard.Assessment) bool {
	for _, s := range as.Signals {
		if s.Weight > 0 && s.Code != link.CodeShortener && s.Code != link.CodeHostWords {
			return true
		}
	}
	return false
}

// storied returns, by message, whether the text detector found in it a hook or a pretext
// (who they claim to be, a problem, a prize, a refund) weighing more than the weakest cues.
func storied(r text.Result, n int) []bool {
	told := make([]bool, n)
	for _, h := range r.Cues {
		if (h.Stage == "hook" || h.Stage == "pretext") && h.Message < n {
			told[h.Message] = true
		}
	}
	return told
}

func appendOnce(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(slices.Clone(s), v)
}

// identSignals returns the reputation signals of the identifiers in the messages, links
// left out.
func (c Checks) identSignals(ctx context.Context, msgs []text.Message) ([]shopguard.Signal, error) {
	if c.Reputations == nil {
		return nil, nil
	}
	var found []ident.Match
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, x := range ident.Extract(m.Text) {
			if x.Kind == shopguard.KindDomain || x.Kind == shopguard.KindURL {
				continue
			}
			x.Span.Message = i
			found = append(found, x)
		}
	}
	return intel.Signals(c.Reputations, found), nil
}

// Listing checks an offer that has passed Validate: the listing's own warning signs and,
// for each contact with a value (a phone, QQ, WeChat id or e-mail address), its reputation,
// each identifier once, the signal naming the contact's field.
func (c Checks) Listing(l listing.Listing) shopguard.Assessment {
	a := listing.Check(l)
	a.Checked = listing.Checked
	if c.Reputations == nil {
		return a
	}
	var extra []shopguard.Signal
	seen := map[shopguard.Identifier]bool{}
	for i, ct := range l.Contacts {
		kind, ok := ct.IdentKind()
		if !ok {
			continue
		}
		id, err := ident.Parse(kind, ct.Value)
		if err != nil || seen[id] {
			continue
		}
		seen[id] = true
		if s, ok := intel.Signal(c.Reputations, kind, id.Value); ok {
			s.Field = "contacts[" + strconv.Itoa(i) + "].value"
			extra = append(extra, s)
		}
	}
	checked := append(slices.Clone(listing.Checked), shopguard.CheckedCommunity)
	if len(extra) == 0 {
		a.Checked = checked
		return a
	}
	a = shopguard.Assess(append(a.Signals, extra...), a.ScamTypes)
	a.Checked = checked
	return a
}
