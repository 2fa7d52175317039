//go:build !race

package lineartest

const (
	large     = 1 << 20
	maxGrowth = 3
)
