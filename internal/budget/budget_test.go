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
