package combine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/internal/testenv"
)

// TestScanStopsWhenTheCallerLeaves cancels a check of a long chat after the text detector
// has read it, while the links and identifiers are being judged: the check must end with
// the context's error at the first look after the cancel.
func TestScanStopsWhenTheCallerLeaves(t *testing.T) {
	c, _ := checks(t, community())
	msgs := make([]text.Message, 200)
	for i := range msgs {
		msgs[i] = text.Message{From: text.FromThem, Text: "付款链接 http://sunny-gadgets.com/pay?o=1 有问题打 13812345678"}
	}
	for _, after := range []int{len(msgs) + 5, 2*len(msgs) + 5} { // in the links, in the identifiers
		ctx := testenv.CancelAfter(context.Background(), after)
		_, err := c.ScanContext(ctx, msgs)
		if !errors.Is(err, context.Canceled) || ctx.LooksAfterCancel() != 0 {
			t.Errorf("cancel after %d looks: err %v, %d looks after the cancel; want context.Canceled and none", after, err, ctx.LooksAfterCancel())
		}
	}
	if r, err := c.ScanContext(context.Background(), msgs); err != nil || r.Risk != "high" {
		t.Fatalf("ScanContext with a live context = %v, %v; want high", r.Risk, err)
	}
}
