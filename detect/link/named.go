package link

import (
	"strings"

	"github.com/shopguard/shopguard"
)

// CodeNotSender is the signal of a link that does not go to the brand the message around it
// names (the chat check gives it; a link alone has no message).
const CodeNotSender = "link.not_sender"

// CodeStoryLink is the signal of a link with a sign of its own (a cheap ending, dynamic DNS, a
// machine-made label…) in a message that tells a story (a held parcel, a locked account, a
// refund) and asks the reader to act through it; the chat check gives it.
const CodeStoryLink = "link.story_and_act"

// wStoryLink is what a story and a request add to such a link's own signs.
const wStoryLink = 15

// StoryLink returns the link.story_and_act signal for a link judged as as (which must show a
// sign of its own: the caller checks) in a message that tells a story and asks the reader
// to act.
func StoryLink(l Link) shopguard.Signal {
	return sig(CodeStoryLink, wStoryLink, "site", displaySite(l))
}

// CodeUnknownAct is the signal of a short message nobody asked for that asks the reader to act
// through a link to a site the link check knows nothing about: no brand's, not the sender the
// message names, no sign for or against it (the chat check gives it). Unknown is not safe: a
// stranger's text that wants a click on an unknown site is how smishing starts.
const CodeUnknownAct = "link.unknown_and_act"

// wUnknownAct is what such a link weighs: with the link (2) and the least request or story
// (2), medium.
const wUnknownAct = 26

// UnknownAct returns the link.unknown_and_act signal for l.
func UnknownAct(l Link) shopguard.Signal {
	return sig(CodeUnknownAct, wUnknownAct, "site", displaySite(l))
}

// CodeOwnSiteOnly is the signal of a message whose only way to act is a brand's own site:
// every link in it goes to an official domain and it gives no number, code, transfer or
// other channel (the chat check gives it).
const CodeOwnSiteOnly = "link.own_site_only"

// wOwnSiteOnly is what such a message takes off: as much as an official link weighs alone.
const wOwnSiteOnly = wOfficial

// Official returns the own-site signal for l when it is on an official domain of a brand (or
// is a web archive's copy of a page there).
func (a *Analyzer) Official(l Link) (shopguard.Signal, bool) {
	l, _ = archived(l)
	b, ok := a.ix.official[a.ix.rehost(l).Site]
	if !ok || l.IP {
		return shopguard.Signal{}, false
	}
	br := a.ix.brands[b]
	return sig(CodeOwnSiteOnly, wOwnSiteOnly, "brand", br.name, "brand_zh", br.nameZH, "domain", l.Site), true
}

// Weights of a link away from the sender the message names: alone it is a sign that counts
// with others; when the message also asks the reader to act (click, log in, pay, confirm,
// give details) it is enough for medium.
const (
	wNotSender    = 20
	wNotSenderAct = 30
)

// senderHead is how much of a long message is read for the sender's name: a long e-mail
// names its sender in the subject and greeting, while names further down are usually what
// it talks about.
const (
	senderHead = 300
	longText   = 1000
)

// NotSender returns the link.not_sender signal when text, the message a link was found in,
// names a brand of the registry (in its first senderHead bytes when the message is long) and
// the link is none of that brand's domains, nor any brand's, nor a short link (a web
// archive's copy counts as the address it copies). act says the message asks the
// reader to act on the link, which weighs more. Brands called by an everyday word are not
// taken for a sender, and short names (UPS, DHL, JD) only when written in capitals.
// Linear in the text.
func (a *Analyzer) NotSender(text string, l Link, act bool) (shopguard.Signal, bool) {
	l, _ = archived(l)
	site := l.Site
	if l.IP {
		site = l.Host
	}
	if _, ok := a.ix.official[site]; ok || a.ix.shortener[site] {
		return shopguard.Signal{}, false // a short link hides where it goes: link.shortener says so
	}
	if len(text) > longText {
		text = text[:senderHead]
	}
	b, ok := a.namedBrand(text)
	if !ok {
		return shopguard.Signal{}, false
	}
	br := a.ix.brands[b]
	w := wNotSender
	if act {
		w = wNotSenderAct
	}
	return sig(CodeNotSender, w, "brand", br.name, "brand_zh", br.nameZH, "official", br.official, "site", displaySite(l)), true
}

// namedBrand returns the first brand named in text: a Latin token as a whole word (a short
// one in capitals), or a Chinese name in a sender's tag. Linear in the text: the tags are
// short, the Chinese names few.
func (a *Analyzer) namedBrand(text string) (int32, bool) {
	ix := a.ix
	t := &ix.brandRaw
	if len(t.next) > 0 {
		for i := 0; i < len(text); i++ {
			if i > 0 && isAlnum(text[i-1]) || !isAlnum(text[i]) {
				continue
			}
			n := int32(0)
			for j := i; j < len(text) && j-i < 32; j++ {
				c := symbol(lowerByte(text[j]))
				if c < 0 {
					break
				}
				if n = t.next[n][c]; n == 0 {
					break
				}
				if j+1 < len(text) && isAlnum(text[j+1]) {
					continue
				}
				for _, id := range t.ends[n] {
					tok := ix.tokens[id]
					if tok.word || tok.short && !upper(text[i:j+1]) {
						continue
					}
					return tok.brand, true
				}
			}
		}
	}
	// A Chinese text message names its sender in brackets (【京东】) at its start or end;
	// elsewhere a brand is more often a way to pay (微信支付) or a topic.
	for rest := text; ; {
		i := strings.Index(rest, "【")
		if i < 0 {
			break
		}
		rest = rest[i+len("【"):]
		j := strings.Index(rest, "】")
		if j < 0 {
			break
		}
		tag := rest[:j]
		rest = rest[j:]
		for _, tok := range ix.zh {
			if tok.brand >= 0 && strings.Contains(tag, tok.raw) {
				return tok.brand, true
			}
		}
	}
	return 0, false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// upper reports whether s has no lower-case letter.
func upper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return false
		}
	}
	return true
}
