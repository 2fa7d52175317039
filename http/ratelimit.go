package http

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/every"
)

// limiter keeps one token bucket per client: per IP for anonymous callers, per account for
// the others. Buckets unused for a while are swept. When the nodes serving from one database
// share their limits (share), what accounts take is counted, and what they took on the other
// nodes is taken from their buckets here too (absorb).
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
	// name tells this limiter's clients from another's in the store ("req", "disk").
	name string
	// shared turns on counting what accounts take, in used, for share.
	shared bool
	used   map[string]int64
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
	// debt is what the client took on other nodes before this node made its bucket, as of
	// debtAt.
	debt   int64
	debtAt time.Time
}

func newLimiter(name string) *limiter {
	return &limiter{buckets: map[string]*bucket{}, swept: time.Now(), name: name, used: map[string]int64{}}
}

// share turns on counting what accounts take, for shareRates.
func (l *limiter) share() {
	l.mu.Lock()
	l.shared = true
	l.mu.Unlock()
}

// take takes one token from the client's bucket (perSec a second, bursts of three seconds'
// worth) and returns how long to wait when there is none.
func (l *limiter) take(client string, perSec float64, now time.Time) time.Duration {
	return l.takeN(client, 1, perSec, int(math.Ceil(3*perSec)), now)
}

// takeN takes n tokens from the client's bucket, which refills perSec a second up to burst,
// and returns how long to wait when there are not enough; n over burst waits the time the
// bucket takes to fill.
func (l *limiter) takeN(client string, n int, perSec float64, burst int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[client]
	if b == nil {
		b = &bucket{}
		l.buckets[client] = b
	}
	if b.lim == nil {
		b.lim = rate.NewLimiter(rate.Limit(perSec), burst)
		if b.debt > 0 {
			drain(b.lim, b.debt, b.debtAt)
			b.debt = 0
		}
	}
	b.seen = now
	if n > burst {
		return time.Duration(float64(burst) / perSec * float64(time.Second))
	}
	res := b.lim.ReserveN(now, n)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	if l.shared && strings.HasPrefix(client, "user:") {
		l.used[client] += int64(n)
	}
	return 0
}

// drain takes n tokens from lim at t whether it has them or not, leaving it in debt.
func drain(lim *rate.Limiter, n int64, t time.Time) {
	for step := int64(max(lim.Burst(), 1)); n > 0; n -= step {
		lim.ReserveN(t, int(min(n, step)))
	}
}

// takeUsed returns what accounts took since the previous call, keyed by the limiter's name
// and the client.
func (l *limiter) takeUsed() map[string]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int64, len(l.used))
	for c, n := range l.used {
		out[l.name+":"+c] = n
	}
	clear(l.used)
	return out
}

// absorb takes from the client's bucket what it took on other nodes (n at now).
func (l *limiter) absorb(client string, n int64, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[client]
	if b == nil {
		b = &bucket{seen: now}
		l.buckets[client] = b
	}
	if b.lim != nil {
		drain(b.lim, n, now)
		return
	}
	b.debt += n
	b.debtAt = now
}

// rateShare is what a node remembers of the limits it shares: the other nodes' running
// totals as last read (keyed by node and client) and when each last grew, when it last read
// them and when it last forgot old totals.
type rateShare struct {
	node        string
	seen        map[[2]string]seenTotal
	read, swept time.Time
}

type seenTotal struct {
	used int64
	at   time.Time
}

// shareRates shares what the limits counted with the other nodes every interval until ctx
// ends. A failure is logged and the next round tries again; meanwhile each node holds its
// own limits.
func (s *Server) shareRates(ctx context.Context, interval time.Duration) {
	every.Tick(ctx, interval, false, func() {
		if err := s.shareRatesOnce(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.Logger.Warn("http: share rate limits", "err", err)
		}
	})
}

// rateKeep is how long a running total no node touched is kept: longer than any bucket takes
// to fill again.
const rateKeep = 10 * time.Minute

// shareRatesOnce writes what this node's limits counted since the last round and takes from
// its buckets what the other nodes' totals grew by.
func (s *Server) shareRatesOnce(ctx context.Context, now time.Time) error {
	used := s.limits.takeUsed()
	maps.Copy(used, s.disk.takeUsed())
	// A total touched a moment before the previous read may have committed after it: read
	// back a little further than that.
	since := s.rates.read.Add(-5 * time.Second)
	// Old totals are forgotten once a minute, so that a round in which this node counted
	// nothing only reads (four rounds a second on every node).
	sweep := now.Sub(s.rates.swept) > time.Minute
	var expired time.Time
	if sweep {
		expired = now.Add(-rateKeep)
	}
	others, err := s.Store.ShareRates(ctx, s.rates.node, used, since, expired)
	if err != nil {
		return fmt.Errorf("http: share rate limits: %w", err)
	}
	first := s.rates.read.IsZero()
	s.rates.read = now
	for _, u := range others {
		k := [2]string{u.Node, u.Client}
		grew := u.Used - s.rates.seen[k].used
		if grew < 0 { // the total was forgotten and began again
			grew = u.Used
		}
		s.rates.seen[k] = seenTotal{u.Used, now}
		name, client, _ := strings.Cut(u.Client, ":")
		switch {
		case first || grew == 0:
			// what the totals held before this node started is history it need not repay
		case name == s.limits.name:
			s.limits.absorb(client, grew, now)
		case name == s.disk.name:
			s.disk.absorb(client, grew, now)
		}
	}
	if sweep {
		for k, v := range s.rates.seen {
			if now.Sub(v.at) > rateKeep {
				delete(s.rates.seen, k)
			}
		}
		s.rates.swept = now
	}
	return nil
}

// allow applies the rate limit to a request, answering 429 with Retry-After when the client
// is over it. Health checks, metrics and static files are not limited.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/static/") {
		return true
	}
	st := stateOf(r)
	// One bucket per account, whichever of its keys or sessions the request came with: minting
	// more keys buys no more requests.
	perSec := s.Config.RateAnon
	if st.principal.User != nil {
		perSec = s.Config.RateKey
	}
	if perSec <= 0 {
		return true
	}
	client := "ip:" + st.clientIP
	if st.principal.User != nil {
		client = "user:" + strconv.FormatInt(st.principal.User.ID, 10)
	}
	if wait := s.limits.take(client, perSec, time.Now()); wait > 0 {
		e := shopguard.Errorf(shopguard.ERATELIMIT, "too many requests: try again in %d s", int(math.Ceil(wait.Seconds())))
		e.RetryAfter = wait
		s.error(w, r, e)
		return false
	}
	return true
}

// clientOf names the client a budget is kept for: the account when signed in, else the
// address.
func clientOf(r *http.Request) string {
	st := stateOf(r)
	if st.principal.User != nil {
		return "user:" + strconv.FormatInt(st.principal.User.ID, 10)
	}
	return "ip:" + st.clientIP
}

// takeDisk counts n bytes of unmoderated uploads against the client's disk quota
// (Config.DiskQuota an hour, refilled steadily): ERATELIMIT with RetryAfter when over it.
func (s *Server) takeDisk(r *http.Request, n int64) error {
	q := s.Config.DiskQuota
	if q <= 0 {
		return nil
	}
	// counted in KiB so that a bucket's size fits an int anywhere
	kib, quota := int((n+1023)>>10), int(max(q>>10, 1))
	if wait := s.disk.takeN(clientOf(r), kib, float64(quota)/3600, quota, time.Now()); wait > 0 {
		e := shopguard.Errorf(shopguard.ERATELIMIT, "you uploaded as much as one client may in an hour: try again in %d min", int(math.Ceil(wait.Minutes())))
		e.RetryAfter = wait
		return e
	}
	return nil
}
