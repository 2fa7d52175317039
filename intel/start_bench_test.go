package intel_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/sqlstore"
	"github.com/shopguard/shopguard/storetest"
)

// startN is how many stored reputations the start benchmarks read.
const startN = 200_000

// BenchmarkStartSQLite200k measures a node's start without an index cache: reading 200,000
// stored reputations from SQLite and building the index. It reports the time per indicator,
// that time scaled to 10 million, and the CPU time per indicator. Run it with -benchtime=1x.
func BenchmarkStartSQLite200k(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "shopguard.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchStart(b, db, startN)
}

// BenchmarkStartPostgres200k is BenchmarkStartSQLite200k on PostgreSQL (SHOPGUARD_TEST_POSTGRES).
func BenchmarkStartPostgres200k(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchStart(b, db, startN)
}

// benchStart stores n synthetic reputations, in batches of rows per statement, then times
// starts from them.
func benchStart(b *testing.B, db *sqlstore.DB, n int) {
	ctx := context.Background()
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 100
	seen := day0.UnixMicro()
	for lo := 0; lo < n; lo += batch {
		var q strings.Builder
		q.WriteString(`INSERT INTO reputations (kind, value, score, reports, reporters, confirmed, delisted, not_scam,
			scam_types, first_seen, last_seen, source, details) VALUES `)
		var args []any
		for i := lo; i < min(lo+batch, n); i++ {
			if i > lo {
				q.WriteString(", ")
			}
			p := len(args)
			q.WriteString("($" + strconv.Itoa(p+1) + ", $" + strconv.Itoa(p+2) + ", 45, 2, 2, FALSE, FALSE, 0, 'deposit_scam', $" +
				strconv.Itoa(p+3) + ", $" + strconv.Itoa(p+3) + ", '', '{}')")
			id := synthetic(i)
			args = append(args, string(id.Kind), id.Value, seen)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := &intel.Service{Store: db, Index: intel.NewIndex()}
		cpu0 := cpuTime(b)
		start := time.Now()
		if err := s.Start(ctx); err != nil {
			b.Fatal(err)
		}
		d, cpu := time.Since(start), cpuTime(b)-cpu0
		if s.Index.Len() != n {
			b.Fatalf("index holds %d, want %d", s.Index.Len(), n)
		}
		b.ReportMetric(float64(d.Nanoseconds())/float64(n), "ns/indicator")
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/indicator")
		b.ReportMetric(d.Seconds()*10_000_000/float64(n), "s/10M")
	}
}

// cpuTime returns the CPU time the process has used, user and system: on a machine shared with
// other work it shows what a start costs when the wall time does not.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
