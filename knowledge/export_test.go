package knowledge

import (
	"io/fs"
	"testing"
)

func embeddedData(tb testing.TB) fs.FS {
	tb.Helper()
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		tb.Fatal(err)
	}
	return sub
}
