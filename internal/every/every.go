// Package every runs a job at a fixed interval until its context ends: the one ticker loop
// behind the server's background work (following changes, purging, refreshing feeds, saving
// the index cache).
package every

import (
	"context"
	"time"
)

// Tick calls fn every interval until ctx ends; with now set it also calls fn once at the
// start. It returns when ctx ends.
func Tick(ctx context.Context, interval time.Duration, now bool, fn func()) {
	if now {
		fn()
	}
	TickOr(ctx, interval, nil, fn)
}

// TickOr calls fn every interval, and whenever wake receives, until ctx ends. It returns
// when ctx ends.
func TickOr(ctx context.Context, interval time.Duration, wake <-chan struct{}, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		if ctx.Err() != nil { // ready together, and select took the other
			return
		}
		fn()
	}
}
