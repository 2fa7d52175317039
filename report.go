package shopguard

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopguard/shopguard/internal/lazyre"
)

// Platforms lists the platforms a deal or a shop can be on, by stable code. "other" is any
// other place: a private chat, a forum, an unknown site.
var Platforms = []string{
	"taobao", "tmall", "jd", "pinduoduo", "xianyu", "douyin", "kuaishou", "xiaohongshu",
	"weidian", "wechat", "qq", "meituan", "amazon", "ebay", "aliexpress", "shopee", "temu", "other",
}

// ReportStatus is where a community report stands in moderation.
type ReportStatus string

// The statuses of a report. Pending and confirmed reports count for reputation; the others
// do not. A deleted report is gone, its weight with it.
const (
	ReportPending   ReportStatus = "pending"    // filed, not yet reviewed
	ReportConfirmed ReportStatus = "confirmed"  // a moderator found it credible
	ReportRejected  ReportStatus = "rejected"   // a moderator found it not credible
	ReportMerged    ReportStatus = "merged"     // a duplicate of another report (MergedInto)
	ReportNeedsInfo ReportStatus = "needs_info" // a moderator asked the reporter for more
)

// ReportStatuses lists every status.
var ReportStatuses = []ReportStatus{ReportPending, ReportConfirmed, ReportRejected, ReportMerged, ReportNeedsInfo}

// Counts reports whether a report in this status weighs on reputation.
func (s ReportStatus) Counts() bool { return s == ReportPending || s == ReportConfirmed }

// Trust is how much a reporter is believed, set by the service when a report is filed.
type Trust int

// The levels of trust in a reporter.
const (
	TrustAnonymous Trust = 0 // no account: weighs little
	TrustAccount   Trust = 1 // a signed-in account
	TrustTrusted   Trust = 2 // an account with TrustedAfter confirmed reports, or an operator
)

// TrustedAfter is how many of an account's reports moderators must have confirmed before its
// new reports count as trusted.
const TrustedAfter = 2

// Report is a community report: someone says that these identifiers were used to scam them.
// Identifiers and Narrative are seen by moderators only; public answers show reputation.
type Report struct {
	ID          int64        `json:"id"`
	Status      ReportStatus `json:"status"`
	ScamType    string       `json:"scam_type"`
	Identifiers []Identifier `json:"identifiers"`
	Platform    string       `json:"platform,omitempty"`
	Amount      string       `json:"amount,omitempty"` // a decimal, "300.00"
	Currency    string       `json:"currency,omitempty"`
	OccurredOn  string       `json:"occurred_on,omitempty"` // a date, "2026-11-01"
	Narrative   string       `json:"narrative"`
	Evidence    []Evidence   `json:"evidence,omitempty"`
	ReporterID  int64        `json:"reporter_id,omitempty"` // 0 when anonymous
	Trust       Trust        `json:"trust"`
	// Source is a keyed hash of the reporter's network (an IPv4 /24, an IPv6 /48), to tell
	// reporters apart and limit bursts without keeping their address.
	Source     string    `json:"-"`
	MergedInto int64     `json:"merged_into,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Evidence is a file attached to a report, kept as a content-addressed blob.
type Evidence struct {
	SHA256    string `json:"sha256"`
	Name      string `json:"name"`
	MediaType string `json:"media_type"` // checked from the content (intel.EvidenceFiles): image/png, image/jpeg, image/gif, image/webp, application/pdf, "text/plain; charset=utf-8", application/json
	Size      int64  `json:"size"`
}

// Limits of a report.
const (
	MaxIdentifiers  = 20
	MaxNarrative    = 8000 // characters
	MaxEvidence     = 10
	MaxEvidenceSize = 10 << 20
)

var (
	scamTypeRE = lazyre.New(`^[a-z][a-z0-9_]{1,63}$`)
	amountRE   = lazyre.New(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)
)

// Validate checks the fields of a report as filed. Identifier values must already be in
// canonical form (the intel service puts them so); it checks only that they are there.
func (r *Report) Validate() error {
	if !scamTypeRE().MatchString(r.ScamType) {
		return Invalid("scam_type", "a scam type is a code such as deposit_scam, got %q", r.ScamType)
	}
	if len(r.Identifiers) == 0 {
		return Invalid("identifiers", "name at least one phone, account, site or shop the scammer used")
	}
	if len(r.Identifiers) > MaxIdentifiers {
		return Invalid("identifiers", "at most %d identifiers per report, got %d", MaxIdentifiers, len(r.Identifiers))
	}
	for i, id := range r.Identifiers {
		field := "identifiers[" + strconv.Itoa(i) + "]"
		if _, err := ParseKind(string(id.Kind)); err != nil {
			return Invalid(field+".kind", "%s", ErrorMessage(err))
		}
		if id.Value == "" {
			return Invalid(field+".value", "missing value")
		}
	}
	if r.Platform != "" && !slices.Contains(Platforms, r.Platform) {
		return Invalid("platform", "unknown platform %q: want one of %s", r.Platform, strings.Join(Platforms, ", "))
	}
	if r.Amount != "" && !amountRE().MatchString(r.Amount) {
		return Invalid("amount", "an amount is a number with at most two decimals, such as 300.00, got %q", r.Amount)
	}
	if r.Amount != "" || r.Currency != "" {
		if err := CheckCurrency("currency", r.Currency); err != nil {
			return err
		}
	}
	if r.OccurredOn != "" {
		if _, err := time.Parse(time.DateOnly, r.OccurredOn); err != nil {
			return Invalid("occurred_on", "a date is written YYYY-MM-DD, got %q", r.OccurredOn)
		}
	}
	if strings.TrimSpace(r.Narrative) == "" {
		return Invalid("narrative", "say in a few words what happened")
	}
	if n := utf8.RuneCountInString(r.Narrative); n > MaxNarrative || !utf8.ValidString(r.Narrative) {
		return Invalid("narrative", "at most %d characters of UTF-8 text, got %d", MaxNarrative, n)
	}
	if len(r.Evidence) > MaxEvidence {
		return Invalid("evidence", "at most %d files per report, got %d", MaxEvidence, len(r.Evidence))
	}
	return nil
}

// AmountMinor returns the amount in minor units (fen, cents): "300.5" is 30050. It is 0 when
// there is no amount.
func (r *Report) AmountMinor() int64 {
	fen, _ := ParseYuan(r.Amount) // Validate has checked its form
	return fen
}

// Action is what a moderator decides about a report.
type Action string

// The moderation actions.
const (
	ActionConfirm Action = "confirm"  // the report is credible
	ActionReject  Action = "reject"   // the report is not credible
	ActionMerge   Action = "merge"    // the report duplicates Decision.MergeInto, which takes over its identifiers
	ActionAskInfo Action = "ask_info" // the reporter must say more
	ActionDelete  Action = "delete"   // remove the report and its weight
)

// Status returns the report status an action leads to; delete has none.
func (a Action) Status() (ReportStatus, bool) {
	switch a {
	case ActionConfirm:
		return ReportConfirmed, true
	case ActionReject:
		return ReportRejected, true
	case ActionMerge:
		return ReportMerged, true
	case ActionAskInfo:
		return ReportNeedsInfo, true
	}
	return "", false
}

// Decision is a moderator's decision about a report. Every decision needs a reason and goes
// into the audit log.
type Decision struct {
	ReportID    int64  `json:"report_id"`
	Action      Action `json:"action"`
	Reason      string `json:"reason"`
	MergeInto   int64  `json:"merge_into,omitempty"`
	ModeratorID int64  `json:"moderator_id"`
}

// Validate checks a decision.
func (d *Decision) Validate() error {
	if _, ok := d.Action.Status(); !ok && d.Action != ActionDelete {
		return Invalid("action", "unknown action %q: want confirm, reject, merge, ask_info or delete", d.Action)
	}
	if strings.TrimSpace(d.Reason) == "" {
		return Invalid("reason", "every decision needs a reason for the audit log")
	}
	if d.Action == ActionMerge && (d.MergeInto <= 0 || d.MergeInto == d.ReportID) {
		return Invalid("merge_into", "a merge names the id of another report")
	}
	if d.Action != ActionMerge && d.MergeInto != 0 {
		return Invalid("merge_into", "only a merge names another report")
	}
	return nil
}

// AuditEntry is one line of the audit log: who did what to which thing, when and why.
type AuditEntry struct {
	ID      int64     `json:"id"`
	ActorID int64     `json:"actor_id"`
	Action  string    `json:"action"`  // "report.confirm", "appeal.uphold", …
	Subject string    `json:"subject"` // "report:12", "appeal:3"
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// Reasons the system writes in the audit log where no person decided. Pages read them back
// with these formats and say them in the reader's language.
const (
	// ReasonReporterInfo is the reason of a "report.info" entry.
	ReasonReporterInfo = "the reporter added information"
	// ReasonVerifyFormat is the reason of an "appeal.verify" entry; it takes the proof method.
	ReasonVerifyFormat = "token found by %s"
	// ReasonPurgeFormat is the reason of a "report.purge" entry; it takes the number of
	// reports and the day (YYYY-MM-DD) before which they were filed.
	ReasonPurgeFormat = "retention: %d reports filed before %s"
)

// Feedback is a user's word that an identifier is not a scam (a seller they dealt with
// honestly). It lowers the identifier's score; it never delists it.
type Feedback struct {
	ID         int64      `json:"id"`
	Identifier Identifier `json:"identifier"`
	UserID     int64      `json:"user_id,omitempty"`
	Source     string     `json:"-"`
	Comment    string     `json:"comment,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// ReportFact is what trends need of a report: when, what, where, how much and its status;
// no narrative, no identifiers, no reporter.
type ReportFact struct {
	CreatedAt time.Time
	Status    ReportStatus
	ScamType  string
	Platform  string
	Amount    string
	Currency  string
}

// ReportFilter selects reports for the moderation queue.
type ReportFilter struct {
	Status     ReportStatus // "" for any
	ReporterID int64        // 0 for any reporter
	AfterID    int64        // for paging: reports with a larger id
	Limit      int          // 0 for a default of 50
}

// ReportStore keeps community reports, feedback and the audit log. Every change it makes to a
// report also appends the report's identifiers to the change sequence, in the same
// transaction.
type ReportStore interface {
	ChangeStore
	// CreateReport stores r as pending and sets its ID, Status, CreatedAt and UpdatedAt. When
	// it returns nil the report is durable.
	CreateReport(ctx context.Context, r *Report) error
	// ReportByID returns a report. ENOTFOUND if there is none.
	ReportByID(ctx context.Context, id int64) (*Report, error)
	// ListReports returns reports by id, oldest first.
	ListReports(ctx context.Context, f ReportFilter) ([]*Report, error)
	// ReportFacts returns the facts of every report filed since t, oldest first.
	ReportFacts(ctx context.Context, since time.Time) ([]ReportFact, error)
	// ReportsFor returns every report that names the identifier, any status.
	ReportsFor(ctx context.Context, id Identifier) ([]*Report, error)
	// CountReportsSince counts the reports filed since t by a reporter (userID > 0) or, when
	// userID is 0, from a source network.
	CountReportsSince(ctx context.Context, userID int64, source string, t time.Time) (int, error)
	// ConfirmedReportsBy counts an account's reports that moderators confirmed.
	ConfirmedReportsBy(ctx context.Context, userID int64) (int, error)
	// DecideReport applies a decision and records it in the audit log in one transaction.
	// ENOTFOUND if the report (or the report merged into) does not exist.
	DecideReport(ctx context.Context, d Decision, at time.Time) (*Report, error)
	// AddReportInfo appends what a reporter adds to a report a moderator asked more about
	// (status needs_info), puts it back to pending and records it in the audit log.
	// userID is the reporter the caller vouches for (0 for an anonymous report, whose private
	// link the caller checked). ENOTFOUND if there is no such report, EFORBIDDEN if it is
	// not userID's, ECONFLICT if no one asked for more.
	AddReportInfo(ctx context.Context, id, userID int64, text string, evidence []Evidence, at time.Time) (*Report, error)
	// AddFeedback stores "not a scam" feedback and sets its ID and CreatedAt.
	AddFeedback(ctx context.Context, f *Feedback) error
	// FeedbackFor returns the feedback on an identifier.
	FeedbackFor(ctx context.Context, id Identifier) ([]*Feedback, error)
	// AuditLog returns the audit entries about a subject ("" for all), newest first.
	AuditLog(ctx context.Context, subject string, limit int) ([]*AuditEntry, error)
	// PurgeReports deletes reports (and their feedback) filed before t, for retention, and
	// appends what they named to the change sequence. It returns how many reports went and
	// the SHA-256 of the evidence files they carried, for the caller to delete those nothing
	// else uses.
	PurgeReports(ctx context.Context, before time.Time) (int64, []string, error)
}
