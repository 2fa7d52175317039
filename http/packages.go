package http

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopguard/shopguard"
)

// packageCache keeps the evidence packages built lately, on disk, so that downloading an
// unchanged case again streams the file already built instead of building it anew (its PDFs
// take far longer than the request). A package is known by what it is made of (see
// packageKey); a change to the case, a new file or a new day makes another.
type packageCache struct {
	mu      sync.Mutex
	dir     string // made on first use, removed by close
	entries map[string]*packageEntry
	bytes   int64
	// builds counts the packages built, for the tests.
	builds atomic.Int64
}

// packageEntry is a package kept in the cache.
type packageEntry struct {
	path   string
	caseID string
	size   int64
	built  time.Time
}

// The cache's bounds: packages hold victims' files, so they are kept briefly and few.
const (
	packageCacheTTL     = time.Hour
	packageCacheEntries = 32
	packageCacheBytes   = 1 << 30
)

// packageKey names the package of case c with its evidence log on day: the case as stored,
// the number of files and the head of their chain, and the day (the plan and the documents'
// dates depend on it).
func packageKey(c *shopguard.Case, ev []*shopguard.EvidenceEntry, now time.Time) string {
	h := sha256.New()
	json.NewEncoder(h).Encode(c)
	head := ""
	if len(ev) > 0 {
		head = ev[len(ev)-1].Hash
	}
	fmt.Fprintf(h, "%d\x00%s\x00%s", len(ev), head, now.UTC().Format(time.DateOnly))
	return hex.EncodeToString(h.Sum(nil))
}

// open returns the kept package for key, opened, and its size; ok is false when there is none.
func (pc *packageCache) open(key string, now time.Time) (f *os.File, size int64, ok bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.expire(now)
	e := pc.entries[key]
	if e == nil {
		return nil, 0, false
	}
	f, err := os.Open(e.path)
	if err != nil {
		pc.drop(key)
		return nil, 0, false
	}
	return f, e.size, true
}

// tempFile makes a file in the cache's directory for a package to be built into.
func (pc *packageCache) tempFile() (*os.File, error) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.dir == "" {
		dir, err := os.MkdirTemp("", "shopguard-packages-*")
		if err != nil {
			return nil, fmt.Errorf("http: package cache: %w", err)
		}
		pc.dir, pc.entries = dir, map[string]*packageEntry{}
	}
	f, err := os.CreateTemp(pc.dir, "build-*.zip")
	if err != nil {
		return nil, fmt.Errorf("http: package cache: %w", err)
	}
	return f, nil
}

// keep adds the package built at path (of size bytes) for key, making room by dropping the
// oldest packages. It reports whether it kept it; the caller removes a file it did not keep.
func (pc *packageCache) keep(key, caseID, path string, size int64, now time.Time) bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.expire(now)
	if pc.entries == nil || pc.entries[key] != nil || size > packageCacheBytes/4 {
		return false
	}
	for len(pc.entries) >= packageCacheEntries || pc.bytes+size > packageCacheBytes {
		oldest := ""
		for k, e := range pc.entries {
			if oldest == "" || e.built.Before(pc.entries[oldest].built) {
				oldest = k
			}
		}
		pc.drop(oldest)
	}
	pc.entries[key] = &packageEntry{path: path, caseID: caseID, size: size, built: now}
	pc.bytes += size
	return true
}

// forget drops every package of a case (deleted: its files must not outlive it).
func (pc *packageCache) forget(caseID string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for k, e := range pc.entries {
		if e.caseID == caseID {
			pc.drop(k)
		}
	}
}

// expire drops the packages older than packageCacheTTL. The caller holds mu.
func (pc *packageCache) expire(now time.Time) {
	for k, e := range pc.entries {
		if now.Sub(e.built) > packageCacheTTL {
			pc.drop(k)
		}
	}
}

// drop removes a package from the cache and the disk (a download streaming it keeps reading
// its open file). The caller holds mu.
func (pc *packageCache) drop(key string) {
	if e := pc.entries[key]; e != nil {
		os.Remove(e.path)
		pc.bytes -= e.size
		delete(pc.entries, key)
	}
}

// close removes every kept package.
func (pc *packageCache) close() error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.dir == "" {
		return nil
	}
	err := os.RemoveAll(pc.dir)
	pc.dir, pc.entries, pc.bytes = "", nil, 0
	if err != nil {
		return fmt.Errorf("http: package cache: %w", err)
	}
	return nil
}
