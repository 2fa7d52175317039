package fetch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ageCache keeps the registration dates learnt by RDAP for a while, a bounded number of them.
type ageCache struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	entries map[string]ageEntry
}

type ageEntry struct {
	registered time.Time
	at         time.Time
}

func newAgeCache(max int, ttl time.Duration) *ageCache {
	return &ageCache{max: max, ttl: ttl, entries: map[string]ageEntry{}}
}

func (c *ageCache) get(domain string, now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[domain]
	if !ok || now.Sub(e.at) > c.ttl {
		return time.Time{}, false
	}
	return e.registered, true
}

func (c *ageCache) put(domain string, reg, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if now.Sub(e.at) > c.ttl {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[domain] = ageEntry{registered: reg, at: now}
}

// rdapDomain is the part of an RDAP domain answer (RFC 9083) that says when it was registered.
type rdapDomain struct {
	Events []struct {
		Action string `json:"eventAction"`
		Date   string `json:"eventDate"`
	} `json:"events"`
}

// registered asks RDAP when domain (a registrable domain) was registered; answers are cached.
func (f *Fetcher) registered(ctx context.Context, domain string) (time.Time, error) {
	now := time.Now()
	if t, ok := f.ages.get(domain, now); ok {
		return t, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(f.opts.RDAP, "/")+"/domain/"+domain, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("rdap %s: %w", domain, err)
	}
	req.Header.Set("Accept", "application/rdap+json")
	req.Header.Set("User-Agent", f.opts.UserAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("rdap %s: %w", domain, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return time.Time{}, fmt.Errorf("rdap %s: status %s", domain, resp.Status)
	}
	var d rdapDomain
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d); err != nil {
		return time.Time{}, fmt.Errorf("rdap %s: %w", domain, err)
	}
	for _, e := range d.Events {
		if e.Action != "registration" {
			continue
		}
		t, err := time.Parse(time.RFC3339, e.Date)
		if err != nil {
			return time.Time{}, fmt.Errorf("rdap %s: registration date %q: %w", domain, e.Date, err)
		}
		f.ages.put(domain, t, now)
		return t, nil
	}
	return time.Time{}, fmt.Errorf("rdap %s: no registration date", domain)
}
