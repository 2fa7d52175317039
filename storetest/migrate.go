package storetest

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/sqlstore"
)

// ReportEvidenceBackfill checks that migration 0004 records the files of reports filed
// before it: it stores a report, takes the database back to before 0004 and migrates again.
func ReportEvidenceBackfill(t *testing.T, db *sqlstore.DB, migrations fs.FS) {
	ctx := context.Background()
	sum := strings.Repeat("e", 64)
	r := &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{testPhone}, Narrative: "filed before 0004",
		Evidence: []shopguard.Evidence{{SHA256: sum, Name: "a.png", MediaType: "image/png", Size: 1}, {SHA256: sum, Name: "again.png", MediaType: "image/png", Size: 1}}}
	if err := db.CreateReport(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE report_evidence`, `DELETE FROM schema_migrations WHERE name = '0004_report_evidence.sql'`} {
		if _, err := db.Write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if applied, err := db.Migrate(ctx, migrations); err != nil || len(applied) != 1 {
		t.Fatalf("Migrate = %v, %v; want 0004 applied again", applied, err)
	}
	if n, err := db.EvidenceRefs(ctx, sum); err != nil || n != 1 {
		t.Fatalf("EvidenceRefs after the backfill = %d, %v; want 1 (one report, the file twice)", n, err)
	}
}
