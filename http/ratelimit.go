package http

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/shopguard/shopguard"
)

// limiter keeps one token bucket per client: per IP for anonymous callers, per account for
// the others. Buckets unused for a while are swept.
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter() *limiter { return &limiter{buckets: map[string]*bucket{}, swept: time.Now()} }

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
		b = &bucket{lim: rate.NewLimiter(rate.Limit(perSec), burst)}
		l.buckets[client] = b
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
	return 0
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
	client, perSec := "ip:"+st.clientIP, s.Config.RateAnon
	if st.principal.User != nil {
		client, perSec = "user:"+strconv.FormatInt(st.principal.User.ID, 10), s.Config.RateKey
	}
	if perSec <= 0 {
		return true
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
