// Package budget bounds expensive work: a Gate lets a fixed number of jobs run at once, a
// Pool lets jobs share an amount (of memory, say), and both turn callers away, with a time to
// come back, when nothing frees up soon enough.
package budget

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/shopguard/shopguard"
)

// Gate admits at most a fixed number of jobs at once. The zero value is not usable: make one
// with NewGate.
type Gate struct {
	what  string
	slots chan struct{}
	wait  time.Duration
}

// NewGate returns a gate for n jobs at once (at least one) of the kind named by what (for
// the error message); a caller waits at most wait for a slot.
func NewGate(what string, n int, wait time.Duration) *Gate {
	return &Gate{what: what, slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Enter takes a slot and returns the function that gives it back. When every slot stays
// taken for the gate's wait it returns an EUNAVAILABLE error whose RetryAfter says when to
// try again; when ctx ends first, ctx's error.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-t.C:
		e := shopguard.Errorf(shopguard.EUNAVAILABLE, "too busy %s: try again in a few seconds", g.what)
		e.RetryAfter = max(g.wait, time.Second)
		return nil, e
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *Gate) leave() { <-g.slots }

// Busy reports how many slots are taken.
func (g *Gate) Busy() int { return len(g.slots) }

// Reader returns a reader of r that fails with ctx's error once ctx has ended, so that a
// copy stops when the request it serves goes away.
func Reader(ctx context.Context, r io.Reader) io.Reader { return &ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Pool is an amount, such as the memory of the request bodies being handled, that jobs share:
// each takes its part before it starts and gives it back when done, and one that cannot get
// its part soon enough is turned away. The zero value is not usable: make one with NewPool.
type Pool struct {
	what string
	size int64
	wait time.Duration
	mu   sync.Mutex
	free int64
	// freed is closed, and replaced, whenever a part is given back.
	freed chan struct{}
}

// NewPool returns a pool of size units for jobs of the kind named by what (for the error
// message); a caller waits at most wait for its part.
func NewPool(what string, size int64, wait time.Duration) *Pool {
	return &Pool{what: what, size: size, wait: wait, free: size, freed: make(chan struct{})}
}

// Take takes n units (the whole pool at most, so that any one job can run alone) and returns
// the function that gives them back. When they do not free up within the pool's wait it
// returns an EUNAVAILABLE error whose RetryAfter says when to try again; when ctx ends
// first, ctx's error.
func (p *Pool) Take(ctx context.Context, n int64) (release func(), err error) {
	n = min(max(n, 0), p.size)
	var t *time.Timer
	for {
		p.mu.Lock()
		if p.free >= n {
			p.free -= n
			p.mu.Unlock()
			if t != nil {
				t.Stop()
			}
			var once sync.Once
			return func() { once.Do(func() { p.give(n) }) }, nil
		}
		freed := p.freed
		p.mu.Unlock()
		if t == nil {
			t = time.NewTimer(p.wait)
		}
		select {
		case <-freed:
		case <-t.C:
			e := shopguard.Errorf(shopguard.EUNAVAILABLE, "too busy %s: try again in a few seconds", p.what)
			e.RetryAfter = max(p.wait, time.Second)
			return nil, e
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
}

func (p *Pool) give(n int64) {
	p.mu.Lock()
	p.free += n
	close(p.freed)
	p.freed = make(chan struct{})
	p.mu.Unlock()
}

// Free reports how many units are not taken.
func (p *Pool) Free() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.free
}
