package knowledge

import (
	"net/url"
	"slices"
	"time"
)

// ScamType is one scam script: how it works, how to spot it and what to do. Its ID is a
// stable public code ("fake_customer_service").
type ScamType struct {
	ID           string   `yaml:"id" json:"id"`
	Name         Text     `yaml:"name" json:"name"`
	Summary      Text     `yaml:"summary" json:"summary"`
	HowItWorks   Text     `yaml:"how_it_works" json:"how_it_works"`
	WarningSigns []Text   `yaml:"warning_signs" json:"warning_signs"`
	WhatToDo     []Text   `yaml:"what_to_do" json:"what_to_do"`
	Channels     []string `yaml:"channels" json:"channels"` // ids of the channels that fit, in the order to try them
}

func (s *ScamType) key() string { return s.ID }

func (s *ScamType) check(errs *fieldErrors) {
	checkID(s.ID, errs)
	s.Name.check("name", errs)
	s.Summary.check("summary", errs)
	s.HowItWorks.check("how_it_works", errs)
	checkTexts("warning_signs", s.WarningSigns, 2, errs)
	checkTexts("what_to_do", s.WhatToDo, 2, errs)
	checkUnsourced("what_to_do", s.WhatToDo, errs)
	if len(s.Channels) == 0 {
		errs.add("channels", "name at least one channel")
	}
}

// Channel is a way to get help or money back: the merchant, the platform, 12315, the police…
// Its free texts (when, bring) hold no legal claim: those go in Rules and TimeLimits, each
// with its sources.
type Channel struct {
	ID         string   `yaml:"id" json:"id"`
	Name       Text     `yaml:"name" json:"name"`
	Contact    string   `yaml:"contact" json:"contact"` // a number or an address, as the user dials or types it
	When       Text     `yaml:"when" json:"when"`
	Bring      []Text   `yaml:"bring" json:"bring"`
	Rules      []Claim  `yaml:"rules" json:"rules,omitempty"` // legal statements about the channel: where to go, who may use it
	TimeLimits []Limit  `yaml:"time_limits" json:"time_limits"`
	LegalBasis []string `yaml:"legal_basis" json:"legal_basis"` // ids of laws
}

func (c *Channel) key() string { return c.ID }

func (c *Channel) check(errs *fieldErrors) {
	checkID(c.ID, errs)
	c.Name.check("name", errs)
	c.When.check("when", errs)
	checkTexts("bring", c.Bring, 1, errs)
	checkUnsourced("when", []Text{c.When}, errs)
	checkUnsourced("bring", c.Bring, errs)
	for i := range c.Rules {
		c.Rules[i].check("rules."+itoa(i), errs)
	}
	if len(c.TimeLimits) == 0 {
		errs.add("time_limits", "needs at least 1 entry")
	}
	for i := range c.TimeLimits {
		c.TimeLimits[i].check("time_limits."+itoa(i), errs)
	}
}

// Claim is a legal statement in the project's words with the sources (ids of laws.yaml
// entries) that back it. The pack refuses a claim without a source.
type Claim struct {
	Text    Text     `yaml:"text" json:"text"`
	Sources []string `yaml:"sources" json:"sources"`
}

func (c *Claim) check(path string, errs *fieldErrors) {
	c.Text.check(path+".text", errs)
	if len(c.Sources) == 0 {
		errs.add(path+".sources", "a legal statement needs at least one source")
	}
}

// LimitKind says what a time limit is.
type LimitKind string

// The kinds of time limit: a period the law sets, a dispute window set by a payment scheme's
// or a platform's rules, or a practical urgency (how long an action stays useful).
const (
	LimitLegal    LimitKind = "limitation"
	LimitDispute  LimitKind = "dispute_window"
	LimitPractice LimitKind = "practical"
)

// Limit is a time limit of a channel: what kind it is, the text, and where it comes from.
type Limit struct {
	Kind  LimitKind `yaml:"kind" json:"kind"`
	Claim `yaml:",inline"`
}

func (l *Limit) check(path string, errs *fieldErrors) {
	switch l.Kind {
	case LimitLegal, LimitDispute, LimitPractice:
	default:
		errs.add(path+".kind", "a time limit is %s, %s or %s, got %q", LimitLegal, LimitDispute, LimitPractice, l.Kind)
	}
	l.Claim.check(path, errs)
}

// Law is a source the product cites (a law, a regulation, a department's measures, a court's
// interpretation, a notice, a payment scheme's or a platform's rules), summarised in the
// project's own words, with what a reader needs to find and check it.
type Law struct {
	ID      string     `yaml:"id" json:"id"`
	Title   Text       `yaml:"title" json:"title"`
	Kind    SourceKind `yaml:"kind" json:"kind"`
	Article string     `yaml:"article" json:"article"` // the articles relied on; empty only with Confirm
	Version Text       `yaml:"version" json:"version"` // the text relied on: an amendment, an order number
	InForce Date       `yaml:"in_force" json:"in_force"`
	Ref     Ref        `yaml:"ref" json:"ref"`         // where a reader can read it
	Checked Date       `yaml:"checked" json:"checked"` // when the project last checked the summary against the text
	Summary Text       `yaml:"summary" json:"summary"`
	// Confirm says what a reader should confirm and with whom, where the project could not
	// check a point of this source (an article's number, the exact wording of a new rule).
	Confirm *Text `yaml:"confirm" json:"confirm,omitempty"`
}

// SourceKind is what kind of text a source is.
type SourceKind string

// The kinds of source.
const (
	SourceLaw            SourceKind = "law"
	SourceRegulation     SourceKind = "regulation"
	SourceMeasure        SourceKind = "measure"
	SourceInterpretation SourceKind = "interpretation"
	SourceNotice         SourceKind = "notice"
	SourceRules          SourceKind = "rules"
)

var sourceKinds = []SourceKind{SourceLaw, SourceRegulation, SourceMeasure, SourceInterpretation, SourceNotice, SourceRules}

// Date is a day written YYYY-MM-DD.
type Date string

// Ref is an http(s) address a reader can follow.
type Ref string

func (l *Law) key() string { return l.ID }

func (l *Law) check(errs *fieldErrors) {
	checkID(l.ID, errs)
	l.Title.check("title", errs)
	l.Summary.check("summary", errs)
	if !slices.Contains(sourceKinds, l.Kind) {
		errs.add("kind", "a source kind is one of %v, got %q", sourceKinds, l.Kind)
	}
	if l.Article == "" && l.Confirm == nil {
		errs.add("article", "missing article (or a confirm text saying what the reader should check, and with whom)")
	}
	if l.Confirm != nil {
		l.Confirm.check("confirm", errs)
	}
	l.Version.check("version", errs)
	if l.InForce != "" || (l.Kind != SourceRules && l.Kind != SourceNotice) {
		checkDate("in_force", l.InForce, errs) // rules and notices change in place: their date checked is what counts
	}
	checkDate("checked", l.Checked, errs)
	if u, err := url.Parse(string(l.Ref)); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs.add("ref", "a reference is an http(s) address, got %q", l.Ref)
	}
}

func checkDate(path string, d Date, errs *fieldErrors) {
	if _, err := time.Parse(time.DateOnly, string(d)); err != nil {
		errs.add(path, "a date is written YYYY-MM-DD, got %q", d)
	}
}

// Tip is a piece of prevention advice. A tip that makes a legal claim names its sources.
type Tip struct {
	ID      string   `yaml:"id" json:"id"`
	Title   Text     `yaml:"title" json:"title"`
	Body    Text     `yaml:"body" json:"body"`
	Sources []string `yaml:"sources" json:"sources,omitempty"` // ids of laws
}

func (t *Tip) key() string { return t.ID }

func (t *Tip) check(errs *fieldErrors) {
	checkID(t.ID, errs)
	t.Title.check("title", errs)
	t.Body.check("body", errs)
	if len(t.Sources) == 0 {
		checkUnsourced("body", []Text{t.Body}, errs)
	}
}

// SignalText explains a signal code to a user. Explain may hold {arg} placeholders filled
// from the signal's args.
type SignalText struct {
	Code    string `yaml:"code" json:"code"`
	Title   Text   `yaml:"title" json:"title"`
	Explain Text   `yaml:"explain" json:"explain"`
}

func (s *SignalText) key() string { return s.Code }

func (s *SignalText) check(errs *fieldErrors) {
	if !idRE().MatchString(s.Code) || !containsDot(s.Code) {
		errs.add("code", "a signal code is area.name in lower case, got %q", s.Code)
	}
	s.Title.check("title", errs)
	s.Explain.check("explain", errs)
}

func containsDot(s string) bool {
	for _, r := range s {
		if r == '.' {
			return true
		}
	}
	return false
}

// Advice is what to do at one level of risk, whatever the scam: id is "low", "medium" or
// "high".
type Advice struct {
	ID    string `yaml:"id" json:"id"`
	Texts []Text `yaml:"texts" json:"texts"`
}

func (a *Advice) key() string { return a.ID }

func (a *Advice) check(errs *fieldErrors) {
	switch a.ID {
	case "low", "medium", "high":
	default:
		errs.add("id", "advice id is low, medium or high, got %q", a.ID)
	}
	checkTexts("texts", a.Texts, 1, errs)
}
