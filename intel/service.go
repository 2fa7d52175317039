package intel

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/internal/every"
)

// Store is what the service keeps in the database; sqlstore.DB implements it.
type Store interface {
	shopguard.ReportStore
	shopguard.AppealStore
	shopguard.ReputationStore
	// EvidenceRefs counts the cases and reports that still use a file.
	EvidenceRefs(ctx context.Context, sha256 string) (int, error)
	// FilesInUse lists the files that cases and reports use, among those starting with prefix.
	FilesInUse(ctx context.Context, prefix string) ([]string, error)
	// Listens, ListenChanges and RunAlone are as in shopguard.Store.
	Listens() bool
	ListenChanges(ctx context.Context, wake func())
	RunAlone(ctx context.Context, job int64, fn func(context.Context) error) (bool, error)
}

var _ shopguard.Reputations = (*Service)(nil)

// Limits bound what one reporter can do, and how long reports are kept.
type Limits struct {
	ReportsPerHour       int           // by one account; 0 for the default of 10
	ReportsPerHourSource int           // from one network; 0 for the default of 30
	Retention            time.Duration // reports older than this are purged; 0 keeps them
}

// Service is community reporting and reputation: it takes reports, moderation decisions,
// feedback and appeals, keeps every identifier's reputation in the store and the lookup index
// in step with it, on this node and, through the change sequence, on every node.
type Service struct {
	Store  Store
	Index  *Index
	Prover *Prover // checks a domain appeal's token; nil refuses every domain proof
	Limits Limits
	// Secret keys the hash of a reporter's network, so that the stored value cannot be
	// turned back into an address by trying them all.
	Secret []byte
	// Loaded, when set, is called for every reputation Start reads from the store (from
	// several goroutines at once), for a progress bar.
	Loaded func()
	// KnownScamType reports whether a scam type code exists (the knowledge pack's); nil
	// accepts every well-formed code.
	KnownScamType func(string) bool
	Now           func() time.Time
	Log           *slog.Logger
	// Blobs keeps the evidence files of reports; when set, a file is deleted once no report
	// or case uses it any more (a report deleted by a moderator or purged for retention), and
	// Tidy (every hour in PurgeEvery) sweeps the files of cases and reports that deletions
	// left for the grace period.
	Blobs shopguard.BlobStore
	// CachePath is the node's index cache file; "" for none. With one, a node starts by
	// reading it and replaying the changes since, instead of reading every reputation.
	CachePath string
	// FollowGap is the least time between two syncs of Follow; 0 for DefaultFollowGap.
	FollowGap time.Duration

	syncMu sync.Mutex // one sync at a time, and the cursor
	cursor int64
	putMu  sync.Mutex // a read of stored reputations and its puts at a time (putStored)
	// scoring is set by Start, once the store scores as it writes: until then a write is
	// shown by a sync, which scores what it reads (ScoreChanges).
	scoring atomic.Bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Start tells the store to compute reputations with Score as it writes, builds the index from
// the cache, or else from the stored reputations, then follows the changes since.
func (s *Service) Start(ctx context.Context) error {
	s.Store.ScoreWith(Score)
	s.scoring.Store(true)
	pruned, err := s.Store.PrunedThrough(ctx)
	if err != nil {
		return fmt.Errorf("intel: start: %w", err)
	}
	if seq, ok := s.loadCache(); ok && seq >= pruned {
		s.syncMu.Lock()
		s.cursor = seq
		s.syncMu.Unlock()
		return s.Sync(ctx)
	}
	applied, err := s.Store.AppliedChange(ctx)
	if err != nil {
		return fmt.Errorf("intel: start: %w", err)
	}
	parts := make([]*Builder, runtime.GOMAXPROCS(0)) // one per range the store reads at once
	for i := range parts {
		parts[i] = NewBuilder(0)
	}
	err = s.Store.EachReputationRow(ctx, len(parts), func(part int, r *shopguard.ReputationRow) error {
		parts[part].AddRow(r)
		if s.Loaded != nil {
			s.Loaded()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("intel: start: load reputations: %w", err)
	}
	parts[0].Build(s.Index, parts[1:]...)
	s.syncMu.Lock()
	s.cursor = applied
	s.syncMu.Unlock()
	return s.Sync(ctx)
}

// Sync brings the index up to date with the change sequence: the stored reputations of the
// identifiers changed since the last sync are read, a batch at a time in one query, and put
// into the index. The node that wrote a change computed and stored the reputation in the same
// transaction; changes not scored so (written by a node that does not score) are scored
// first, once, by whichever node gets there first (Store.ScoreChanges).
func (s *Service) Sync(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	const batch = 1000
	for {
		changes, err := s.Store.ChangesSince(ctx, s.cursor, batch)
		if err != nil {
			return fmt.Errorf("intel: sync: %w", err)
		}
		if len(changes) == 0 {
			return nil
		}
		last := changes[len(changes)-1].Seq
		var ids []shopguard.Identifier
		seen := map[shopguard.Identifier]bool{}
		scored := true
		for _, c := range changes {
			scored = scored && c.Scored
			if !seen[c.Identifier] {
				seen[c.Identifier] = true
				ids = append(ids, c.Identifier)
			}
		}
		if !scored {
			if _, err := s.Store.ScoreChanges(ctx, last, Score); err != nil {
				return fmt.Errorf("intel: sync: %w", err)
			}
		}
		if err := s.putStored(ctx, ids); err != nil {
			return fmt.Errorf("intel: sync: %w", err)
		}
		s.cursor = last
		if len(changes) < batch {
			// that was all before this sync; a change committed since wakes the next one
			return nil
		}
	}
}

// putStored reads the stored reputations of ids, in one query, and puts them into the index;
// an identifier without one is empty. One runs at a time (putMu), so that what it puts is
// never older than what one before it put.
func (s *Service) putStored(ctx context.Context, ids []shopguard.Identifier) error {
	s.putMu.Lock()
	defer s.putMu.Unlock()
	reps, err := s.Store.ReputationsOf(ctx, ids)
	if err != nil {
		return err
	}
	empty := make(map[shopguard.Identifier]bool, len(ids))
	for _, id := range ids {
		empty[id] = true
	}
	for _, r := range reps {
		delete(empty, r.Identifier)
		s.Index.Put(r)
	}
	for id := range empty {
		s.Index.Put(&shopguard.Reputation{Identifier: id})
	}
	return nil
}

// show puts into the index the stored reputations of the identifiers a write of this node
// changed, once it has committed, so that the node shows the write at once: the write stored
// them (the store scores as it writes, ScoreWith), and reading them is one query, where a sync
// would number and read the change sequence too, and wait for the sync running. The changes
// reach the other nodes, and this node's cursor, by Follow. A Service not started shows a
// write by a sync.
func (s *Service) show(ctx context.Context, ids []shopguard.Identifier) error {
	if !s.scoring.Load() { // not started: the store did not score the write
		return s.Sync(ctx)
	}
	if err := s.putStored(ctx, ids); err != nil {
		return fmt.Errorf("intel: show a write: %w", err)
	}
	return nil
}

// SlowPoll is how often Follow reads the change sequence when the store tells of changes as
// they commit: a safety net for a notification lost, the change sequence staying the source
// of truth.
const SlowPoll = 30 * time.Second

// DefaultFollowGap is the least time between two syncs of Follow, unless Service.FollowGap
// says otherwise. The notifications of the writes that commit within it are served by one
// sync at its end, so that a node syncs at most 20 times a second (two queries each) however
// many writes the other nodes make, for at most this much more delay in seeing a change; a
// notification after a quiet spell is served at once.
const DefaultFollowGap = 50 * time.Millisecond

// Follow syncs until ctx ends, so that changes made on other nodes reach this node's index:
// whenever the store tells of a change (PostgreSQL), and every interval (SlowPoll at the
// least, where the store tells); never twice within FollowGap.
func (s *Service) Follow(ctx context.Context, interval time.Duration) {
	gap := cmpOr(s.FollowGap, DefaultFollowGap)
	wake := make(chan struct{}, 1)
	if s.Store.Listens() {
		go s.Store.ListenChanges(ctx, func() {
			select {
			case wake <- struct{}{}:
			default: // a sync is due already: it will read this change too
			}
		})
		interval = max(interval, SlowPoll)
	}
	every.TickOr(ctx, interval, wake, func() {
		if err := s.Sync(ctx); err != nil && ctx.Err() == nil && s.Log != nil {
			s.Log.Error("intel: follow changes", "err", err)
		}
		select { // a notification meanwhile waits in wake for the next sync
		case <-ctx.Done():
		case <-time.After(gap):
		}
	})
}

// Reporter is who files a report or feedback.
type Reporter struct {
	UserID int64          // 0 when anonymous
	Role   shopguard.Role // "" when anonymous
	IP     netip.Addr     // the zero Addr when unknown (the command line)
	// Private is set when the caller holds the report's private link, which stands for the
	// reporter, signed in or not (AddInfo).
	Private bool
}

// Submit checks a report, puts its identifiers in canonical form and stores it as pending. A
// bad field is an EINVALID error naming it; too many reports from one account or one network
// in an hour is ERATELIMIT.
func (s *Service) Submit(ctx context.Context, r *shopguard.Report, who Reporter) error {
	return s.SubmitWith(ctx, r, who, s.Store.CreateReport)
}

// SubmitWith is Submit with another way to store the report once it passed every check:
// create, which must store r as ReportStore.CreateReport does (a case's report is stored
// together with the mark on its case).
func (s *Service) SubmitWith(ctx context.Context, r *shopguard.Report, who Reporter, create func(context.Context, *shopguard.Report) error) error {
	if err := s.normalise(r); err != nil {
		return err
	}
	r.ReporterID, r.Source = who.UserID, s.source(who.IP)
	trust, err := s.trustOf(ctx, who)
	if err != nil {
		return err
	}
	r.Trust = trust
	since := s.now().Add(-time.Hour)
	if who.UserID > 0 {
		n, err := s.Store.CountReportsSince(ctx, who.UserID, "", since)
		if err != nil {
			return fmt.Errorf("intel: submit: %w", err)
		}
		if n >= cmpOr(s.Limits.ReportsPerHour, 10) {
			return shopguard.Errorf(shopguard.ERATELIMIT, "too many reports from this account in the last hour; try again later")
		}
	}
	if r.Source != "" {
		n, err := s.Store.CountReportsSince(ctx, 0, r.Source, since)
		if err != nil {
			return fmt.Errorf("intel: submit: %w", err)
		}
		if n >= cmpOr(s.Limits.ReportsPerHourSource, 30) {
			return shopguard.Errorf(shopguard.ERATELIMIT, "too many reports from this network in the last hour; try again later")
		}
	}
	if err := create(ctx, r); err != nil {
		return err
	}
	return s.show(ctx, r.Identifiers)
}

func cmpOr[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// normalise puts a report's identifiers in canonical form, drops duplicates and checks it.
func (s *Service) normalise(r *shopguard.Report) error {
	var ids []shopguard.Identifier
	for i, id := range r.Identifiers {
		field := "identifiers[" + strconv.Itoa(i) + "]"
		if _, err := shopguard.ParseKind(string(id.Kind)); err != nil {
			return shopguard.Invalid(field+".kind", "%s", shopguard.ErrorMessage(err))
		}
		c, err := ident.Parse(id.Kind, id.Value)
		if err != nil {
			return shopguard.Invalid(field+".value", "%s", shopguard.ErrorMessage(err))
		}
		if !slices.Contains(ids, c) {
			ids = append(ids, c)
		}
	}
	r.Identifiers = ids
	if err := r.Validate(); err != nil {
		return err
	}
	if s.KnownScamType != nil && !s.KnownScamType(r.ScamType) {
		return shopguard.Invalid("scam_type", "unknown scam type %q", r.ScamType)
	}
	if r.OccurredOn != "" {
		if d, _ := time.Parse(time.DateOnly, r.OccurredOn); d.After(s.now()) {
			return shopguard.Invalid("occurred_on", "the date %s is in the future", r.OccurredOn)
		}
	}
	return nil
}

// trustOf says how much a reporter is believed: anonymous little, an account more, an
// operator or an account with shopguard.TrustedAfter confirmed reports most.
func (s *Service) trustOf(ctx context.Context, who Reporter) (shopguard.Trust, error) {
	switch {
	case who.UserID == 0:
		return shopguard.TrustAnonymous, nil
	case who.Role.AtLeast(shopguard.RoleModerator):
		return shopguard.TrustTrusted, nil
	}
	n, err := s.Store.ConfirmedReportsBy(ctx, who.UserID)
	if err != nil {
		return 0, fmt.Errorf("intel: submit: %w", err)
	}
	if n >= shopguard.TrustedAfter {
		return shopguard.TrustTrusted, nil
	}
	return shopguard.TrustAccount, nil
}

// NetworkSource returns the keyed hash of the network ip belongs to (see source): what other
// parts use to count many submissions from one network once.
func (s *Service) NetworkSource(ip netip.Addr) string { return s.source(ip) }

// source returns the keyed hash of the network an address belongs to: its /24 for IPv4, its
// /48 for IPv6, so that one household or one attacker's subnet counts once.
func (s *Service) source(ip netip.Addr) string {
	if !ip.IsValid() {
		return ""
	}
	ip = ip.Unmap()
	bits := 48
	if ip.Is4() {
		bits = 24
	}
	p, _ := ip.Prefix(bits)
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(p.String()))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// Decide applies a moderator's decision to a report and records it in the audit log.
func (s *Service) Decide(ctx context.Context, d shopguard.Decision) (*shopguard.Report, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	r, err := s.Store.DecideReport(ctx, d, s.now())
	if err != nil {
		return nil, err
	}
	if d.Action == shopguard.ActionDelete {
		sums := make([]string, len(r.Evidence))
		for i, e := range r.Evidence {
			sums[i] = e.SHA256
		}
		if err := s.dropUnused(ctx, sums); err != nil {
			return r, err
		}
	}
	return r, s.show(ctx, r.Identifiers)
}

// dropUnused deletes the files that no report or case uses any more.
func (s *Service) dropUnused(ctx context.Context, sums []string) error {
	if s.Blobs == nil {
		return nil
	}
	for _, sum := range sums {
		n, err := s.Store.EvidenceRefs(ctx, sum)
		if err != nil {
			return fmt.Errorf("intel: count uses of a file: %w", err)
		}
		if n == 0 {
			if err := s.Blobs.Delete(ctx, sum); err != nil {
				return fmt.Errorf("intel: delete an unused file: %w", err)
			}
		}
	}
	return nil
}

// AddInfo adds what a reporter says when a moderator asked for more, and puts the report
// back in the queue.
func (s *Service) AddInfo(ctx context.Context, id int64, who Reporter, text string, evidence []shopguard.Evidence) (*shopguard.Report, error) {
	if strings.TrimSpace(text) == "" {
		return nil, shopguard.Invalid("text", "say what you want to add")
	}
	uid := who.UserID
	switch {
	case who.Private:
		r, err := s.Store.ReportByID(ctx, id)
		if err != nil {
			return nil, err
		}
		uid = r.ReporterID
	case uid == 0:
		return nil, shopguard.Errorf(shopguard.EUNAUTHORIZED, "sign in as the reporter, or open the report's private link, to add to a report")
	}
	r, err := s.Store.AddReportInfo(ctx, id, uid, text, evidence, s.now())
	if err != nil {
		return nil, err
	}
	return r, s.show(ctx, r.Identifiers)
}

// NotScam records a user's word that an identifier is not a scam.
func (s *Service) NotScam(ctx context.Context, kind shopguard.Kind, value, comment string, who Reporter) error {
	id, err := ident.Parse(kind, value)
	if err != nil {
		return err
	}
	if len(comment) > 1000 {
		return shopguard.Invalid("comment", "at most 1000 bytes")
	}
	f := &shopguard.Feedback{Identifier: id, UserID: who.UserID, Source: s.source(who.IP), Comment: comment}
	if err := s.Store.AddFeedback(ctx, f); err != nil {
		return err
	}
	return s.show(ctx, []shopguard.Identifier{id})
}

// Lookup answers what is known about an identifier, from the index.
func (s *Service) Lookup(kind shopguard.Kind, value string) (shopguard.Indicator, error) {
	if _, err := shopguard.ParseKind(string(kind)); err != nil {
		return shopguard.Indicator{}, err
	}
	return s.Index.Lookup(kind, value, s.now())
}

// Bucket answers a private lookup: every indicator of kind whose hash starts with prefix
// (Index.Bucket; guessable lets in the identifiers whose values can all be tried).
func (s *Service) Bucket(kind shopguard.Kind, prefix string, guessable bool) ([]Match, error) {
	if _, err := shopguard.ParseKind(string(kind)); err != nil {
		return nil, err
	}
	p, err := ParsePrefix(prefix)
	if err != nil {
		return nil, err
	}
	return s.Index.Bucket(kind, p, s.now(), guessable), nil
}

// Purge deletes the reports older than the retention period; the store rescores what they named
// in the same transaction.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	if s.Limits.Retention <= 0 {
		return 0, nil
	}
	n, files, err := s.Store.PurgeReports(ctx, s.now().Add(-s.Limits.Retention))
	if err != nil {
		return 0, err
	}
	if err := s.dropUnused(ctx, files); err != nil {
		return n, err
	}
	return n, s.Sync(ctx)
}

// SweepFiles deletes the kept files past the blob store's grace period that no report or case
// uses (see shopguard.BlobStore): those a deletion kept for the grace period, and those of
// uploads never logged, such as a refused report's. It returns how many.
func (s *Service) SweepFiles(ctx context.Context) (int, error) {
	if s.Blobs == nil {
		return 0, nil
	}
	// The files in use are read a first level of the blob directory at a time (1/256 of them),
	// rather than one query per file. A file missing from that list is counted afresh before
	// it goes, in case an upload logged it since.
	var prefix string
	var used map[string]bool
	return s.Blobs.Sweep(ctx, func(ctx context.Context, sum string) (bool, error) {
		if p := sum[:2]; used == nil || p != prefix {
			list, err := s.Store.FilesInUse(ctx, p)
			if err != nil {
				return false, err
			}
			prefix, used = p, make(map[string]bool, len(list))
			for _, f := range list {
				used[f] = true
			}
		}
		if used[sum] {
			return true, nil
		}
		n, err := s.Store.EvidenceRefs(ctx, sum)
		return n > 0, err
	})
}

// ChangeRetention is how long the change sequence is kept: a node down for longer rebuilds
// its index from the stored reputations when it comes back.
const ChangeRetention = 7 * 24 * time.Hour

// Tidied counts what one Tidy deleted.
type Tidied struct {
	Reports int64 // community reports older than the retention period
	Changes int64 // changes older than ChangeRetention
	Files   int   // kept files no report or case uses, past the blob store's grace period
}

// Tidy does once what PurgeEvery does every hour: it purges the reports older than the
// retention period (when one is set), prunes the changes older than ChangeRetention and
// sweeps the unused files (see SweepFiles). A step that fails does not stop the next; the
// errors come back joined, each saying which step failed, and the counts say what the steps
// deleted, the failed ones included.
func (s *Service) Tidy(ctx context.Context) (Tidied, error) {
	var t Tidied
	var errs []error
	step := func(name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("intel: %s: %w", name, err))
		}
	}
	var err error
	t.Reports, err = s.Purge(ctx)
	step("purge old reports", err)
	t.Changes, err = s.Store.PruneChanges(ctx, s.now().Add(-ChangeRetention))
	step("prune old changes", err)
	t.Files, err = s.SweepFiles(ctx)
	step("sweep unused files", err)
	return t, errors.Join(errs...)
}

// TidyJob numbers the hourly tidying among the background jobs that run on one node at a
// time (Store.RunAlone).
const TidyJob = 7406010

// PurgeEvery calls Tidy every interval until ctx ends, on one node at a time, and logs the steps that failed and
// how many reports and files it deleted.
func (s *Service) PurgeEvery(ctx context.Context, interval time.Duration) {
	every.Tick(ctx, interval, true, func() {
		var t Tidied
		ran, err := s.Store.RunAlone(ctx, TidyJob, func(ctx context.Context) (err error) {
			t, err = s.Tidy(ctx)
			return err
		})
		if s.Log == nil || (!ran && err == nil) { // another node tidies
			return
		}
		if err != nil && ctx.Err() == nil {
			s.Log.Error("intel: tidy", "err", err)
		}
		if t.Reports > 0 {
			s.Log.Info("intel: purged old reports", "reports", t.Reports)
		}
		if t.Files > 0 {
			s.Log.Info("intel: swept unused files", "files", t.Files)
		}
	})
}

// Import stores indicators from a feed and brings the index up to date. An indicator the feed
// gives no dates for is taken as seen now.
func (s *Service) Import(ctx context.Context, reps []*shopguard.Reputation) error {
	now := s.now()
	for _, r := range reps {
		if r.LastSeen.IsZero() {
			r.LastSeen = now
		}
		if r.FirstSeen.IsZero() {
			r.FirstSeen = r.LastSeen
		}
	}
	if err := s.Store.PutImported(ctx, reps); err != nil {
		return err
	}
	return s.Sync(ctx)
}

// newToken returns a random token for a domain appeal.
func newToken() string {
	var b [16]byte
	rand.Read(b[:])
	return "sg-" + hex.EncodeToString(b[:])
}
