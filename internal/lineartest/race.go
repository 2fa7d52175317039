//go:build race

package lineartest

// Under the race detector code runs ten times slower: the large input is cut to 128 KB, still
// 128 times the small one, which quadratic work cannot hide in. The detector's own costs grow
// with the heap and its shadow memory, so a linear run measures up to about six times a byte's
// cost at 1 KB there; the bound is 10, still far below the 128 times of quadratic work.
const (
	large     = 128 << 10
	maxGrowth = 10
)
