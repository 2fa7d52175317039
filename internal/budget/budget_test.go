package budget

import (
	"context"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func TestGateTurnsAwayWhenFull(t *testing.T) {
	g := NewGate("testing", 2, 20*time.Millisecond)
	ctx := context.Background()
	r1, err1 := g.Enter(ctx)
	r2, err2 := g.Enter(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	_, err := g.Enter(ctx)
	var e *shopguard.Error
	if shopguard.ErrorCode(err) != shopguard.EUNAVAILABLE || !asErr(err, &e) || e.RetryAfter < time.Second {
		t.Fatalf("third job: %v", err)
	}
	r1()
	r3, err := g.Enter(ctx)
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	r2()
	r3()
	if g.Busy() != 0 {
		t.Fatalf("busy %d after every release", g.Busy())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	g2 := NewGate("testing", 1, time.Hour)
	rel, _ := g2.Enter(ctx)
	defer rel()
	if _, err := g2.Enter(cctx); err != context.Canceled {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func asErr(err error, e **shopguard.Error) bool {
	v, ok := err.(*shopguard.Error)
	*e = v
	return ok
}

func TestPoolSharesAnAmount(t *testing.T) {
	p := NewPool("testing", 100, 20*time.Millisecond)
	ctx := context.Background()
	r1, err := p.Take(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.Take(ctx, 40)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Take(ctx, 1)
	var e *shopguard.Error
	if shopguard.ErrorCode(err) != shopguard.EUNAVAILABLE || !asErr(err, &e) || e.RetryAfter < time.Second {
		t.Fatalf("a part when none is free: %v", err)
	}
	// A waiter gets its part as soon as enough is given back.
	got := make(chan error, 1)
	slow := NewPool("testing", 100, time.Hour)
	hold, _ := slow.Take(ctx, 100)
	go func() {
		rel, err := slow.Take(ctx, 70)
		if err == nil {
			rel()
		}
		got <- err
	}()
	hold()
	if err := <-got; err != nil {
		t.Fatalf("a waiter after a release: %v", err)
	}
	// More than the pool runs alone; giving back twice counts once.
	r1()
	r1()
	r2()
	big, err := p.Take(ctx, 1000)
	if err != nil || p.Free() != 0 {
		t.Fatalf("a job larger than the pool: %v, %d free", err, p.Free())
	}
	big()
	if p.Free() != 100 {
		t.Fatalf("%d free after every release, want 100", p.Free())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	hold, _ = slow.Take(ctx, 100)
	defer hold()
	if _, err := slow.Take(cctx, 1); err != context.Canceled {
		t.Fatalf("cancelled wait: %v", err)
	}
}
