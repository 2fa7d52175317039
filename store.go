package shopguard

import (
	"context"
	"time"
)

// Store is everything shopguard keeps, on one database engine. The sqlstore package
// implements it for SQLite and PostgreSQL; storetest checks both behave the same.
type Store interface {
	UserStore
	CaseStore
	ReportStore
	AppealStore
	ReputationStore
	PriceStore
	FeedStore
	RateStore
	// Listens reports whether ListenChanges tells of changes to the change sequence as they
	// commit (PostgreSQL's LISTEN/NOTIFY); ListenChanges calls wake each time the sequence
	// may have grown, and after every reconnection, until ctx ends.
	Listens() bool
	ListenChanges(ctx context.Context, wake func())
	// RunAlone runs the background job fn unless another node sharing the database is
	// running the job of the same number, reporting whether it ran.
	RunAlone(ctx context.Context, job int64, fn func(context.Context) error) (bool, error)
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close closes the database; in-flight calls finish first.
	Close() error
}

// RateStore shares what rate limits counted between the nodes serving from one database, so
// that a limit per account holds however the account's requests are spread over the nodes.
type RateStore interface {
	// ShareRates adds used (what each client took on this node since the previous call) to
	// the node's running totals, forgets totals no node has touched since expired (nothing
	// when expired is the zero time), and returns the other nodes' running totals touched
	// since `since`. With nothing used and no expiry it only reads.
	ShareRates(ctx context.Context, node string, used map[string]int64, since, expired time.Time) ([]RateUsage, error)
}

// RateUsage is one node's running total of what one client took from a rate limit.
type RateUsage struct {
	Node, Client string
	Used         int64
}
