package intel

// SummaryOf returns the summary of a "kind:value" string, as a lookup finds it after
// normalisation: for the benchmarks that set the index beside a Go map.
func (x *Index) SummaryOf(key []byte) (Summary, bool) { return x.lookupKey(key) }
