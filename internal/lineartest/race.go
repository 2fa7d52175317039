//go:build race

package lineartest

// Under the race detector code runs ten times slower: the large input is cut to 128 KB, still
// 128 times the small one, which quadratic work cannot hide in.
const large = 128 << 10
