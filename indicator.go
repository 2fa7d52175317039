package shopguard

import (
	"context"
	"slices"
	"time"
)

// Kind is the kind of an identifier that scammers use and victims report: a phone number, an
// account, a site, a shop. Kinds are part of the public API and never renamed.
type Kind string

// The kinds of identifier. The canonical form of each is defined by the detect/ident package.
const (
	KindPhone       Kind = "phone"        // E.164, "+8613812345678"
	KindQQ          Kind = "qq"           // the digits of a QQ number
	KindWeChat      Kind = "wechat"       // a WeChat id, lower case
	KindEmail       Kind = "email"        // an e-mail address, lower case
	KindBankAccount Kind = "bank_account" // the digits of a bank card or account
	KindAlipay      Kind = "alipay"       // an Alipay account: a phone (E.164) or an e-mail address
	KindDomain      Kind = "domain"       // a host name in ASCII (punycode), lower case, without "www."
	KindURL         Kind = "url"          // an http(s) URL without fragment or user info
	KindShop        Kind = "shop"         // "platform:shop id", such as "taobao:12345678"
)

// Kinds lists every kind.
var Kinds = []Kind{KindPhone, KindQQ, KindWeChat, KindEmail, KindBankAccount, KindAlipay, KindDomain, KindURL, KindShop}

// ParseKind returns the kind named s, or an EINVALID error about field "kind".
func ParseKind(s string) (Kind, error) {
	if k := Kind(s); slices.Contains(Kinds, k) {
		return k, nil
	}
	return "", Invalid("kind", "unknown kind %q: want phone, qq, wechat, email, bank_account, alipay, domain, url or shop", s)
}

// Identifier is one identifier of a kind, such as a phone number. Value is canonical once the
// identifier has been through ident.Parse.
type Identifier struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
}

// String returns "kind:value", the form that the lookup hash is computed over.
func (id Identifier) String() string { return string(id.Kind) + ":" + id.Value }

// Indicator is what the community knows about one identifier: its reputation. It is the answer
// of GET /api/v1/indicators/{kind}/{value}; Display is the identifier masked where its kind
// allows ("138****5678"), so that public answers never show a full phone number or account.
type Indicator struct {
	Kind      Kind       `json:"kind"`
	Display   string     `json:"display"`
	Risk      Risk       `json:"risk"`
	Score     int        `json:"score"`     // 0–100 after decay with time
	Reports   int        `json:"reports"`   // reports that count: pending and confirmed
	Confirmed bool       `json:"confirmed"` // a moderator confirmed at least one report
	Reporters int        `json:"reporters"` // distinct reporters among those reports
	ScamTypes []string   `json:"scam_types"`
	FirstSeen *time.Time `json:"first_seen"`
	LastSeen  *time.Time `json:"last_seen"`
	Delisted  bool       `json:"delisted,omitempty"` // an appeal was upheld
	// ByStatus counts every report on the identifier by status, for moderators.
	ByStatus map[ReportStatus]int `json:"by_status,omitempty"`
	// LostMinor is the money reported lost, in minor units (fen, cents) of each currency.
	LostMinor map[string]int64 `json:"lost_minor,omitempty"`
	// Finding says what is known: FindingNone (nothing: unknown, which is not safe; Risk
	// "low" then means only that nothing was found), FindingUnderReview (reports that no
	// moderator has confirmed yet), FindingReported (confirmed reports) or FindingDelisted.
	Finding string `json:"finding"`
	// Checked lists what was looked in: "community_reports".
	Checked []string `json:"checked"`
}

// What an indicator's Finding may say beyond FindingNone.
const (
	FindingUnderReview = "under_review" // reports wait for a moderator: not a finding yet
	FindingReported    = "reported"     // a moderator confirmed at least one report
	FindingDelisted    = "delisted"     // its holder's appeal was upheld
)

// CheckedCommunity is what a lookup looks in: the community's reports and appeals.
const CheckedCommunity = "community_reports"

// FindingOf returns the Finding of an indicator from its counts and flags.
func (in Indicator) FindingOf() string {
	switch {
	case in.Delisted:
		return FindingDelisted
	case in.Confirmed:
		return FindingReported
	case in.Reports > 0:
		return FindingUnderReview
	}
	return FindingNone
}

// Public returns the indicator as the public may see it: reports no moderator confirmed are
// no finding. With showPending they show as FindingUnderReview without their count, scam
// types, dates or money; without, as nothing at all.
func (in Indicator) Public(showPending bool) Indicator {
	if in.FindingOf() != FindingUnderReview {
		return in
	}
	out := Indicator{Kind: in.Kind, Display: in.Display, Risk: RiskLow, ScamTypes: []string{}, Finding: FindingNone, Checked: in.Checked}
	if showPending {
		out.Finding = FindingUnderReview
	}
	return out
}

// Change is one entry of the change sequence: the reputation of an identifier may have changed
// (a report was filed, decided or deleted, an appeal decided, feedback given). Every node
// follows the sequence to keep its in-memory index in step with the database.
type Change struct {
	Seq        int64      `json:"seq"`
	Identifier Identifier `json:"identifier"`
	At         time.Time  `json:"at"`
	// Scored is set when the identifier's stored reputation reflects the change (see
	// ReputationStore).
	Scored bool `json:"scored"`
}

// ChangeStore is the change sequence.
type ChangeStore interface {
	// ChangesSince returns up to limit changes with a sequence number above seq, in order.
	ChangesSince(ctx context.Context, seq int64, limit int) ([]Change, error)
	// LastChange returns the highest sequence number, 0 when there is none.
	LastChange(ctx context.Context) (int64, error)
	// PruneChanges deletes the changes recorded before t, keeping the last one, raises
	// PrunedThrough to the highest sequence number it deleted, and returns how many it deleted.
	PruneChanges(ctx context.Context, before time.Time) (int64, error)
	// PrunedThrough returns the highest sequence number ever pruned (0 when none): a node
	// whose cursor is below it has missed changes and must rebuild from the reputations.
	PrunedThrough(ctx context.Context) (int64, error)
}

// Reputations answers what the community knows about an identifier, from memory. Detectors
// take it to flag the phones and accounts they find; intel.Service implements it.
type Reputations interface {
	// Lookup returns the reputation of value as an identifier of kind; EINVALID for a bad
	// value.
	Lookup(kind Kind, value string) (Indicator, error)
}
