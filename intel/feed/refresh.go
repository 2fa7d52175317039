package feed

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/every"
)

// MaxDownload bounds the size of a downloaded feed.
const MaxDownload = 512 << 20

// Source is a feed fetched from a URL.
type Source struct {
	Name    string
	URL     string
	Options Options
	Every   time.Duration // how often Follow refreshes it
}

// Refresher fetches feeds into a Set.
type Refresher struct {
	Set    *Set
	Client *http.Client // nil means http.DefaultClient
	mu     sync.Mutex
	// etags remembers validators per feed so that an unchanged feed is not downloaded again.
	etags map[string][2]string
}

func (r *Refresher) validators(name string) ([2]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.etags[name]
	return v, ok
}

func (r *Refresher) remember(name string, v [2]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.etags == nil {
		r.etags = map[string][2]string{}
	}
	r.etags[name] = v
}

// Refresh fetches src once and replaces its entries in the Set. It returns the stats of the
// parse, or changed=false when the server says the feed has not changed.
func (r *Refresher) Refresh(ctx context.Context, src Source) (st Stats, changed bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return st, false, shopguard.Invalid("url", "feed %s: %v", src.Name, err)
	}
	if v, ok := r.validators(src.Name); ok {
		if v[0] != "" {
			req.Header.Set("If-None-Match", v[0])
		}
		if v[1] != "" {
			req.Header.Set("If-Modified-Since", v[1])
		}
	}
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return st, false, fmt.Errorf("feed: fetch %s: %w", src.Name, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return st, false, nil
	case resp.StatusCode != http.StatusOK:
		return st, false, fmt.Errorf("feed: fetch %s: %s", src.Name, resp.Status)
	}
	body := io.LimitReader(resp.Body, MaxDownload+1)
	cr := &countReader{r: body}
	entries, st, err := Parse(cr, src.Options)
	if err != nil {
		return st, false, fmt.Errorf("feed: fetch %s: %w", src.Name, err)
	}
	if cr.n > MaxDownload {
		return st, false, fmt.Errorf("feed: fetch %s: larger than %d bytes", src.Name, MaxDownload)
	}
	r.Set.Replace(src.Name, entries, time.Now())
	r.remember(src.Name, [2]string{resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")})
	return st, true, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Follow refreshes src at once and then every src.Every until ctx ends, reporting each
// outcome to report (which may be nil). A failed refresh keeps the entries it had.
func (r *Refresher) Follow(ctx context.Context, src Source, report func(Stats, bool, error)) {
	interval := src.Every
	if interval <= 0 {
		interval = time.Hour
	}
	every.Tick(ctx, interval, true, func() {
		st, changed, err := r.Refresh(ctx, src)
		if report != nil {
			report(st, changed, err)
		}
	})
}
