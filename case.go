package shopguard

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopguard/shopguard/internal/lazyre"
)

// Case is a victim's case file: what happened (the triage answers), the evidence kept for it
// and where each rights-protection channel stands. A case belongs to its creator: a signed-in
// account (OwnerID) or whoever holds the case key, of which only a hash is stored.
type Case struct {
	ID        string    `json:"id"`
	OwnerID   int64     `json:"owner_id,omitempty"` // 0 when the case is held by its key alone
	KeyHash   []byte    `json:"-"`
	ShareHash []byte    `json:"-"`                   // hash of the read-only share token, when the owner shared the case
	ReportID  int64     `json:"report_id,omitempty"` // the community report made of the case, 0 when none
	Lang      Lang      `json:"lang"`
	Triage    Triage    `json:"triage"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Culprit is who cheated the victim. It decides which channels make sense: nobody complains to
// a fraudulent platform about itself.
type Culprit string

// The kinds of culprit a triage knows.
const (
	CulpritUnknown  Culprit = ""         // not answered yet
	CulpritSeller   Culprit = "seller"   // a shop or seller on a real platform
	CulpritBuyer    Culprit = "buyer"    // a buyer on a real platform (the victim sold something)
	CulpritPlatform Culprit = "platform" // the platform or site itself is fake or fraudulent
	CulpritImpostor Culprit = "impostor" // someone posing as the platform or its staff
)

// Culprits lists the answers a triage accepts for who cheated.
var Culprits = []Culprit{CulpritSeller, CulpritBuyer, CulpritPlatform, CulpritImpostor}

// Payment is how the money went.
type Payment string

// The ways of paying a triage knows.
const (
	PaymentUnknown  Payment = ""         // not answered yet
	PaymentEscrow   Payment = "escrow"   // through the platform, held until delivery is confirmed
	PaymentTransfer Payment = "transfer" // a bank or wallet transfer outside the platform
	PaymentCard     Payment = "card"     // a bank or credit card payment
	PaymentCOD      Payment = "cod"      // cash on delivery
	PaymentNone     Payment = "none"     // no money has gone (yet)
)

// Payments lists the answers a triage accepts for how the money went.
var Payments = []Payment{PaymentEscrow, PaymentTransfer, PaymentCard, PaymentCOD, PaymentNone}

// EvidenceKind is a kind of evidence the victim says they have.
type EvidenceKind string

// The kinds of evidence a triage asks about.
const (
	EvidenceChat     EvidenceKind = "chat"     // chat history with the other side
	EvidencePayment  EvidenceKind = "payment"  // payment or transfer records
	EvidenceOrder    EvidenceKind = "order"    // the order page or order number
	EvidenceInvoice  EvidenceKind = "invoice"  // an invoice or receipt
	EvidenceListing  EvidenceKind = "listing"  // screenshots of the listing or site
	EvidencePhoto    EvidenceKind = "photo"    // photos of the goods received
	EvidenceDelivery EvidenceKind = "delivery" // delivery or tracking records
)

// EvidenceKinds lists every kind of evidence a triage asks about.
var EvidenceKinds = []EvidenceKind{EvidenceChat, EvidencePayment, EvidenceOrder, EvidenceInvoice, EvidenceListing, EvidencePhoto, EvidenceDelivery}

// Triage holds the answers to the case questionnaire. Every answer is optional: a partial
// triage still gives a plan, and answering more makes it sharper. Dates are YYYY-MM-DD.
type Triage struct {
	What           string         `json:"what,omitempty"`            // what happened, in the victim's words
	Culprit        Culprit        `json:"culprit,omitempty"`         // who cheated
	Payment        Payment        `json:"payment,omitempty"`         // how the money went
	AmountFen      int64          `json:"amount_fen,omitempty"`      // how much, in fen (0.01 yuan)
	PaidOn         string         `json:"paid_on,omitempty"`         // when the money went
	NoticedOn      string         `json:"noticed_on,omitempty"`      // when the victim found out
	Platform       string         `json:"platform,omitempty"`        // the platform or site used
	SiteURL        string         `json:"site_url,omitempty"`        // the address of a fake or illegal site
	Counterparty   string         `json:"counterparty,omitempty"`    // the seller's or other side's name
	SellerLocation string         `json:"seller_location,omitempty"` // where the seller operates or is registered, as the victim knows it
	OrderRef       string         `json:"order_ref,omitempty"`       // order or transaction number
	Evidence       []EvidenceKind `json:"evidence,omitempty"`        // the kinds of evidence the victim has
	Arbitration    bool           `json:"arbitration,omitempty"`     // both sides agreed to arbitration
}

// Limits on triage answers, so that one case cannot fill the database.
const (
	MaxTriageText  = 4000          // runes in What
	MaxTriageField = 300           // runes in the other text answers
	MaxAmountFen   = 10_000_000_00 // ten million yuan
)

const dateLayout = "2006-01-02"

// ParseDate parses a YYYY-MM-DD date as midnight UTC, or an EINVALID error about field.
func ParseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, Invalid(field, "a date is written YYYY-MM-DD, got %q", s)
	}
	return t, nil
}

// Validate checks the answers: known choices, dates that parse and do not lie in the future
// (relative to now), sizes within limits.
func (t *Triage) Validate(now time.Time) error {
	if t.Culprit != CulpritUnknown && !slices.Contains(Culprits, t.Culprit) {
		return Invalid("culprit", "unknown answer %q: want seller, buyer, platform or impostor", t.Culprit)
	}
	if t.Payment != PaymentUnknown && !slices.Contains(Payments, t.Payment) {
		return Invalid("payment", "unknown answer %q: want escrow, transfer, card, cod or none", t.Payment)
	}
	if t.AmountFen < 0 || t.AmountFen > MaxAmountFen {
		return Invalid("amount_fen", "the amount must be between 0 and %d fen", int64(MaxAmountFen))
	}
	if utf8.RuneCountInString(t.What) > MaxTriageText {
		return Invalid("what", "at most %d characters", MaxTriageText)
	}
	fields := map[string]string{"platform": t.Platform, "site_url": t.SiteURL, "counterparty": t.Counterparty,
		"seller_location": t.SellerLocation, "order_ref": t.OrderRef}
	for _, name := range []string{"platform", "site_url", "counterparty", "seller_location", "order_ref"} {
		if utf8.RuneCountInString(fields[name]) > MaxTriageField {
			return Invalid(name, "at most %d characters", MaxTriageField)
		}
	}
	for _, f := range []struct{ name, value string }{{"paid_on", t.PaidOn}, {"noticed_on", t.NoticedOn}} {
		if f.value == "" {
			continue
		}
		d, err := ParseDate(f.name, f.value)
		if err != nil {
			return err
		}
		if d.After(now.Add(24 * time.Hour)) {
			return Invalid(f.name, "the date %s lies in the future", f.value)
		}
	}
	for _, k := range t.Evidence {
		if !slices.Contains(EvidenceKinds, k) {
			return Invalid("evidence", "unknown kind of evidence %q", k)
		}
	}
	return nil
}

var caseIDRE = lazyre.New(`^[a-z2-7]{16}$`)

// ValidCaseID reports whether id has the form of a case id (16 base32 letters, lower case).
func ValidCaseID(id string) bool { return caseIDRE().MatchString(id) }

// Validate checks a case before it is stored.
func (c *Case) Validate(now time.Time) error {
	if !ValidCaseID(c.ID) {
		return Invalid("id", "malformed case id %q", c.ID)
	}
	if c.OwnerID == 0 && len(c.KeyHash) == 0 {
		return Invalid("owner", "a case needs an owner: an account or a case key")
	}
	if _, ok := ParseLang(string(c.Lang)); !ok || (c.Lang != LangZH && c.Lang != LangEN) {
		return Invalid("lang", "unsupported language %q: want zh-CN or en", c.Lang)
	}
	return c.Triage.Validate(now)
}

// EvidenceEntry is one entry of a case's evidence log: a file kept in the blob store under its
// SHA-256, with what the victim said about it. Entries form a hash chain: Hash covers the
// previous entry's Hash and every field of this one, so a later change to any entry, or a
// removed or reordered one, shows.
type EvidenceEntry struct {
	CaseID     string    `json:"case_id"`
	Seq        int       `json:"seq"` // position in the log, from 1
	SHA256     string    `json:"sha256"`
	Name       string    `json:"name"` // the original file name, without any directory
	Type       string    `json:"type"` // the media type, checked from the content
	Size       int64     `json:"size"`
	Note       string    `json:"note,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// MaxEvidenceNote is the longest note, in runes, an evidence entry keeps.
const MaxEvidenceNote = 1000

var sha256RE = lazyre.New(`^[0-9a-f]{64}$`)

// ValidSHA256 reports whether s is a SHA-256 in lower-case hex.
func ValidSHA256(s string) bool { return sha256RE().MatchString(s) }

// Validate checks an evidence entry's fields (not its place in the chain).
func (e *EvidenceEntry) Validate() error {
	switch {
	case !ValidCaseID(e.CaseID):
		return Invalid("case_id", "malformed case id %q", e.CaseID)
	case e.Seq < 1:
		return Invalid("seq", "the log starts at 1")
	case !ValidSHA256(e.SHA256):
		return Invalid("sha256", "not a SHA-256 in hex")
	case e.Name == "" || strings.ContainsAny(e.Name, "/\\\x00") || !utf8.ValidString(e.Name):
		return Invalid("name", "a file name without directories is needed")
	case e.Type == "":
		return Invalid("type", "missing media type")
	case e.Size < 0:
		return Invalid("size", "negative size")
	case utf8.RuneCountInString(e.Note) > MaxEvidenceNote:
		return Invalid("note", "at most %d characters", MaxEvidenceNote)
	case e.PrevHash != "" && !ValidSHA256(e.PrevHash), !ValidSHA256(e.Hash):
		return Invalid("hash", "malformed chain hash")
	}
	return nil
}

// ChannelState is how far a case has got with one channel.
type ChannelState string

// The states of a channel, in the order they usually come.
const (
	StateNotStarted ChannelState = "not_started"
	StateSubmitted  ChannelState = "submitted"
	StateAnswered   ChannelState = "answered"
	StateClosed     ChannelState = "closed"
)

// ChannelStates lists every state, in order.
var ChannelStates = []ChannelState{StateNotStarted, StateSubmitted, StateAnswered, StateClosed}

// ChannelStatus is where a case stands with one channel (knowledge base channel id): its
// state, the reference number the channel gave, notes and when to follow up.
type ChannelStatus struct {
	CaseID    string       `json:"case_id"`
	Channel   string       `json:"channel"`
	State     ChannelState `json:"state"`
	Reference string       `json:"reference,omitempty"`
	Notes     string       `json:"notes,omitempty"`
	FollowUp  string       `json:"follow_up,omitempty"` // YYYY-MM-DD
	UpdatedAt time.Time    `json:"updated_at"`
}

// Validate checks a channel status.
func (s *ChannelStatus) Validate() error {
	if !ValidCaseID(s.CaseID) {
		return Invalid("case_id", "malformed case id %q", s.CaseID)
	}
	if s.Channel == "" || len(s.Channel) > 64 {
		return Invalid("channel", "missing channel id")
	}
	if !slices.Contains(ChannelStates, s.State) {
		return Invalid("state", "unknown state %q: want not_started, submitted, answered or closed", s.State)
	}
	if s.State == StateSubmitted && strings.TrimSpace(s.Reference) == "" {
		return Invalid("reference", "a submitted complaint needs the reference number the channel gave (write \"none\" if it gave none)")
	}
	if utf8.RuneCountInString(s.Reference) > MaxTriageField {
		return Invalid("reference", "at most %d characters", MaxTriageField)
	}
	if utf8.RuneCountInString(s.Notes) > MaxTriageText {
		return Invalid("notes", "at most %d characters", MaxTriageText)
	}
	if s.FollowUp != "" {
		if _, err := ParseDate("follow_up", s.FollowUp); err != nil {
			return err
		}
	}
	return nil
}

// CaseStore keeps cases, their evidence logs and channel statuses.
type CaseStore interface {
	// CreateCase stores c. ECONFLICT if the id is taken.
	CreateCase(ctx context.Context, c *Case) error
	// CaseByID returns a case. ENOTFOUND if there is none.
	CaseByID(ctx context.Context, id string) (*Case, error)
	// ListCases returns an account's cases, newest first.
	ListCases(ctx context.Context, ownerID int64) ([]*Case, error)
	// UpdateTriage replaces a case's triage answers and sets UpdatedAt. ENOTFOUND if there is
	// no such case.
	UpdateTriage(ctx context.Context, id string, t Triage, at time.Time) error
	// SetCaseShare sets the hash of a case's read-only share token, or with nil revokes the
	// share. ENOTFOUND if there is no such case.
	SetCaseShare(ctx context.Context, id string, hash []byte) error
	// ReportCase stores r as a pending community report, as ReportStore.CreateReport does,
	// and records its id on the case, in one transaction, so that a case is reported once.
	// ECONFLICT if the case was reported already, ENOTFOUND if there is no such case.
	ReportCase(ctx context.Context, caseID string, r *Report) error
	// DeleteCase removes a case with its evidence log and statuses and returns the SHA-256s
	// of the files no other case and no report refers to, which the caller then deletes from
	// the blob store. ENOTFOUND if there is no such case.
	DeleteCase(ctx context.Context, id string) (orphans []string, err error)

	// AppendEvidence adds e to its case's log. e.Seq must be one more than the last entry's
	// and e.PrevHash that entry's Hash: ECONFLICT otherwise (someone appended first; read the
	// log again and retry). ENOTFOUND if there is no such case.
	AppendEvidence(ctx context.Context, e *EvidenceEntry) error
	// ListEvidence returns a case's evidence log in order.
	ListEvidence(ctx context.Context, caseID string) ([]*EvidenceEntry, error)
	// EvidenceRefs returns how many evidence entries, in any case, and how many reports refer
	// to a file (cases and reports keep their files in one blob store).
	EvidenceRefs(ctx context.Context, sha256 string) (int, error)
	// FilesInUse returns the SHA-256 of every file that an evidence entry or a report refers
	// to, among those that start with prefix (in lower-case hex), each once.
	FilesInUse(ctx context.Context, prefix string) ([]string, error)

	// SetChannelStatus creates or replaces the status of one channel of a case. ENOTFOUND if
	// there is no such case.
	SetChannelStatus(ctx context.Context, s *ChannelStatus) error
	// ListChannelStatus returns a case's channel statuses, by channel id.
	ListChannelStatus(ctx context.Context, caseID string) ([]*ChannelStatus, error)
	// DueFollowUps returns the statuses, among the given cases, that are not closed and whose
	// follow-up date is on or before day (YYYY-MM-DD), earliest first.
	DueFollowUps(ctx context.Context, caseIDs []string, day string) ([]*ChannelStatus, error)
}

// ErrCorrupt is the error a BlobStore's reader returns at the end of a kept file whose content
// does not have the SHA-256 it is kept under (it was altered in storage).
var ErrCorrupt = errors.New("shopguard: the kept file does not match its SHA-256: it was altered in storage")

// BlobStore keeps files by their SHA-256. An implementation writes atomically: a file is
// either wholly there under its hash or not at all. A file is deleted when nothing refers to
// it, but an upload puts a file before it logs it; so that a deletion racing an upload of the
// same file does not lose it, a store keeps every file for a grace period after it was put.
type BlobStore interface {
	// Put reads r to its end and keeps it, returning its SHA-256 in hex and its size.
	// ETOOLARGE, with nothing kept, if r holds more than limit bytes. Putting a file that is
	// there already starts its grace period again. A file put and never referred to (its
	// upload failed after Put) is left to Sweep.
	Put(ctx context.Context, r io.Reader, limit int64) (sha256 string, size int64, err error)
	// Open returns a kept file. ENOTFOUND if there is none. Reading it to the end fails with
	// ErrCorrupt if what was read does not have the SHA-256 asked for.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
	// Delete removes a kept file the caller found unused; removing one that is not there is
	// not an error. It may keep a file put within the grace period; a later Sweep removes it.
	Delete(ctx context.Context, sha256 string) error
	// Sweep deletes every kept file past the grace period that inUse says nothing refers to,
	// and returns how many it deleted.
	Sweep(ctx context.Context, inUse func(ctx context.Context, sha256 string) (bool, error)) (removed int, err error)
}
