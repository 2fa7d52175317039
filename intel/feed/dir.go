package feed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/every"
)

// A feed directory keeps each imported feed as NAME.txt, one listed domain or URL a line (the
// list format), so that the entries survive restarts and every process sharing the data
// directory loads the same feeds.

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// CheckName returns an EINVALID error unless name can name a feed: lower-case letters, digits,
// dots, dashes and underscores, at most 64 characters.
func CheckName(name string) error {
	if !nameRE.MatchString(name) {
		return shopguard.Invalid("name", "a feed name is lower-case letters, digits, '.', '-' and '_' (at most 64), got %q", name)
	}
	return nil
}

// Save writes the entries of the feed called name into dir, replacing what it held, by
// writing a new file and renaming it so that a reader never sees half a feed.
func Save(dir, name string, entries []Entry) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("feed: save %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return fmt.Errorf("feed: save %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	fmt.Fprintf(w, "# feed %s, %d entries, imported %s\n", name, len(entries), time.Now().UTC().Format(time.RFC3339))
	for _, e := range entries {
		w.WriteString(strings.NewReplacer("\n", "", "\r", "").Replace(e.Value))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("feed: save %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("feed: save %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("feed: save %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name+".txt")); err != nil {
		return fmt.Errorf("feed: save %s: %w", name, err)
	}
	return nil
}

// LoadDir loads every feed saved in dir into s. A missing directory holds no feeds.
func LoadDir(s *Set, dir string) error {
	_, err := syncDir(s, dir, nil)
	return err
}

// WatchDir loads the feeds of dir into s, then keeps s in step with dir until ctx ends:
// every interval it loads the feeds whose files changed (so that `shopguard import feed`
// reaches a running server) and drops those whose files are gone. It returns the error of
// the first load; later errors go to report, which may be nil, and s keeps what it had.
func WatchDir(ctx context.Context, s *Set, dir string, interval time.Duration, report func(error)) error {
	seen, err := syncDir(s, dir, nil)
	if err != nil {
		return err
	}
	go every.Tick(ctx, interval, false, func() {
		next, err := syncDir(s, dir, seen)
		if err != nil {
			if report != nil {
				report(err)
			}
			return
		}
		seen = next
	})
	return nil
}

// syncDir loads into s the feeds of dir whose modification time differs from seen (all of
// them when seen is nil), drops the feeds of seen whose files are gone, and returns the
// times it saw.
func syncDir(s *Set, dir string, seen map[string]time.Time) (map[string]time.Time, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return seen, fmt.Errorf("feed: load %s: %w", dir, err)
	}
	now := map[string]time.Time{}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		if CheckName(name) != nil {
			continue
		}
		st, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return seen, fmt.Errorf("feed: load %s: %w", name, err)
		}
		now[name] = st.ModTime()
		if t, ok := seen[name]; ok && t.Equal(st.ModTime()) {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			return seen, fmt.Errorf("feed: load %s: %w", name, err)
		}
		entries, _, err := Parse(f, Options{Format: FormatList})
		f.Close()
		if err != nil {
			return seen, fmt.Errorf("feed: load %s: %w", name, err)
		}
		s.Replace(name, entries, st.ModTime())
	}
	for name := range seen {
		if _, ok := now[name]; !ok {
			s.Remove(name)
		}
	}
	return now, nil
}
