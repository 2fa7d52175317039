package casework_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlite"
)

// testPlanner loads the test pack in testdata/pack, which has every channel with texts made
// for the tests.
func testPlanner(tb testing.TB) *casework.Planner {
	tb.Helper()
	pack, err := knowledge.Load(os.DirFS("testdata/pack"))
	if err != nil {
		tb.Fatal(err)
	}
	p, err := casework.NewPlanner(pack)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// testVault opens a real SQLite store and blob directory in a temp dir.
func testVault(tb testing.TB) (*casework.Vault, string) {
	tb.Helper()
	dir := tb.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "shopguard.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return &casework.Vault{Cases: db, Blobs: blobs, Limits: casework.DefaultLimits,
		Now: func() time.Time { return day }}, filepath.Join(dir, "blobs")
}

// mustNewCase stores a new case and returns it.
func mustNewCase(tb testing.TB, v *casework.Vault, t shopguard.Triage) *shopguard.Case {
	tb.Helper()
	c, _, err := casework.NewCase(0, shopguard.LangZH, t, day)
	if err != nil {
		tb.Fatal(err)
	}
	if err := v.Cases.CreateCase(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// Tiny but real files of the accepted kinds.
var (
	pngFile  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
	pdfFile  = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	chatFile = []byte("2026-11-18 10:01 卖家：亲，加微信私下转账更便宜\n2026-11-18 10:03 我：好的\n")
)
