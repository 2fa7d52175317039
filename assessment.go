package shopguard

import "slices"

// Risk is the overall verdict of an Assessment.
type Risk string

// The three levels of risk, from calm to alarming.
const (
	RiskLow    Risk = "low"
	RiskMedium Risk = "medium"
	RiskHigh   Risk = "high"
)

// Score thresholds: a score at or above ScoreMedium is RiskMedium, at or above ScoreHigh is
// RiskHigh.
const (
	ScoreMedium = 30
	ScoreHigh   = 60
)

// RiskOf maps a score from 0 to 100 to its Risk.
func RiskOf(score int) Risk {
	switch {
	case score >= ScoreHigh:
		return RiskHigh
	case score >= ScoreMedium:
		return RiskMedium
	}
	return RiskLow
}

// Span is a stretch of an input text in rune offsets, [Start, End). Message is the index of
// the message in a conversation, or 0 for a single text.
type Span struct {
	Message int `json:"message"`
	Start   int `json:"start"`
	End     int `json:"end"`
}

// Signal is one red (or, with a negative weight, green) flag found by a detector.
//
// Code is a stable public identifier such as "link.brand_lookalike": documented in the
// knowledge base, never renamed lightly. Weight is its contribution to the 0–100 score. Args
// carry the details a message needs ("brand": "taobao"). Message is the explanation in the
// reader's language, filled by Assessment.Explain.
type Signal struct {
	Code   string `json:"code"`
	Weight int    `json:"weight"`
	Span   *Span  `json:"span,omitempty"`
	Field  string `json:"field,omitempty"`
	// Source names the check that gave the signal in a combined verdict: "link", "site",
	// "chat", "listing", "reputation" or "price"; empty in a single check's verdict.
	Source  string            `json:"source,omitempty"`
	Args    map[string]string `json:"args,omitempty"`
	Message string            `json:"message,omitempty"`
}

// Assessment is the verdict of a detector: a risk, a score, the signals that made it, the scam
// types suspected (knowledge base ids) and the advice that fits (texts in the reader's
// language, filled by Explain).
type Assessment struct {
	Risk      Risk     `json:"risk"`
	Score     int      `json:"score"`
	Signals   []Signal `json:"signals"`
	ScamTypes []string `json:"scam_types"`
	Advice    []string `json:"advice,omitempty"`
	// Finding is FindingNone when no signal was found: the input is unknown to the checks,
	// which is not the same as safe (Risk is then "low" only because nothing was found), and
	// FindingSignals when the verdict rests on its signals.
	Finding string `json:"finding"`
	// Checked lists what the check looked at, so that "no finding" says where nothing was
	// found (such as "link.address", "link.brands", "link.lists"); empty when not told.
	Checked []string `json:"checked,omitempty"`
}

// The findings of an assessment.
const (
	FindingNone    = "none"    // nothing found: unknown, not safe
	FindingSignals = "signals" // the verdict rests on signals
)

// Assess combines signals into an Assessment: the score is the sum of the weights, clamped to
// 0–100, and the risk follows from it. Signals are ordered by weight, strongest first, so that
// the first reasons shown are the ones that count.
func Assess(signals []Signal, scamTypes []string) Assessment {
	score := ScoreOf(signals)
	sorted := append([]Signal(nil), signals...)
	slices.SortStableFunc(sorted, func(a, b Signal) int { return b.Weight - a.Weight })
	if scamTypes == nil {
		scamTypes = []string{}
	}
	if sorted == nil {
		sorted = []Signal{}
	}
	finding := FindingSignals
	if len(sorted) == 0 {
		finding = FindingNone
	}
	return Assessment{Risk: RiskOf(score), Score: score, Signals: sorted, ScamTypes: scamTypes, Finding: finding}
}

// ScoreOf returns the score of signals: the sum of their weights, clamped to 0–100.
func ScoreOf(signals []Signal) int {
	score := 0
	for _, s := range signals {
		score += s.Weight
	}
	return max(0, min(100, score))
}

// Explainer turns signal codes and scam types into texts in a language. The knowledge package
// implements it.
type Explainer interface {
	// ExplainSignal returns the explanation of a signal in lang, with its args filled in.
	ExplainSignal(s Signal, lang Lang) string
	// Advise returns the advice that fits an assessment in lang, most urgent first.
	Advise(a Assessment, lang Lang) []string
}

// Explain fills the signals' messages and the advice in lang.
func (a *Assessment) Explain(e Explainer, lang Lang) {
	for i := range a.Signals {
		a.Signals[i].Message = e.ExplainSignal(a.Signals[i], lang)
	}
	a.Advice = e.Advise(*a, lang)
}
