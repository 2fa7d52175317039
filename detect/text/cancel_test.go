package text

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/shopguard/shopguard/internal/testenv"
)

// TestScanStopsWhenTheCallerLeaves cancels a scan of a long chat in its middle: the scan
// must end with the context's error at the first look after the cancel, not read on.
func TestScanStopsWhenTheCallerLeaves(t *testing.T) {
	d, _ := mustDetector(t)
	msgs := make([]Message, MaxMessages)
	for i := range msgs {
		msgs[i] = Message{From: FromThem, Text: strings.Repeat("亲，先付定金才能发货，加我微信 ", 20)}
	}
	ctx := testenv.CancelAfter(context.Background(), 10)
	_, err := d.ScanContext(ctx, msgs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ScanContext after the cancel = %v, want context.Canceled", err)
	}
	if ctx.LooksAfterCancel() != 0 || ctx.Looks() != 11 {
		t.Fatalf("the scan looked at the context %d times, %d of them after the cancel; want it to stop at look 11 of %d messages",
			ctx.Looks(), ctx.LooksAfterCancel(), len(msgs))
	}
	if r, err := d.ScanContext(context.Background(), msgs); err != nil || r.Risk == "" {
		t.Fatalf("ScanContext with a live context = %v, %v", r.Risk, err)
	}
}
