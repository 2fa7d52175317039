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

// take takes one token from the client's bucket and returns how long to wait when there is
// none.
func (l *limiter) take(client string, perSec float64, now time.Time) time.Duration {
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
		b = &bucket{lim: rate.NewLimiter(rate.Limit(perSec), int(math.Ceil(3*perSec)))}
		l.buckets[client] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
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
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		s.error(w, r, shopguard.Errorf(shopguard.ERATELIMIT, "too many requests: try again in %d s", int(math.Ceil(wait.Seconds()))))
		return false
	}
	return true
}
