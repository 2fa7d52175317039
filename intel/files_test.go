package intel_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/sqlstore"
	"github.com/shopguard/shopguard/storetest"
)

// A report's files go with it, once nothing else uses them: when a moderator deletes the
// report (at the sweep, for files put within the grace period), and when retention purges it.
func TestReportFilesGoWithTheirReports(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		db := open()
		s := newService(t, db)
		blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		s.Blobs = blobs
		now := time.Now().UTC()
		s.Now = func() time.Time { return now }
		mod := storetest.MustUser(t, db, "mod", shopguard.RoleModerator)
		attach := func(name, body string) shopguard.Evidence {
			ev, err := intel.AttachEvidence(ctx, blobs, name, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			return ev
		}
		exists := func(ev shopguard.Evidence) bool {
			rc, err := blobs.Open(ctx, ev.SHA256)
			if err == nil {
				rc.Close()
			}
			return err == nil
		}
		shared := attach("chat.txt", "seller: pay the deposit first")
		own := attach("receipt.txt", "transfer of 300 yuan")
		who := intel.Reporter{IP: ip("192.0.2.7")}
		r1, r2 := newReport("13800000201"), newReport("13800000202")
		r1.Evidence = []shopguard.Evidence{shared, own}
		r2.Evidence = []shopguard.Evidence{shared}
		for _, r := range []*shopguard.Report{r1, r2} {
			if err := s.Submit(ctx, r, who); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Decide(ctx, shopguard.Decision{ReportID: r1.ID, Action: shopguard.ActionDelete, Reason: "filed by mistake", ModeratorID: mod.ID}); err != nil {
			t.Fatal(err)
		}
		// just put, the files outlast the report for the grace period; then a sweep takes them
		if !exists(own) || !exists(shared) {
			t.Fatal("a file put a moment ago went with its report")
		}
		if n, err := s.SweepFiles(ctx); err != nil || n != 0 {
			t.Fatalf("SweepFiles within the grace period = %d, %v", n, err)
		}
		blobs.Grace = 0
		if n, err := s.SweepFiles(ctx); err != nil || n != 1 {
			t.Fatalf("SweepFiles past the grace period = %d, %v; want 1", n, err)
		}
		if exists(own) || !exists(shared) {
			t.Fatalf("after deleting report 1 and sweeping: its own file kept %v, the shared file kept %v; want false, true", exists(own), exists(shared))
		}
		s.Limits.Retention = time.Hour
		now = now.Add(2 * time.Hour)
		if n, err := s.Purge(ctx); err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v", n, err)
		}
		if exists(shared) {
			t.Fatal("the file of a purged report is still kept")
		}
	})
}
