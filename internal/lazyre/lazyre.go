// Package lazyre holds regular expressions compiled at their first use rather than when the
// program starts: every command of the one binary runs the initialisers of every package,
// and a pattern with character classes such as \p{Han} takes a tenth of a millisecond or more
// to compile.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a func that compiles expr at its first call (panicking, as regexp.MustCompile,
// when it does not compile) and returns the same *regexp.Regexp at every call. It is safe
// for concurrent use.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
