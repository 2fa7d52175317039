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
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close closes the database; in-flight calls finish first.
	Close() error
}
