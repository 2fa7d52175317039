package shopguard

// PriceReference is what an item usually sells for, from the reference prices an operator
// imported and those seen in checks and reports: the median and the median absolute
// deviation of the prices kept (outliers dropped), in hundredths of Currency, and how many
// prices and independent sources they came from.
type PriceReference struct {
	Item     string `json:"item"`
	Currency string `json:"currency"`
	Median   int64  `json:"median"`
	MAD      int64  `json:"mad"`
	Count    int    `json:"count"`
	Sources  int    `json:"sources"`
}

// PriceReferences finds the reference price of an item. Implementations are safe for
// concurrent use and answer from memory.
type PriceReferences interface {
	// PriceReference returns the reference for the item named by title (or, failing that, for
	// its category) in currency, and false when there is none.
	PriceReference(title, category, currency string) (PriceReference, bool)
}
