package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

// testPrices: prices go in and come back whole, oldest first.
func testPrices(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	in := []shopguard.PriceObservation{
		{Item: "iphone 15 pro 256gb", Category: "手机", Amount: 799900, Currency: "CNY", Source: "import:jd", Imported: true, SeenAt: at},
		{Item: "", Category: "羽绒服", Amount: 59900, Currency: "CNY", Source: "import:survey", Imported: true, SeenAt: at},
		{Item: "iphone 15 pro 256gb", Amount: 749900, Currency: "CNY", Source: "check:shop.example", SeenAt: at.Add(time.Hour)},
	}
	if err := s.AddPrices(ctx, in[:2]); err != nil {
		t.Fatalf("AddPrices: %v", err)
	}
	if err := s.AddPrices(ctx, in[2:]); err != nil {
		t.Fatalf("AddPrices: %v", err)
	}
	var got []shopguard.PriceObservation
	if err := s.EachPrice(ctx, func(p shopguard.PriceObservation) error { got = append(got, p); return nil }); err != nil {
		t.Fatalf("EachPrice: %v", err)
	}
	if len(got) != len(in) {
		t.Fatalf("got %d prices, want %d", len(got), len(in))
	}
	for i := range in {
		if got[i] != in[i] {
			t.Errorf("price %d: got %+v, want %+v", i, got[i], in[i])
		}
	}
	// A price of zero breaks the table's rule: the whole batch is refused, nothing stored.
	bad := []shopguard.PriceObservation{{Item: "x", Amount: 100, Currency: "CNY", Source: "s", SeenAt: at}, {Item: "y", Amount: 0, Currency: "CNY", Source: "s", SeenAt: at}}
	if err := s.AddPrices(ctx, bad); err == nil {
		t.Fatal("AddPrices took a price of zero")
	}
	n := 0
	s.EachPrice(ctx, func(shopguard.PriceObservation) error { n++; return nil })
	if n != len(in) {
		t.Errorf("%d prices after a refused batch, want %d", n, len(in))
	}
}
