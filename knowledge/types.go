package knowledge

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
	if len(s.Channels) == 0 {
		errs.add("channels", "name at least one channel")
	}
}

// Channel is a way to get help or money back: the merchant, the platform, 12315, the police…
type Channel struct {
	ID         string   `yaml:"id" json:"id"`
	Name       Text     `yaml:"name" json:"name"`
	Contact    string   `yaml:"contact" json:"contact"` // a number or an address, as the user dials or types it
	When       Text     `yaml:"when" json:"when"`
	Bring      []Text   `yaml:"bring" json:"bring"`
	TimeLimits Text     `yaml:"time_limits" json:"time_limits"`
	LegalBasis []string `yaml:"legal_basis" json:"legal_basis"` // ids of laws
}

func (c *Channel) key() string { return c.ID }

func (c *Channel) check(errs *fieldErrors) {
	checkID(c.ID, errs)
	c.Name.check("name", errs)
	c.When.check("when", errs)
	checkTexts("bring", c.Bring, 1, errs)
	c.TimeLimits.check("time_limits", errs)
}

// Law is a legal basis the product cites, summarised in the project's own words.
type Law struct {
	ID      string `yaml:"id" json:"id"`
	Title   Text   `yaml:"title" json:"title"`
	Article string `yaml:"article" json:"article"`
	Summary Text   `yaml:"summary" json:"summary"`
}

func (l *Law) key() string { return l.ID }

func (l *Law) check(errs *fieldErrors) {
	checkID(l.ID, errs)
	l.Title.check("title", errs)
	l.Summary.check("summary", errs)
	if l.Article == "" {
		errs.add("article", "missing article")
	}
}

// Tip is a piece of prevention advice.
type Tip struct {
	ID    string `yaml:"id" json:"id"`
	Title Text   `yaml:"title" json:"title"`
	Body  Text   `yaml:"body" json:"body"`
}

func (t *Tip) key() string { return t.ID }

func (t *Tip) check(errs *fieldErrors) {
	checkID(t.ID, errs)
	t.Title.check("title", errs)
	t.Body.check("body", errs)
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
	if !idRE.MatchString(s.Code) || !containsDot(s.Code) {
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
