package shopguard

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AppealStatus is where an appeal stands.
type AppealStatus string

// The statuses of an appeal.
const (
	AppealAwaitingProof AppealStatus = "awaiting_proof" // a domain appeal waits for its token to be published
	AppealReview        AppealStatus = "review"         // waits for a moderator
	AppealUpheld        AppealStatus = "upheld"         // the identifier is delisted
	AppealRejected      AppealStatus = "rejected"       // the listing stands
)

// ProofMethod is how the holder of a domain proves control of it.
type ProofMethod string

// The ways to prove control.
const (
	ProofDNS       ProofMethod = "dns_txt"    // a TXT record at _shopguard-challenge.<domain>
	ProofWellKnown ProofMethod = "well_known" // a file at https://<domain>/.well-known/shopguard-challenge.txt
	ProofReview    ProofMethod = "review"     // no proof: a moderator reviews (every kind but domain)
)

// Appeal is the dispute of a listed identifier by someone who says it is theirs and honest.
// Contact is how moderators reach the appellant; it is never shown publicly.
type Appeal struct {
	ID         int64        `json:"id"`
	Identifier Identifier   `json:"identifier"`
	Reason     string       `json:"reason"`
	Contact    string       `json:"contact,omitempty"`
	Method     ProofMethod  `json:"method"`
	Token      string       `json:"token,omitempty"` // the value to publish, for a domain
	Status     AppealStatus `json:"status"`
	Verified   bool         `json:"verified"` // the appellant proved control of the domain
	CreatedAt  time.Time    `json:"created_at"`
	DecidedAt  *time.Time   `json:"decided_at,omitempty"`
	DecidedBy  int64        `json:"decided_by,omitempty"`
	Decision   string       `json:"decision,omitempty"` // the moderator's reason
}

// Validate checks an appeal as filed.
func (a *Appeal) Validate() error {
	if _, err := ParseKind(string(a.Identifier.Kind)); err != nil {
		return Invalid("identifier.kind", "%s", ErrorMessage(err))
	}
	if a.Identifier.Value == "" {
		return Invalid("identifier.value", "missing value")
	}
	if strings.TrimSpace(a.Reason) == "" || utf8.RuneCountInString(a.Reason) > 4000 {
		return Invalid("reason", "say in up to 4000 characters why the listing is wrong")
	}
	if utf8.RuneCountInString(a.Contact) > 200 {
		return Invalid("contact", "at most 200 characters")
	}
	switch {
	case a.Identifier.Kind == KindDomain && a.Method != ProofDNS && a.Method != ProofWellKnown:
		return Invalid("method", "a domain proves control with dns_txt or well_known, got %q", a.Method)
	case a.Identifier.Kind != KindDomain && a.Method != ProofReview:
		return Invalid("method", "only a domain can prove control with a token; use review")
	}
	return nil
}

// AppealStore keeps appeals. Deciding an appeal records it in the audit log and appends the
// identifier to the change sequence, in one transaction.
type AppealStore interface {
	// CreateAppeal stores a and sets its ID and CreatedAt.
	CreateAppeal(ctx context.Context, a *Appeal) error
	// AppealByID returns an appeal. ENOTFOUND if there is none.
	AppealByID(ctx context.Context, id int64) (*Appeal, error)
	// ListAppeals returns the appeals in a status ("" for any), oldest first.
	ListAppeals(ctx context.Context, status AppealStatus, limit int) ([]*Appeal, error)
	// AppealsFor returns the appeals about an identifier.
	AppealsFor(ctx context.Context, id Identifier) ([]*Appeal, error)
	// UpdateAppeal stores a's status, Verified and decision fields and the audit entry.
	// ENOTFOUND if there is none.
	UpdateAppeal(ctx context.Context, a *Appeal, audit AuditEntry) error
}

// Reputation is the stored summary of what is known about one identifier: the community's
// reports, feedback and appeals, and imported feeds, combined. It is what the lookup index is
// built from. Score is before decay with time; the lookup applies the decay.
type Reputation struct {
	Identifier Identifier           `json:"identifier"`
	Score      int                  `json:"score"`
	Reports    int                  `json:"reports"`
	Reporters  int                  `json:"reporters"`
	Confirmed  bool                 `json:"confirmed"`
	Delisted   bool                 `json:"delisted"`
	NotScam    int                  `json:"not_scam"`
	ScamTypes  []string             `json:"scam_types"`
	FirstSeen  time.Time            `json:"first_seen"`
	LastSeen   time.Time            `json:"last_seen"`
	ByStatus   map[ReportStatus]int `json:"by_status,omitempty"`
	LostMinor  map[string]int64     `json:"lost_minor,omitempty"`
	Source     string               `json:"source,omitempty"` // "" for the community, else the feed it was imported from
}

// ReputationRow is the part of a stored reputation the lookup index keeps, read without the
// rest (ReputationStore.EachReputationRow) so that a node builds its index quickly. Key and
// ScamTypes point into the store's buffers and are valid only during the call that gets them.
type ReputationRow struct {
	Key       []byte // "kind:value", as Identifier.String
	Score     int
	Reports   int
	Reporters int
	Confirmed bool
	Delisted  bool
	Imported  bool   // Source is set
	ScamTypes []byte // the codes joined by commas, "" for none
	FirstSeen time.Time
	LastSeen  time.Time
}

// Empty reports whether the reputation holds nothing worth keeping.
func (r *Reputation) Empty() bool {
	return r.Reports == 0 && !r.Confirmed && !r.Delisted && r.NotScam == 0
}

// ReputationInputs is everything stored about one identifier that its reputation is computed
// from. A report in it carries what scoring reads (status, scam type, amount, dates, reporter,
// trust and network), not its narrative, evidence or identifiers.
type ReputationInputs struct {
	Identifier Identifier
	Reports    []*Report
	Feedback   []*Feedback
	Appeals    []*Appeal
	Imported   *Reputation // nil when no feed names it
}

// ScoreFunc computes a reputation from its inputs (intel.Score).
type ScoreFunc func(ReputationInputs) *Reputation

// ReputationStore keeps the reputation of every identifier and the indicators imported from
// feeds.
//
// A reputation is computed once, by the node whose write changes it: once ScoreWith has told
// the store how, every write that appends identifiers to the change sequence also computes
// their reputations and stores them, in the same transaction, after every earlier write to
// those identifiers committed, and marks its changes Scored. The other nodes read the stored
// reputations (ReputationsOf). A change appended without (before ScoreWith, or by a node
// that does not score) is scored later by ScoreChanges, by whichever node reaches it first.
type ReputationStore interface {
	ChangeStore
	// ScoreWith sets how the writes compute reputations from now on (see above).
	ScoreWith(score ScoreFunc)
	// ScoreChanges computes and stores, with score, the reputation of every identifier that
	// has a change not yet Scored numbered up to through, and marks those changes Scored, in
	// one transaction ordered after every write to those identifiers before it (so that a
	// node that does it second finds nothing left to do). It returns how many identifiers it
	// scored.
	ScoreChanges(ctx context.Context, through int64, score ScoreFunc) (int, error)
	// ReputationsOf returns the stored reputations of ids, in one query, in no order; an
	// identifier with none (its reputation is empty) is left out.
	ReputationsOf(ctx context.Context, ids []Identifier) ([]*Reputation, error)
	// PutReputation stores r, replacing the identifier's reputation, or removes it when r is
	// Empty, outside the change sequence (to load reputations computed elsewhere).
	PutReputation(ctx context.Context, r *Reputation) error
	// ReputationOf returns the stored reputation. ENOTFOUND if there is none.
	ReputationOf(ctx context.Context, id Identifier) (*Reputation, error)
	// EachReputationRow calls fn for every stored reputation, in no order, with only what
	// the lookup index keeps, until fn fails. It may read up to parts ranges at once on
	// several connections: fn is then called concurrently for different parts (numbered from
	// 0) and in turn within one. fn must not keep the row's slices.
	EachReputationRow(ctx context.Context, parts int, fn func(part int, r *ReputationRow) error) error
	// AppliedChange returns the highest change number up to which every change is Scored:
	// the stored reputations reflect every change up to it, and a node that builds its index
	// from them resumes the change sequence there.
	AppliedChange(ctx context.Context) (int64, error)
	// PutImported stores indicators from a feed (Source set), replacing earlier imports of the
	// same identifiers, and appends them to the change sequence.
	PutImported(ctx context.Context, rs []*Reputation) error
	// ImportedOf returns the imported indicator for an identifier. ENOTFOUND if there is none.
	ImportedOf(ctx context.Context, id Identifier) (*Reputation, error)
	// Secret returns the random secret stored under name, made on first use, so that every
	// node and every restart uses the same one.
	Secret(ctx context.Context, name string) ([]byte, error)
}
