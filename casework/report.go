package casework

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/knowledge"
)

// ReportRequest is what a case's owner adds to turn the case into a community report: their
// consent, the scam type, the identifiers the scammer used and which of the case's files to
// attach. The rest of the report (what happened, platform, amount, date) comes from the
// triage.
type ReportRequest struct {
	Consent     bool                   `json:"consent"`
	ScamType    string                 `json:"scam_type"`
	Identifiers []shopguard.Identifier `json:"identifiers"`
	Evidence    []string               `json:"evidence,omitempty"` // SHA-256s of files in the case
}

// ProposeScamType proposes a case's scam type from who cheated and how the money went, for the
// victim to confirm or change; "" when the answers point to none.
func ProposeScamType(t shopguard.Triage) string {
	switch t.Culprit {
	case shopguard.CulpritImpostor:
		return "fake_customer_service"
	case shopguard.CulpritPlatform:
		return "fake_shop"
	case shopguard.CulpritSeller:
		switch t.Payment {
		case shopguard.PaymentCOD:
			return "cod_switch"
		case shopguard.PaymentTransfer:
			return "off_platform_payment"
		}
		return "counterfeit_goods"
	}
	return ""
}

// Reporting turns cases into community reports through the intel service, so that a case's
// report meets the same checks, limits, weighting and moderation as any other.
type Reporting struct {
	Cases shopguard.CaseStore
	Blobs shopguard.BlobStore // where the case's files are; the report refers to them there
	Intel *intel.Service
	Pack  *knowledge.Pack // names the platforms
}

// Report files case c as a community report by who, with the owner's consent, and records it
// on the case. Errors: EINVALID naming the field (consent, what, scam_type,
// identifiers[i].value, evidence), ECONFLICT if the case was reported already, ERATELIMIT
// past the reporting limits.
func (x *Reporting) Report(ctx context.Context, c *shopguard.Case, req ReportRequest, who intel.Reporter) (*shopguard.Report, error) {
	if !req.Consent {
		return nil, shopguard.Invalid("consent", "a case becomes a community report only with its owner's explicit consent")
	}
	if c.ReportID != 0 {
		return nil, shopguard.Errorf(shopguard.ECONFLICT, "this case was reported already, as report %d", c.ReportID)
	}
	t := c.Triage
	if strings.TrimSpace(t.What) == "" {
		return nil, shopguard.Invalid("what", "the case does not say what happened, which the report tells moderators: answer that question first")
	}
	if req.ScamType == "" {
		return nil, shopguard.Invalid("scam_type", "choose the kind of scam")
	}
	r := &shopguard.Report{ScamType: req.ScamType, Identifiers: req.Identifiers, Platform: PlatformCode(x.Pack, t.Platform),
		OccurredOn: t.PaidOn, Narrative: t.What}
	if t.AmountFen > 0 {
		r.Amount, r.Currency = shopguard.FormatFen(t.AmountFen), "CNY"
	}
	var err error
	if r.Evidence, err = x.evidence(ctx, c.ID, req.Evidence); err != nil {
		return nil, err
	}
	err = x.Intel.SubmitWith(ctx, r, who, func(ctx context.Context, r *shopguard.Report) error {
		return x.Cases.ReportCase(ctx, c.ID, r)
	})
	if err != nil {
		return nil, err
	}
	c.ReportID = r.ID
	return r, nil
}

// evidence describes the case's files named by their SHA-256s for the report, refusing a hash
// that is not the case's and a file the report side does not take.
func (x *Reporting) evidence(ctx context.Context, caseID string, sums []string) ([]shopguard.Evidence, error) {
	if len(sums) == 0 {
		return nil, nil
	}
	if len(sums) > shopguard.MaxEvidence {
		return nil, shopguard.Invalid("evidence", "at most %d files per report, got %d", shopguard.MaxEvidence, len(sums))
	}
	if x.Blobs == nil {
		return nil, shopguard.Errorf(shopguard.EUNAVAILABLE, "evidence storage is not configured on this server")
	}
	log, err := x.Cases.ListEvidence(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []shopguard.Evidence
	for _, sum := range sums {
		i := slices.IndexFunc(log, func(e *shopguard.EvidenceEntry) bool { return e.SHA256 == sum })
		if i < 0 {
			return nil, shopguard.Invalid("evidence", "no file %.64q in this case", sum)
		}
		if slices.ContainsFunc(out, func(e shopguard.Evidence) bool { return e.SHA256 == sum }) {
			continue
		}
		ev, err := intel.StoredEvidence(ctx, x.Blobs, sum, log[i].Name)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// PlatformCode returns the report platform code (shopguard.Platforms) of a platform as the
// victim named it: the code itself, or a brand name or token of pack's brand of that id
// ("闲鱼", "Taobao"); "other" for any other name and "" for none.
func PlatformCode(pack *knowledge.Pack, name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return ""
	}
	for _, code := range shopguard.Platforms {
		if name == code {
			return code
		}
		b, ok := pack.Brand(code)
		if !ok {
			continue
		}
		if name == strings.ToLower(b.Name.ZH) || name == strings.ToLower(b.Name.EN) || slices.Contains(b.Tokens, name) {
			return code
		}
		for _, tok := range b.Tokens {
			// a Chinese name inside a longer one ("淘宝网", "在闲鱼上")
			if utf8.RuneCountInString(tok) >= 2 && tok[0] >= utf8.RuneSelf && strings.Contains(name, tok) {
				return code
			}
		}
	}
	return "other"
}
