package lazyre

import (
	"sync"
	"testing"
)

// TestNew: the pattern is compiled at the first call only, once for all callers, and
// matches as compiled.
func TestNew(t *testing.T) {
	re := New(`^[a-z]+\p{Han}$`)
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Go(func() { got[i] = re() })
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("New's func returned two different compilations")
		}
	}
	if !re().MatchString("abc中") || re().MatchString("abc") {
		t.Error("the compiled pattern does not match as written")
	}
	bad := New(`(`) // not compiled until called: no panic here
	defer func() {
		if recover() == nil {
			t.Error("an invalid pattern did not panic at its first use")
		}
	}()
	bad()
}
