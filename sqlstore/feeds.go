package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// SaveFeed implements shopguard.FeedStore.
func (db *DB) SaveFeed(ctx context.Context, f *shopguard.Feed) error {
	f.Updated = now()
	var b strings.Builder
	for _, e := range f.Entries {
		b.WriteString(strings.NewReplacer("\n", "", "\r", "").Replace(e))
		b.WriteByte('\n')
	}
	err := db.Write.QueryRowContext(ctx, `
		INSERT INTO feeds (name, entries, entry_count, updated, version, etag, last_modified)
		VALUES ($1, $2, $3, $4, 1, $5, $6)
		ON CONFLICT (name) DO UPDATE SET entries = excluded.entries, entry_count = excluded.entry_count,
			updated = excluded.updated, version = feeds.version + 1, etag = excluded.etag,
			last_modified = excluded.last_modified
		RETURNING version`,
		f.Name, b.String(), len(f.Entries), toDB(f.Updated), f.ETag, f.LastModified).Scan(&f.Version)
	return db.wrap("save feed", "feed "+f.Name, err)
}

// Feed implements shopguard.FeedStore.
func (db *DB) Feed(ctx context.Context, name string) (*shopguard.Feed, error) {
	f := &shopguard.Feed{Name: name}
	var entries string
	var updated int64
	err := db.Read.QueryRowContext(ctx, `SELECT entries, updated, version, etag, last_modified FROM feeds WHERE name = $1 AND version > 0`, name).
		Scan(&entries, &updated, &f.Version, &f.ETag, &f.LastModified)
	if err != nil {
		return nil, db.wrap("feed", "feed "+name, err)
	}
	f.Updated = fromDB(updated)
	f.Entries = strings.Split(strings.TrimSuffix(entries, "\n"), "\n")
	if entries == "" {
		f.Entries = nil
	}
	return f, nil
}

// FeedVersions implements shopguard.FeedStore.
func (db *DB) FeedVersions(ctx context.Context) (map[string]int64, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT name, version FROM feeds WHERE version > 0`)
	if err != nil {
		return nil, db.wrap("feed versions", "feeds", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return nil, db.wrap("feed versions", "feeds", err)
		}
		out[name] = v
	}
	return out, db.wrap("feed versions", "feeds", rows.Err())
}

// ClaimFeedRefresh implements shopguard.FeedStore: one statement sets the claim only where
// the last one is older than every, so two nodes never both win.
func (db *DB) ClaimFeedRefresh(ctx context.Context, name string, every time.Duration) (bool, string, string, error) {
	t := now()
	var etag, lastModified string
	err := db.Write.QueryRowContext(ctx, `
		INSERT INTO feeds (name, claimed) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET claimed = excluded.claimed WHERE feeds.claimed <= $3
		RETURNING etag, last_modified`,
		name, toDB(t), toDB(t.Add(-every))).Scan(&etag, &lastModified)
	if err != nil {
		if err = db.wrap("claim feed refresh", "claim", err); shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
			return false, "", "", nil
		}
		return false, "", "", err
	}
	return true, etag, lastModified, nil
}
