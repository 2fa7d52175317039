package intel

import (
	"strconv"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/detect/link"
)

// Signal weights of a reported identifier found in what a user checks.
const (
	weightReported  = 30 // medium risk on its own
	weightConfirmed = 70 // high risk on its own
)

// Signals flags the identifiers found in a text (ident.Extract) that the community has
// reported: intel.reported_identifier for a medium risk, intel.confirmed_identifier for a
// high one. Each signal carries the masked identifier, never the raw one, and the span where
// it was found.
func Signals(reps shopguard.Reputations, matches []ident.Match) []shopguard.Signal {
	var out []shopguard.Signal
	seen := map[shopguard.Identifier]bool{}
	for _, m := range matches {
		if seen[m.Identifier] {
			continue
		}
		seen[m.Identifier] = true
		s, ok := Signal(reps, m.Kind, m.Value)
		if !ok {
			continue
		}
		span := m.Span
		s.Span = &span
		out = append(out, s)
	}
	return out
}

// Signal flags one identifier the community has reported, as Signals does, without a place;
// false when it is not reported (or not valid).
func Signal(reps shopguard.Reputations, kind shopguard.Kind, value string) (shopguard.Signal, bool) {
	in, err := reps.Lookup(kind, value)
	if err != nil || in.Risk == shopguard.RiskLow {
		return shopguard.Signal{}, false
	}
	s := shopguard.Signal{Code: "intel.reported_identifier", Weight: weightReported,
		Args: map[string]string{"kind": string(kind), "display": in.Display, "reports": strconv.Itoa(in.Reports)}}
	if in.Risk == shopguard.RiskHigh {
		s.Code, s.Weight = "intel.confirmed_identifier", weightConfirmed
	}
	return s, true
}

// PublicView answers lookups from reps as the public may see them (shopguard.Indicator.Public):
// reports no moderator has confirmed are no finding, so the checks built over it (a chat, a
// listing, a shop's site, an assessment) never count them.
func PublicView(reps shopguard.Reputations) shopguard.Reputations { return publicView{reps} }

type publicView struct{ reps shopguard.Reputations }

func (p publicView) Lookup(kind shopguard.Kind, value string) (shopguard.Indicator, error) {
	in, err := p.reps.Lookup(kind, value)
	if err != nil {
		return in, err
	}
	return in.Public(false), nil
}

// CommunitySource is the Source of the link.Hit that the community's reports give.
const CommunitySource = "community"

// LookupDomain answers link.DomainLookup from the index: a domain whose reputation is high
// (confirmed by a moderator, or agreed by independent signed-in reporters) is one hit of
// the community, as a report (link.reported). Lower scores give nothing: the link check's
// report signal stands for a confirmed verdict.
func (s *Service) LookupDomain(domain string) []link.Hit {
	now := s.now()
	// The risk alone first: most domains are unknown, and the whole indicator (masked display,
	// dates, types) is built only for the one hit.
	if r, _, err := s.Index.Risk(shopguard.KindDomain, domain, now); err != nil || r != shopguard.RiskHigh {
		return nil
	}
	in, err := s.Index.Lookup(shopguard.KindDomain, domain, now)
	if err != nil {
		return nil
	}
	return []link.Hit{{Source: CommunitySource, Entry: in.Display, Report: true, Exact: true}}
}

var _ link.DomainLookup = (*Service)(nil)
