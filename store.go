package shopguard

import "context"

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
