package intel_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/testenv"
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
		if !kept(blobs, own) || !kept(blobs, shared) {
			t.Fatal("a file put a moment ago went with its report")
		}
		if n, err := s.SweepFiles(ctx); err != nil || n != 0 {
			t.Fatalf("SweepFiles within the grace period = %d, %v", n, err)
		}
		blobs.Grace = 0
		if n, err := s.SweepFiles(ctx); err != nil || n != 1 {
			t.Fatalf("SweepFiles past the grace period = %d, %v; want 1", n, err)
		}
		if kept(blobs, own) || !kept(blobs, shared) {
			t.Fatalf("after deleting report 1 and sweeping: its own file kept %v, the shared file kept %v; want false, true", kept(blobs, own), kept(blobs, shared))
		}
		s.Limits.Retention = time.Hour
		now = now.Add(2 * time.Hour)
		if n, err := s.Purge(ctx); err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v", n, err)
		}
		if kept(blobs, shared) {
			t.Fatal("the file of a purged report is still kept")
		}
	})
}

// leftovers gives s a blob store and fills it with what Tidy deletes once it is old enough:
// two reports (so four changes, with the two the purge adds) and a file nothing uses. It
// returns the blob store and the file.
func leftovers(t *testing.T, s *intel.Service) (*blob.Dir, shopguard.Evidence) {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	s.Blobs = blobs
	s.Limits.Retention = 24 * time.Hour
	for _, v := range []string{"13800000301", "13800000302"} {
		if err := s.Submit(ctx, newReport(v), intel.Reporter{IP: ip("192.0.2.8")}); err != nil {
			t.Fatal(err)
		}
	}
	stray, err := intel.AttachEvidence(ctx, blobs, "refused.txt", []byte("a file whose report was refused"))
	if err != nil {
		t.Fatal(err)
	}
	return blobs, stray
}

// kept reports whether blobs still holds the file.
func kept(blobs *blob.Dir, ev shopguard.Evidence) bool {
	rc, err := blobs.Open(context.Background(), ev.SHA256)
	if err == nil {
		rc.Close()
	}
	return err == nil
}

// Tidy deletes old reports, old changes and unused files once, counting each; a step that
// fails does not stop the others, and its error says which step it was.
func TestTidy(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		db := open()
		s := newService(t, db)
		now := time.Now().UTC()
		s.Now = func() time.Time { return now }
		blobs, stray := leftovers(t, s)

		if got, err := s.Tidy(ctx); err != nil || got != (intel.Tidied{}) {
			t.Fatalf("Tidy of fresh things = %+v, %v; want nothing deleted", got, err)
		}
		if !kept(blobs, stray) {
			t.Fatal("Tidy deleted a file within the grace period")
		}
		changes, err := db.ChangesSince(ctx, 0, 100)
		if err != nil || len(changes) != 2 {
			t.Fatalf("changes before: %d, %v; want 2", len(changes), err)
		}

		now = now.Add(intel.ChangeRetention + time.Hour)
		blobs.Grace = 0
		// the purge adds a change for each identifier of its reports; all but the last go
		want := intel.Tidied{Reports: 2, Changes: 2 + 2 - 1, Files: 1}
		if got, err := s.Tidy(ctx); err != nil || got != want {
			t.Fatalf("Tidy of old things = %+v, %v; want %+v", got, err, want)
		}
		if kept(blobs, stray) {
			t.Fatal("Tidy kept a file nothing uses")
		}
		if left, _ := db.ChangesSince(ctx, 0, 100); len(left) != 1 {
			t.Fatalf("%d changes left; want the last one", len(left))
		}

		// with the database gone every step fails, and each says so
		if _, err := intel.AttachEvidence(ctx, blobs, "another.txt", []byte("another unused file")); err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err = s.Tidy(ctx)
		for _, step := range []string{"intel: purge old reports: ", "intel: prune old changes: ", "intel: sweep unused files: "} {
			if err == nil || !strings.Contains(err.Error(), step) {
				t.Errorf("Tidy with the database closed: %v; want an error from %q", err, step)
			}
		}
	})
}

// PurgeEvery tidies at once when it starts, logging what it deleted and each step that failed.
func TestPurgeEvery(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		db := open()
		s := newService(t, db)
		now := time.Now().UTC().Add(intel.ChangeRetention + time.Hour)
		s.Now = func() time.Time { return now }
		blobs, stray := leftovers(t, s)
		blobs.Grace = 0

		log := purgeOnce(t, s, 2)
		if !strings.Contains(log, `msg="intel: purged old reports" reports=2`) || !strings.Contains(log, `msg="intel: swept unused files" files=1`) || strings.Contains(log, "ERROR") {
			t.Fatalf("PurgeEvery logged:\n%s", log)
		}
		if kept(blobs, stray) {
			t.Fatal("PurgeEvery kept a file nothing uses")
		}

		if _, err := intel.AttachEvidence(context.Background(), blobs, "another.txt", []byte("another unused file")); err != nil {
			t.Fatal(err)
		}
		db.Close()
		log = purgeOnce(t, s, 1)
		steps := []string{"intel: purge old reports: ", "intel: prune old changes: ", "intel: sweep unused files: "}
		if db.Dialect.TryLock != "" {
			steps = []string{"job 7406010: "} // on PostgreSQL taking the job's lock fails first
		}
		for _, step := range steps {
			if !strings.Contains(log, `level=ERROR msg="intel: tidy" err=`) || !strings.Contains(log, step) {
				t.Errorf("PurgeEvery with the database closed logged no error for %s:\n%s", step, log)
			}
		}
		if strings.Contains(log, "level=INFO") {
			t.Errorf("PurgeEvery with the database closed logged a deletion:\n%s", log)
		}
	})
}

// purgeOnce runs s.PurgeEvery until the round it does at the start has logged lines lines,
// and returns the log.
func purgeOnce(t *testing.T, s *intel.Service, lines int) string {
	t.Helper()
	var log testenv.Buffer
	s.Log = slog.New(slog.NewTextHandler(&log, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.PurgeEvery(ctx, time.Hour)
		close(done)
	}()
	for deadline := time.Now().Add(10 * time.Second); strings.Count(log.String(), "\n") < lines && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	return log.String()
}
