package knowledge

import (
	"slices"
	"strings"

	"github.com/shopguard/shopguard"
)

// Stages of a scam script, in the order a conversation moves through them: the hook that
// opens it, the pretext that makes the story believable, the move off the platform to a
// channel the platform cannot see, and the request for money, codes or personal data.
var Stages = []Stage{"hook", "pretext", "off_platform", "request"}

// Stage is the id of a stage of a scam script, one of Stages.
type Stage string

// stageNames say the stages in words, for people.
var stageNames = map[Stage]Text{
	"hook":         {ZH: "开场诱饵", EN: "the hook"},
	"pretext":      {ZH: "编造理由", EN: "the pretext"},
	"off_platform": {ZH: "引你离开平台", EN: "moving you off the platform"},
	"request":      {ZH: "索要钱款、验证码或信息", EN: "asking for money, codes or data"},
}

// Name returns the stage in words in lang; a stage outside Stages is returned as it is.
func (s Stage) Name(lang shopguard.Lang) string {
	if t, ok := stageNames[s]; ok {
		return t.Get(lang)
	}
	return string(s)
}

// Senders are the parties of a conversation: the shopper (me), the other side (them) and the
// platform's own notices (platform).
var Senders = []string{"me", "them", "platform"}

// Cue is one thing a scam script says, written as short patterns in Chinese and English. A
// cue's signal code is "text." + ID and needs an entry in signals.yaml.
//
// Patterns are matched after normalisation (width, case, traditional to simplified, Chinese
// numerals, separators), so they are written plainly. An English pattern matches at word
// boundaries; a trailing "*" lets it match the start of a longer word ("refund*"). A leading
// "^" makes a pattern start a clause and a trailing "$" end one ("^爸$" is 爸 said alone, as
// in "爸，是我"). Negator
// cues are not scored: they cancel a Negatable cue that follows them closely in the same
// clause ("never share your code") or, in Chinese, precedes them closely ("验证码请勿告诉
// 他人"); with Scope "ahead", only one that follows them; with Scope "sentence", every
// Negatable cue after them to the end of their sentence ("we will never ask for your PIN,
// your password or a code"). A negator's Except lists the words it hides in without negating
// (the question "能不能" holds "不能").
//
// An Answer cue is not scored either: it is how a service answers a contact the shopper made
// ("欢迎致电…请问有什么可以帮您", "thank you for calling, how can I help you?"). Opening a
// conversation (said by the other side at the start of its first message) in which the
// shopper speaks too, it makes the Unasked cues not count: who the other side says it is, and
// a problem or a plea it brings, mean something only when it reached out to the shopper, not
// when the shopper chose whom to call.
type Cue struct {
	ID        string   `yaml:"id" json:"id"`
	Stage     Stage    `yaml:"stage,omitempty" json:"stage,omitempty"`
	Weight    int      `yaml:"weight" json:"weight"`
	From      []string `yaml:"from,omitempty" json:"from,omitempty"` // who must say it; empty: them or platform
	Negatable bool     `yaml:"negatable,omitempty" json:"negatable,omitempty"`
	Negator   bool     `yaml:"negator,omitempty" json:"negator,omitempty"`
	Scope     string   `yaml:"scope,omitempty" json:"scope,omitempty"` // a negator's reach: empty for a few words either side, "ahead" for a few words after, "sentence" for the rest of its sentence
	Answer    bool     `yaml:"answer,omitempty" json:"answer,omitempty"`
	Unasked   bool     `yaml:"unasked,omitempty" json:"unasked,omitempty"` // counts only when the shopper did not make the contact (see Answer)
	ZH        []string `yaml:"zh-CN,omitempty" json:"zh-CN,omitempty"`
	EN        []string `yaml:"en,omitempty" json:"en,omitempty"`
	Except    []string `yaml:"except,omitempty" json:"except,omitempty"` // longer words a pattern hides in ("一定金额" for "定金"): a hit inside one is dropped
	Detect    []string `yaml:"detect,omitempty" json:"detect,omitempty"` // built-in finders that also give hits: see Finders
}

// Finders are the built-in finders a cue may use besides patterns: phone_number (a run of 9
// to 15 digits, maybe split by spaces or dashes), short_code (5 or 6 digits after "to", as in
// "text WIN to 80086", not a price written with a point or comma: "rose to 965.29"),
// premium_number (a phone number of 10 or 11 digits starting 09, 087 or 070: the UK's
// premium-rate and personal numbers), link (a URL) and money (a number right after a
// currency sign: "$500", "£1.45", "€ 20", "¥300").
var Finders = []string{"phone_number", "short_code", "premium_number", "link", "money"}

// Scopes of a negator besides the default, a few words either side.
const (
	ScopeAhead    = "ahead"    // a few words after it only
	ScopeSentence = "sentence" // every word after it to the end of its sentence
)

// SignalCode returns the code of the signal a hit of the cue gives.
func (c *Cue) SignalCode() string { return "text." + c.ID }

func (c *Cue) key() string { return c.ID }

// Scored reports whether a hit of the cue counts towards a verdict: every cue but a negator
// and an answer, which only change how the others count.
func (c *Cue) Scored() bool { return !c.Negator && !c.Answer }

func (c *Cue) check(errs *fieldErrors) {
	checkID(c.ID, errs)
	if strings.Contains(c.ID, ".") {
		errs.add("id", "a cue id has no dots, got %q", c.ID)
	}
	switch {
	case c.Negator && c.Answer:
		errs.add("answer", "a cue is a negator or an answer, not both")
	case c.Negator && (c.Stage != "" || c.Weight != 0 || c.Negatable || c.Unasked):
		errs.add("negator", "a negator cue has no stage, weight, negatable or unasked")
	case c.Answer && (c.Stage != "" || c.Weight != 0 || c.Negatable || c.Unasked):
		errs.add("answer", "an answer cue has no stage, weight, negatable or unasked")
	case c.Scored() && !slices.Contains(Stages, c.Stage):
		errs.add("stage", "stage is one of hook, pretext, off_platform, request, got %q", c.Stage)
	}
	switch {
	case c.Scope != "" && c.Scope != ScopeAhead && c.Scope != ScopeSentence:
		errs.add("scope", "scope is empty, %q or %q, got %q", ScopeAhead, ScopeSentence, c.Scope)
	case c.Scope != "" && !c.Negator:
		errs.add("scope", "only a negator cue has a scope")
	}
	if c.Weight < 0 || c.Weight > 50 {
		errs.add("weight", "a cue weight is 0 to 50, got %d", c.Weight)
	}
	for i, f := range c.From {
		if !slices.Contains(Senders, f) {
			errs.add("from."+itoa(i), "sender is one of %s, got %q", strings.Join(Senders, ", "), f)
		}
	}
	if len(c.ZH)+len(c.EN)+len(c.Detect) == 0 {
		errs.add("zh-CN", "a cue needs at least one pattern or finder")
	}
	checkPatterns("zh-CN", c.ZH, errs)
	checkPatterns("en", c.EN, errs)
	checkPatterns("except", c.Except, errs)
	for i, f := range c.Detect {
		if !slices.Contains(Finders, f) {
			errs.add("detect."+itoa(i), "finder is one of %s, got %q", strings.Join(Finders, ", "), f)
		}
	}
}

func checkPatterns(path string, ps []string, errs *fieldErrors) {
	for i, p := range ps {
		if strings.TrimSpace(strings.Trim(strings.TrimPrefix(p, "^"), "*$")) == "" {
			errs.add(path+"."+itoa(i), "empty pattern")
		}
	}
}

// Playbook is how one scam type shows in a conversation: rules that each combine cues. Its ID
// is the id of the scam type it detects. Examples are its own positive and negative cases,
// run as tests.
type Playbook struct {
	ID       string    `yaml:"id" json:"id"`
	Rules    []Rule    `yaml:"rules" json:"rules"`
	Examples []Example `yaml:"examples" json:"examples"`
}

// SignalCode returns the code of the signal a matched playbook gives.
func (p *Playbook) SignalCode() string { return "text.script." + p.ID }

// Rule fires when every step of All is seen: a step is a cue id or several joined by "|"
// (any of them). With Ordered the steps must be seen in that order; with Within > 0 they must
// all fall within that many consecutive messages; with Near > 0 they must all fall within a
// stretch of that many bytes of normalised text (the messages read one after the other), as
// a lure and its request sit together in a short message while the same words scattered over
// a long e-mail or chat make no script. With Short > 0 only the cues of messages of at most
// that many bytes of normalised text count: a lure as weak as "free" with a link and "call"
// makes a script when they are the whole of a text message, while a newsletter or an article
// holds them in passing. Weight is added to the score when it fires.
type Rule struct {
	All     []string `yaml:"all" json:"all"`
	Ordered bool     `yaml:"ordered,omitempty" json:"ordered,omitempty"`
	Within  int      `yaml:"within,omitempty" json:"within,omitempty"`
	Near    int      `yaml:"near,omitempty" json:"near,omitempty"`
	Short   int      `yaml:"short,omitempty" json:"short,omitempty"`
	Weight  int      `yaml:"weight" json:"weight"`
}

// Steps returns the cue ids of each step of the rule.
func (r *Rule) Steps() [][]string {
	out := make([][]string, len(r.All))
	for i, s := range r.All {
		out[i] = strings.Split(s, "|")
	}
	return out
}

// Example is a case a playbook must get right: a text or a conversation, and whether it is
// this playbook's scam.
type Example struct {
	Text     string           `yaml:"text,omitempty" json:"text,omitempty"`
	Messages []ExampleMessage `yaml:"messages,omitempty" json:"messages,omitempty"`
	Scam     bool             `yaml:"scam" json:"scam"`
}

// ExampleMessage is one message of an example conversation.
type ExampleMessage struct {
	From string `yaml:"from" json:"from"`
	Text string `yaml:"text" json:"text"`
}

func (p *Playbook) key() string { return p.ID }

func (p *Playbook) check(errs *fieldErrors) {
	checkID(p.ID, errs)
	if len(p.Rules) == 0 {
		errs.add("rules", "a playbook needs at least one rule")
	}
	for i, r := range p.Rules {
		path := "rules." + itoa(i)
		if len(r.All) == 0 {
			errs.add(path+".all", "a rule needs at least one step")
		}
		for j, s := range r.All {
			for _, id := range strings.Split(s, "|") {
				if id == "" {
					errs.add(path+".all."+itoa(j), "empty cue id in %q", s)
				}
			}
		}
		if r.Weight <= 0 || r.Weight > 100 {
			errs.add(path+".weight", "a rule weight is 1 to 100, got %d", r.Weight)
		}
		if r.Within < 0 {
			errs.add(path+".within", "within is a number of messages, got %d", r.Within)
		}
		if r.Near < 0 {
			errs.add(path+".near", "near is a number of bytes, got %d", r.Near)
		}
		if r.Short < 0 {
			errs.add(path+".short", "short is a number of bytes, got %d", r.Short)
		}
		if r.Near > 0 && r.Within > 0 {
			errs.add(path+".near", "a rule has near or within, not both")
		}
	}
	var pos, neg int
	for i, e := range p.Examples {
		path := "examples." + itoa(i)
		if (e.Text == "") == (len(e.Messages) == 0) {
			errs.add(path, "an example has either a text or messages")
		}
		for j, m := range e.Messages {
			if !slices.Contains(Senders, m.From) {
				errs.add(path+".messages."+itoa(j)+".from", "sender is one of %s, got %q", strings.Join(Senders, ", "), m.From)
			}
		}
		if e.Scam {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		errs.add("examples", "a playbook needs at least one positive and one negative example")
	}
}
