// Package price compares a price with the reference price of the item, the one rule every
// check that sees a price (a listing, a shop's page, an assessment) shares. Every signal states
// the figures it compares; without a reference there is no signal.
package price

import (
	"strconv"

	"github.com/shopguard/shopguard"
)

// Signal codes of the price comparison.
const (
	CodeFarBelow = "price.far_below"
	CodeBelow    = "price.below"
)

// Codes lists every signal code of the package.
var Codes = []string{CodeFarBelow, CodeBelow}

// Weights: a price under 40% of the reference is the classic lure (with one more sign it is
// high risk); under 70% it is worth a look.
const (
	wFarBelow = 40
	wBelow    = 15
)

// Compare returns the signal of a price of amount (hundredths of ref.Currency) against ref,
// and false when the price is not far enough below it. A price is only "below" when it is
// also under the median by more than three scaled MADs: where prices vary widely, a low one is
// ordinary.
func Compare(item string, amount int64, ref shopguard.PriceReference) (shopguard.Signal, bool) {
	if ref.Median <= 0 || amount < 0 {
		return shopguard.Signal{}, false
	}
	pct := amount * 100 / ref.Median
	spread := ref.MAD * 3 * 14826 / 10000 // 1.4826·MAD estimates the standard deviation
	if amount >= ref.Median-spread {
		return shopguard.Signal{}, false
	}
	args := map[string]string{
		"item": item, "price": shopguard.FormatFen(amount), "reference": shopguard.FormatFen(ref.Median),
		"mad": shopguard.FormatFen(ref.MAD), "currency": ref.Currency, "percent": strconv.FormatInt(pct, 10),
		"sources": strconv.Itoa(ref.Sources), "count": strconv.Itoa(ref.Count),
	}
	switch {
	case pct < 40:
		return shopguard.Signal{Code: CodeFarBelow, Weight: wFarBelow, Args: args}, true
	case pct < 70:
		return shopguard.Signal{Code: CodeBelow, Weight: wBelow, Args: args}, true
	}
	return shopguard.Signal{}, false
}
