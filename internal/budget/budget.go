// Package budget bounds expensive work: a Gate lets a fixed number of jobs run at once and
// turns callers away, with a time to come back, when no slot frees up soon enough.
package budget

import (
	"context"
	"io"
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
