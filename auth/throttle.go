package auth

import (
	"strings"
	"sync"
	"time"
)

// Throttle slows down password guessing. It counts failed sign-ins per account and address
// pair and per address, and after a free allowance makes each further attempt wait twice as
// long as the one before (1 s up to 15 min). Attempts are checked before any hashing, so a
// throttled one costs nothing.
//
// A lockout must not become a way to lock the owner out: failures from one address slow only
// that address. When an account collects many failures from many addresses (a distributed
// guess), every address that has not signed in to it before gets a delay from its first
// failure on, while the addresses its owner signed in from keep their allowance.
//
// Counts live in memory, one node each, and are forgotten after an hour of quiet.
type Throttle struct {
	mu       sync.Mutex
	pairs    map[string]*strikes // account + "\x00" + address
	addrs    map[string]*strikes
	accounts map[string]*strikes
	known    map[string]time.Time // pairs that signed in
	swept    time.Time
}

type strikes struct {
	n     int
	last  time.Time
	until time.Time // no attempt before
}

// Throttle allowances and delays.
const (
	pairFree    = 5  // failures of one address on one account before delays start
	addrFree    = 30 // failures of one address over all accounts before delays start
	accountHot  = 50 // failures on one account (all addresses) that make it hot
	firstDelay  = time.Second
	maxDelay    = 15 * time.Minute
	forgetAfter = time.Hour
	maxEntries  = 200_000 // per map; past it the oldest state is dropped at the next sweep
)

// NewThrottle returns an empty throttle.
func NewThrottle() *Throttle {
	return &Throttle{pairs: map[string]*strikes{}, addrs: map[string]*strikes{}, accounts: map[string]*strikes{}, known: map[string]time.Time{}}
}

func pairKey(account, addr string) string { return strings.ToLower(account) + "\x00" + addr }

// Wait returns how long a sign-in to account from addr must wait; 0 when it may go now.
func (t *Throttle) Wait(account, addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	var wait time.Duration
	for _, s := range []*strikes{t.pairs[pairKey(account, addr)], t.addrs[addr]} {
		if s != nil && s.until.After(now) {
			wait = max(wait, s.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed sign-in and sets the delay before the next one.
func (t *Throttle) Fail(account, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := pairKey(account, addr)
	acc := bump(t.accounts, strings.ToLower(account), now)
	free := pairFree
	if _, ok := t.known[key]; acc.n >= accountHot && !ok {
		free = 1
	}
	p := bump(t.pairs, key, now)
	p.until = now.Add(delay(p.n, free))
	a := bump(t.addrs, addr, now)
	a.until = now.Add(delay(a.n, addrFree))
}

// Succeed records a sign-in: the pair's failures are forgiven and the address is known to the
// account from now on.
func (t *Throttle) Succeed(account, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := pairKey(account, addr)
	delete(t.pairs, key)
	t.known[key] = now
}

func bump(m map[string]*strikes, key string, now time.Time) *strikes {
	s := m[key]
	if s == nil {
		s = &strikes{}
		m[key] = s
	}
	s.n++
	s.last = now
	return s
}

// delay is the wait after the n-th failure when free failures go without one.
func delay(n, free int) time.Duration {
	if n < free {
		return 0
	}
	return min(firstDelay<<min(n-free, 20), maxDelay)
}

// sweep forgets what has been quiet for an hour, once a minute; a map grown past maxEntries
// is emptied (its oldest state cannot be told apart cheaply, and the per-address counts still
// slow the one flooding it).
func (t *Throttle) sweep(now time.Time) {
	if now.Sub(t.swept) < time.Minute {
		return
	}
	t.swept = now
	for _, m := range []map[string]*strikes{t.pairs, t.addrs, t.accounts} {
		for k, s := range m {
			if now.Sub(s.last) > forgetAfter && !s.until.After(now) {
				delete(m, k)
			}
		}
		if len(m) > maxEntries {
			clear(m)
		}
	}
	for k, at := range t.known {
		if now.Sub(at) > 30*24*time.Hour || len(t.known) > maxEntries {
			delete(t.known, k)
		}
	}
}
