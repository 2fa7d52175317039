package feed

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

// Refresher fetches feeds into a Set and saves them in a store, from which every other node
// loads them (see Watch). Of the nodes refreshing a feed, one fetches it each interval: the
// one whose claim in the store wins (shopguard.FeedStore.ClaimFeedRefresh).
type Refresher struct {
	Set    *Set
	Store  shopguard.FeedStore
	Client *http.Client // nil means http.DefaultClient
}

// Refresh fetches src once, unless another node claimed it within the last nine tenths of
// src.Every, and replaces its entries in the Set and the store. It returns the stats of the
// parse, or changed=false when another node has the claim or the server says the feed has
// not changed (the validators of the last download are kept in the store).
func (r *Refresher) Refresh(ctx context.Context, src Source) (st Stats, changed bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return st, false, shopguard.Invalid("url", "feed %s: %v", src.Name, err)
	}
	claimed, etag, lastModified, err := r.Store.ClaimFeedRefresh(ctx, src.Name, src.Every*9/10)
	if err != nil || !claimed {
		return st, false, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
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
	f, err := save(ctx, r.Store, &shopguard.Feed{Name: src.Name, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, entries)
	if err != nil {
		return st, false, err
	}
	r.Set.Replace(src.Name, entries, f.Updated)
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
