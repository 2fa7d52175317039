package shopguard

import (
	"context"
	"time"
)

// PriceObservation is one price of an item: imported by an operator as a reference, or seen
// in a check. Item is the normalised item name ("" when the price is a category's reference);
// Source names where it came from, so that many prices from one source count once.
type PriceObservation struct {
	Item     string    `json:"item"`
	Category string    `json:"category,omitempty"`
	Amount   int64     `json:"amount"` // hundredths of Currency
	Currency string    `json:"currency"`
	Source   string    `json:"source"`
	Imported bool      `json:"imported"`
	SeenAt   time.Time `json:"seen_at"`
}

// PriceStore keeps the prices of items.
type PriceStore interface {
	// AddPrices stores prices in one transaction.
	AddPrices(ctx context.Context, ps []PriceObservation) error
	// EachPrice calls fn for every price stored, oldest first, and stops at fn's first error.
	EachPrice(ctx context.Context, fn func(PriceObservation) error) error
}
