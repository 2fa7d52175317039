package intel

import (
	"strconv"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
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
		in, err := reps.Lookup(m.Kind, m.Value)
		if err != nil || in.Risk == shopguard.RiskLow {
			continue
		}
		s := shopguard.Signal{Code: "intel.reported_identifier", Weight: weightReported,
			Args: map[string]string{"kind": string(m.Kind), "display": in.Display, "reports": strconv.Itoa(in.Reports)}}
		if in.Risk == shopguard.RiskHigh {
			s.Code, s.Weight = "intel.confirmed_identifier", weightConfirmed
		}
		span := m.Span
		s.Span = &span
		out = append(out, s)
	}
	return out
}
