package feed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/every"
	"github.com/shopguard/shopguard/internal/lazyre"
)

// Imported feeds are kept in the database (a shopguard.FeedStore), so that the entries
// survive restarts and every node sharing the database loads the same feeds: each node
// follows the feeds' versions (Watch) and reloads the feeds that changed.

var nameRE = lazyre.New(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// CheckName returns an EINVALID error unless name can name a feed: lower-case letters, digits,
// dots, dashes and underscores, at most 64 characters.
func CheckName(name string) error {
	if !nameRE().MatchString(name) {
		return shopguard.Invalid("name", "a feed name is lower-case letters, digits, '.', '-' and '_' (at most 64), got %q", name)
	}
	return nil
}

// Save stores the entries of the feed called name, replacing what it held.
func Save(ctx context.Context, store shopguard.FeedStore, name string, entries []Entry) error {
	_, err := save(ctx, store, &shopguard.Feed{Name: name}, entries)
	return err
}

func save(ctx context.Context, store shopguard.FeedStore, f *shopguard.Feed, entries []Entry) (*shopguard.Feed, error) {
	if err := CheckName(f.Name); err != nil {
		return nil, err
	}
	f.Entries = make([]string, len(entries))
	for i, e := range entries {
		f.Entries[i] = e.Value
	}
	if err := store.SaveFeed(ctx, f); err != nil {
		return nil, fmt.Errorf("feed: save %s: %w", f.Name, err)
	}
	return f, nil
}

// Load loads every saved feed into s.
func Load(ctx context.Context, s *Set, store shopguard.FeedStore) error {
	_, err := syncFeeds(ctx, s, store, nil)
	return err
}

// Watch loads the saved feeds into s, then keeps s in step with the store until ctx ends:
// every interval it reloads the feeds whose version changed (so that a feed imported on any
// node, or by `shopguard import feed`, reaches this one). It returns the error of the first
// load; later errors go to report, which may be nil, and s keeps what it had.
func Watch(ctx context.Context, s *Set, store shopguard.FeedStore, interval time.Duration, report func(error)) error {
	seen, err := syncFeeds(ctx, s, store, nil)
	if err != nil {
		return err
	}
	go every.Tick(ctx, interval, false, func() {
		next, err := syncFeeds(ctx, s, store, seen)
		if err != nil {
			if report != nil && ctx.Err() == nil {
				report(err)
			}
			return
		}
		seen = next
	})
	return nil
}

// syncFeeds loads into s the saved feeds whose version differs from seen (all of them when seen
// is nil), drops those of seen no longer saved, and returns the versions it loaded.
func syncFeeds(ctx context.Context, s *Set, store shopguard.FeedStore, seen map[string]int64) (map[string]int64, error) {
	versions, err := store.FeedVersions(ctx)
	if err != nil {
		return seen, fmt.Errorf("feed: load: %w", err)
	}
	now := make(map[string]int64, len(versions))
	for name, v := range versions {
		if old, ok := seen[name]; ok && old == v {
			now[name] = v
			continue
		}
		f, err := store.Feed(ctx, name)
		if err != nil {
			return seen, fmt.Errorf("feed: load %s: %w", name, err)
		}
		s.Replace(name, entries(f.Entries), f.Updated)
		now[name] = f.Version
	}
	for name := range seen {
		if _, ok := now[name]; !ok {
			s.Remove(name)
		}
	}
	return now, nil
}

// entries turns stored values back into entries; a value that is no longer one is left out.
func entries(values []string) []Entry {
	out := make([]Entry, 0, len(values))
	for _, v := range values {
		if e, ok := entry(v); ok {
			out = append(out, e)
		}
	}
	return out
}

// ImportDir saves into store the feeds that shopguard kept on disk before they moved into the
// database (dir/NAME.txt, in the list format) and that the store does not hold yet; it
// returns their names. A missing directory holds none.
func ImportDir(ctx context.Context, store shopguard.FeedStore, dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		return nil, err
	}
	have, err := store.FeedVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("feed: import %s: %w", dir, err)
	}
	var done []string
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		if _, ok := have[name]; ok || CheckName(name) != nil {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			return done, fmt.Errorf("feed: import %s: %w", path, err)
		}
		es, _, err := Parse(f, Options{Format: FormatList})
		f.Close()
		if err != nil {
			return done, fmt.Errorf("feed: import %s: %w", path, err)
		}
		if err := Save(ctx, store, name, es); err != nil {
			return done, err
		}
		done = append(done, name)
	}
	return done, nil
}
