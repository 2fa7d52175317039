package every

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestTickRunsUntilCancelled(t *testing.T) {
	for _, now := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		var n atomic.Int32
		done := make(chan struct{})
		go func() {
			Tick(ctx, time.Millisecond, now, func() {
				if n.Add(1) == 3 {
					cancel()
				}
			})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Tick did not return after its context ended")
		}
		if got := n.Load(); got != 3 {
			t.Errorf("now=%v: fn ran %d times after cancel at the third, want 3", now, got)
		}
	}
}

func TestTickNowRunsAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	Tick(ctx, time.Hour, true, func() { ran = true; cancel() })
	if !ran {
		t.Fatal("with now, fn did not run at the start")
	}
}
