package testenv

import (
	"context"
	"sync/atomic"
)

// Countdown is a context that a caller leaves after a number of looks: its Err reports nil
// for the first n calls and context.Canceled from then on, and Done closes at that moment.
// Counting the looks shows whether work stopped at the first one after the cancel, without
// timing anything.
type Countdown struct {
	context.Context
	left  atomic.Int64
	looks atomic.Int64
	done  chan struct{}
	once  atomic.Bool
}

// CancelAfter returns a Countdown over parent that cancels itself after n looks at Err.
func CancelAfter(parent context.Context, n int) *Countdown {
	c := &Countdown{Context: parent, done: make(chan struct{})}
	c.left.Store(int64(n))
	return c
}

// Err implements context.Context, counting the look.
func (c *Countdown) Err() error {
	c.looks.Add(1)
	if c.left.Add(-1) >= 0 {
		return nil
	}
	if c.once.CompareAndSwap(false, true) {
		close(c.done)
	}
	return context.Canceled
}

// Done implements context.Context: it closes once Err has reported the cancel.
func (c *Countdown) Done() <-chan struct{} { return c.done }

// Looks returns how many times Err was called.
func (c *Countdown) Looks() int { return int(c.looks.Load()) }

// LooksAfterCancel returns how many times Err was called after it first reported the cancel
// (0 when it never did).
func (c *Countdown) LooksAfterCancel() int { return int(max(-c.left.Load()-1, 0)) }
