package shopguard

import (
	"context"
	"time"
)

// Feed is an imported threat feed as stored: its entries and the state of refreshing it from
// its URL.
type Feed struct {
	Name string
	// Entries are the listed domains and URLs, one each, as the feed list format writes them.
	Entries []string
	// Updated is when the entries were last replaced.
	Updated time.Time
	// Version grows with every save of the feed: a node reloads a feed whose version changed.
	Version int64
	// ETag and LastModified are the validators of the download the entries came from, so that
	// the next refresh downloads an unchanged feed no more.
	ETag, LastModified string
}

// FeedStore keeps the imported threat feeds, so that every node of a deployment loads the
// same ones.
type FeedStore interface {
	// SaveFeed replaces the entries and validators of the feed f.Name (making it if need be)
	// and sets f.Updated and f.Version.
	SaveFeed(ctx context.Context, f *Feed) error
	// Feed returns the feed called name. ENOTFOUND if none was saved.
	Feed(ctx context.Context, name string) (*Feed, error)
	// FeedVersions returns the version of every saved feed, by name.
	FeedVersions(ctx context.Context) (map[string]int64, error)
	// ClaimFeedRefresh reports whether the caller is the one to refresh the feed called name
	// from its URL now: true for at most one caller, across every node, until every has passed
	// since the last claim. With it come the validators of the feed's last download.
	ClaimFeedRefresh(ctx context.Context, name string, every time.Duration) (claimed bool, etag, lastModified string, err error)
}
