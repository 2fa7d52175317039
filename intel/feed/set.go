package feed

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopguard/shopguard/detect/link"
)

// Set holds the entries of every loaded feed and answers the link check's lookups. Lookups
// read an immutable snapshot without locks; Replace builds a new one. It is safe for
// concurrent use.
type Set struct {
	mu    sync.Mutex // serialises writers
	feeds map[string]feedData
	snap  atomic.Pointer[map[string][]link.Hit]
}

type feedData struct {
	entries []Entry
	updated time.Time
}

// Info describes a loaded feed.
type Info struct {
	Name    string    `json:"name"`
	Entries int       `json:"entries"`
	Updated time.Time `json:"updated"`
}

// NewSet returns an empty Set.
func NewSet() *Set {
	s := &Set{feeds: map[string]feedData{}}
	empty := map[string][]link.Hit{}
	s.snap.Store(&empty)
	return s
}

// Replace sets the entries of the feed called name, replacing what it held.
func (s *Set) Replace(name string, entries []Entry, updated time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feeds[name] = feedData{entries: entries, updated: updated}
	s.rebuild()
}

// Remove drops the feed called name.
func (s *Set) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.feeds, name)
	s.rebuild()
}

// rebuild makes a new snapshot from the feeds; s.mu is held.
func (s *Set) rebuild() {
	names := make([]string, 0, len(s.feeds))
	for n := range s.feeds {
		names = append(names, n)
	}
	sort.Strings(names)
	m := map[string][]link.Hit{}
	for _, n := range names {
		for _, e := range s.feeds[n].entries {
			hits := m[e.Host]
			dup := false
			for i, h := range hits {
				if h.Source == n {
					// One hit per feed and host; a whole-domain listing wins over a URL.
					if e.Domain && !h.Exact {
						hits[i] = link.Hit{Source: n, Entry: e.Value, Exact: true}
					}
					dup = true
				}
			}
			if !dup {
				m[e.Host] = append(hits, link.Hit{Source: n, Entry: e.Value, Exact: e.Domain})
			}
		}
	}
	s.snap.Store(&m)
}

// LookupDomain returns the hits on exactly this host name, one per feed. The slice is
// shared: callers must not change it.
func (s *Set) LookupDomain(domain string) []link.Hit {
	return (*s.snap.Load())[strings.TrimSuffix(domain, ".")]
}

// Feeds describes the loaded feeds, by name.
func (s *Set) Feeds() []Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Info, 0, len(s.feeds))
	for n, f := range s.feeds {
		out = append(out, Info{Name: n, Entries: len(f.entries), Updated: f.updated})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
