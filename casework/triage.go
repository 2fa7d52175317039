// Package casework is a victim's case file: the triage that turns answers into an ordered
// action plan by channel, the evidence vault (files kept by SHA-256, a hash-chained log), the
// documents generated from a case (Markdown and PDF, zh-CN and en), the evidence package (one
// ZIP with a manifest and an offline index page) and its verification.
//
// The channels' own texts (names, what to bring, time limits, legal basis) come from the
// knowledge pack; which channels fit a case, in what order and how urgently is decided here.
package casework

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// The knowledge base ids of the channels a plan uses.
const (
	ChanMerchant    = "merchant"
	ChanPlatform    = "platform"
	ChanCardIssuer  = "card_issuer"
	Chan12315       = "consumer_association_12315"
	Chan12345       = "hotline_12345"
	Chan12377       = "report_12377"
	ChanPolice      = "police"
	ChanArbitration = "arbitration"
	ChanCourt       = "court"
	Chan12321       = "report_12321"
)

// Channels lists every channel a plan may use.
var Channels = []string{ChanMerchant, ChanPlatform, ChanCardIssuer, Chan12315, Chan12345, Chan12377, Chan12321, ChanPolice, ChanArbitration, ChanCourt}

// Windows within which a step is marked urgent (or when the payment date is not known). Each
// is named in the channel's time limits in the pack, with its kind and source. A transfer to
// a fraudster has no window: the police and bank holds are counted in hours (the Anti-Telecom
// and Online Fraud Law, art. 20), so those steps are always urgent.
const (
	// cardWindow is the card schemes' usual dispute window (card_scheme_dispute_rules): 120
	// days from the processing date. Past it the step stays in the plan, not urgent.
	cardWindow = 120 * 24 * time.Hour
	// escrowWindow is a practical urgency of shopguard's own: platforms' after-sale windows
	// (platform_rules) are set by each platform and mostly run days after delivery, so the
	// first 15 days after paying are treated as urgent; the platform's rules decide.
	escrowWindow = 15 * 24 * time.Hour
)

// Planner turns triage answers into an action plan. It is safe for concurrent use.
type Planner struct {
	pack *knowledge.Pack
}

// NewPlanner returns a Planner over pack, which must hold every channel in Channels and the
// laws they cite.
func NewPlanner(pack *knowledge.Pack) (*Planner, error) {
	for _, id := range Channels {
		if _, ok := pack.Channel(id); !ok {
			return nil, fmt.Errorf("casework: knowledge pack %s %s lacks channel %q", pack.Name, pack.Version, id)
		}
	}
	return &Planner{pack: pack}, nil
}

// Pack returns the knowledge pack the planner reads.
func (p *Planner) Pack() *knowledge.Pack { return p.pack }

// Plan is an ordered action plan: the steps to take, urgent ones first, and the questions
// whose answers would sharpen it.
type Plan struct {
	Lang      shopguard.Lang `json:"lang"`
	Steps     []Step         `json:"steps"`
	Missing   []string       `json:"missing"`            // triage fields not answered that would change the plan
	Questions []string       `json:"questions"`          // the same, as questions in Lang
	Gather    []string       `json:"gather"`             // evidence the victim did not say they have and should get, in Lang
	DaysSince int            `json:"days_since_payment"` // days since the money went, -1 when unknown
}

// Step is one channel to go to: why, what to bring, the time limits to watch, the legal basis
// and the document shopguard drafts for it.
type Step struct {
	Channel    string   `json:"channel"`
	Name       string   `json:"name"`
	Contact    string   `json:"contact,omitempty"`
	Urgent     bool     `json:"urgent"`
	Why        []string `json:"why"`
	When       string   `json:"when"`
	Bring      []string `json:"bring"`
	TimeLimits string   `json:"time_limits"` // the limits' texts, joined: Limits says what each is
	Limits     []Limit  `json:"limits"`
	Rules      []Rule   `json:"rules"` // legal statements about the channel, each with its sources
	LegalBasis []Basis  `json:"legal_basis"`
	Document   string   `json:"document,omitempty"` // name of the draft for this channel, if any
}

// Limit is a time limit of a step: its kind (knowledge.LimitLegal, LimitDispute or
// LimitPractice), its text and the sources it comes from.
type Limit struct {
	Kind    knowledge.LimitKind `json:"kind"`
	Text    string              `json:"text"`
	Sources []Basis             `json:"sources"`
}

// Rule is a legal statement about a step's channel, with the sources that back it.
type Rule struct {
	Text    string  `json:"text"`
	Sources []Basis `json:"sources"`
}

// Title is the step's name with its contact, unless the name already says it.
func (s Step) Title() string {
	if s.Contact == "" || strings.Contains(s.Name, s.Contact) {
		return s.Name
	}
	return s.Name + " — " + s.Contact
}

// Basis is a source a step rests on, as the knowledge pack summarises it, with what a reader
// needs to find and check it.
type Basis struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Article string `json:"article"`
	Version string `json:"version"`
	InForce string `json:"in_force,omitempty"`
	Ref     string `json:"ref"`
	Checked string `json:"checked"`
	Summary string `json:"summary"`
	Confirm string `json:"confirm,omitempty"` // what the reader should confirm, and with whom
}

// candidate is a step before it is rendered: a channel, its reasons and urgency.
type candidate struct {
	channel string
	urgent  bool
	why     []reason
}

// Plan returns the action plan for t in lang, as of now. Partial answers give a plan too.
func (p *Planner) Plan(t shopguard.Triage, lang shopguard.Lang, now time.Time) Plan {
	days := -1
	if t.PaidOn != "" {
		if d, err := shopguard.ParseDate("paid_on", t.PaidOn); err == nil && !d.After(now) {
			days = int(now.Sub(d) / (24 * time.Hour))
		}
	}
	within := func(w time.Duration) bool { return days < 0 || time.Duration(days)*24*time.Hour <= w }
	moneyGone := t.Payment != shopguard.PaymentNone && t.Payment != shopguard.PaymentCOD
	offPlatform := t.Payment == shopguard.PaymentTransfer
	fraud := t.Culprit == shopguard.CulpritPlatform || t.Culprit == shopguard.CulpritImpostor || offPlatform
	stoppable := offPlatform || (t.Payment == shopguard.PaymentCard && within(cardWindow))

	var cs []candidate
	add := func(ch string, urgent bool, why ...reason) {
		cs = append(cs, candidate{ch, urgent, why})
	}
	if fraud && moneyGone {
		add(ChanPolice, true, whyPoliceFreeze)
	}
	if t.Payment == shopguard.PaymentTransfer || t.Payment == shopguard.PaymentCard {
		r := whyBankTransfer
		if t.Payment == shopguard.PaymentCard {
			r = whyCardDispute
		}
		add(ChanCardIssuer, stoppable, r)
	}
	switch t.Culprit {
	case shopguard.CulpritPlatform:
		add(Chan12377, false, whyFakeSite)
		add(Chan12345, false, whyGovHotline)
	case shopguard.CulpritImpostor:
		add(ChanPlatform, false, whyTellRealPlatform)
		if t.SiteURL != "" {
			add(Chan12377, false, whyFakeSite)
		}
		add(Chan12321, false, whyReportCallsAndTexts)
		add(Chan12345, false, whyGovHotline)
		if !moneyGone {
			add(ChanPolice, false, whyPoliceReport)
		}
	case shopguard.CulpritBuyer:
		add(ChanPlatform, t.Payment == shopguard.PaymentEscrow && within(escrowWindow), whyPlatformBuyer)
		if !fraud {
			add(ChanPolice, false, whyPoliceIfFraud)
		}
		add(ChanCourt, false, whyCourt)
	default: // a seller, or not known yet
		if !fraud {
			add(ChanMerchant, false, whyMerchantFirst)
		}
		add(ChanPlatform, t.Payment == shopguard.PaymentEscrow && within(escrowWindow), platformReason(t.Payment))
		add(Chan12315, false, why12315)
		add(Chan12345, false, whyGovHotline)
		if t.SiteURL != "" {
			add(Chan12377, false, whyFakeSite)
		}
		if !fraud {
			add(ChanPolice, false, whyPoliceIfFraud)
		}
		if t.Arbitration {
			add(ChanArbitration, false, whyArbitration)
		}
		add(ChanCourt, false, whyCourt)
	}
	slices.SortStableFunc(cs, func(a, b candidate) int {
		switch {
		case a.urgent && !b.urgent:
			return -1
		case b.urgent && !a.urgent:
			return 1
		}
		return 0
	})

	plan := Plan{Lang: lang, DaysSince: days, Steps: []Step{}, Missing: []string{}, Questions: []string{}, Gather: []string{}}
	for _, c := range cs {
		plan.Steps = append(plan.Steps, p.step(c, t, lang))
	}
	ask := func(field string, q reason) {
		plan.Missing = append(plan.Missing, field)
		plan.Questions = append(plan.Questions, q.Get(lang))
	}
	if t.Culprit == shopguard.CulpritUnknown {
		ask("culprit", askCulprit)
	}
	if t.Payment == shopguard.PaymentUnknown {
		ask("payment", askPayment)
	}
	if t.PaidOn == "" && moneyGone {
		ask("paid_on", askPaidOn)
	}
	if t.SellerLocation == "" && plan.Has(Chan12315) {
		ask("seller_location", askSellerLocation)
	}
	if t.SiteURL == "" && t.Culprit == shopguard.CulpritPlatform {
		ask("site_url", askSiteURL)
	}
	for _, k := range evidenceToGather(t, moneyGone) {
		plan.Gather = append(plan.Gather, gatherTexts[k].Get(lang))
	}
	return plan
}

// evidenceToGather lists the kinds of evidence that fit the case and the victim did not say
// they have, most important first.
func evidenceToGather(t shopguard.Triage, moneyGone bool) []shopguard.EvidenceKind {
	want := []shopguard.EvidenceKind{shopguard.EvidenceChat}
	if moneyGone {
		want = append(want, shopguard.EvidencePayment)
	}
	switch t.Culprit {
	case shopguard.CulpritPlatform, shopguard.CulpritImpostor:
		want = append(want, shopguard.EvidenceListing)
	default:
		want = append(want, shopguard.EvidenceOrder, shopguard.EvidenceListing)
		if t.Payment != shopguard.PaymentNone {
			want = append(want, shopguard.EvidenceInvoice, shopguard.EvidenceDelivery, shopguard.EvidencePhoto)
		}
	}
	var out []shopguard.EvidenceKind
	for _, k := range want {
		if !slices.Contains(t.Evidence, k) {
			out = append(out, k)
		}
	}
	return out
}

// Has reports whether the plan has a step for the channel.
func (pl *Plan) Has(channel string) bool {
	return slices.ContainsFunc(pl.Steps, func(s Step) bool { return s.Channel == channel })
}

func platformReason(p shopguard.Payment) reason {
	if p == shopguard.PaymentTransfer {
		return whyPlatformOffsite
	}
	return whyPlatformDispute
}

// step renders a candidate with the channel's texts from the pack.
func (p *Planner) step(c candidate, t shopguard.Triage, lang shopguard.Lang) Step {
	ch, _ := p.pack.Channel(c.channel)
	s := Step{
		Channel:    c.channel,
		Name:       ch.Name.Get(lang),
		Contact:    ch.Contact,
		Urgent:     c.urgent,
		When:       ch.When.Get(lang),
		Document:   documentFor[c.channel],
		Why:        []string{},
		Bring:      []string{},
		Limits:     []Limit{},
		Rules:      []Rule{},
		LegalBasis: p.bases(ch.LegalBasis, lang),
	}
	for _, r := range c.why {
		s.Why = append(s.Why, r.Get(lang))
	}
	if c.channel == Chan12315 || c.channel == ChanCourt {
		s.Why = append(s.Why, p.placeReason(c.channel, t, lang))
	}
	for _, b := range ch.Bring {
		s.Bring = append(s.Bring, b.Get(lang))
	}
	texts := make([]string, 0, len(ch.TimeLimits))
	for _, l := range ch.TimeLimits {
		s.Limits = append(s.Limits, Limit{Kind: l.Kind, Text: l.Text.Get(lang), Sources: p.bases(l.Sources, lang)})
		texts = append(texts, l.Text.Get(lang))
	}
	s.TimeLimits = strings.Join(texts, " ")
	for _, r := range ch.Rules {
		s.Rules = append(s.Rules, Rule{Text: r.Text.Get(lang), Sources: p.bases(r.Sources, lang)})
	}
	return s
}

// placeReason says what the victim told of where to complain or sue, or what to find out.
// The rules themselves (which office, which court) are the channel's, from the pack.
func (p *Planner) placeReason(channel string, t shopguard.Triage, lang shopguard.Lang) string {
	if t.SellerLocation == "" {
		return findSellerPlace.Get(lang)
	}
	r := whereSellerIs
	if channel == ChanCourt {
		r = whereSellerIsCourt
	}
	return r.Fill(lang, map[string]string{"place": t.SellerLocation})
}

// bases returns the pack's sources with the ids, in lang.
func (p *Planner) bases(ids []string, lang shopguard.Lang) []Basis {
	out := make([]Basis, 0, len(ids))
	for _, id := range ids {
		l, ok := p.pack.Law(id)
		if !ok {
			continue
		}
		b := Basis{ID: l.ID, Title: l.Title.Get(lang), Article: l.Article, Version: l.Version.Get(lang), InForce: string(l.InForce), Ref: string(l.Ref), Checked: string(l.Checked), Summary: l.Summary.Get(lang)}
		if l.Confirm != nil {
			b.Confirm = l.Confirm.Get(lang)
		}
		out = append(out, b)
	}
	return out
}

// documentFor names the draft shopguard writes for a channel.
var documentFor = map[string]string{
	ChanMerchant: DocDemandLetter,
	ChanPlatform: DocPlatformComplaint,
	Chan12315:    DocComplaint12315,
	ChanPolice:   DocPoliceReport,
	Chan12377:    DocReport12377,
}

// NextStep returns the first step of the plan that still needs doing, given the channel
// statuses: a step not started, or else the earliest follow-up among those submitted. It
// returns false when every step is answered or closed.
func NextStep(plan Plan, statuses []*shopguard.ChannelStatus) (Step, *shopguard.ChannelStatus, bool) {
	by := map[string]*shopguard.ChannelStatus{}
	for _, s := range statuses {
		by[s.Channel] = s
	}
	for _, st := range plan.Steps {
		if s := by[st.Channel]; s == nil || s.State == shopguard.StateNotStarted {
			return st, s, true
		}
	}
	var best *shopguard.ChannelStatus
	var bestStep Step
	for _, st := range plan.Steps {
		s := by[st.Channel]
		if s.State == shopguard.StateSubmitted && (best == nil || (s.FollowUp != "" && (best.FollowUp == "" || s.FollowUp < best.FollowUp))) {
			best, bestStep = s, st
		}
	}
	return bestStep, best, best != nil
}
