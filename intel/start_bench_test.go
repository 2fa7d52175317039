package intel_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/sqlite"
)

// BenchmarkStartSQLite200k measures a node's start: reading 200,000 stored reputations from
// SQLite and building the index. It reports the time per indicator and that time scaled to
// 10 million. Run it with -benchtime=1x.
func BenchmarkStartSQLite200k(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	const n = 200_000
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "shopguard.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO reputations (kind, value, score, reports, reporters, confirmed, delisted, not_scam,
		scam_types, first_seen, last_seen, source, details) VALUES ($1, $2, 45, 2, 2, FALSE, FALSE, 0, 'deposit_scam', $3, $3, '', '{}')`)
	if err != nil {
		b.Fatal(err)
	}
	seen := day0.UnixMicro()
	for i := range n {
		id := synthetic(i)
		if _, err := stmt.ExecContext(ctx, string(id.Kind), id.Value, seen); err != nil {
			b.Fatal(err)
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := &intel.Service{Store: db, Index: intel.NewIndex()}
		start := time.Now()
		if err := s.Start(ctx); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		if s.Index.Len() != n {
			b.Fatalf("index holds %d, want %d", s.Index.Len(), n)
		}
		b.ReportMetric(float64(d.Nanoseconds())/n, "ns/indicator")
		b.ReportMetric(d.Seconds()*10_000_000/n, "s/10M")
	}
}
