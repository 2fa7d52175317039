package http_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlstore"
)

// warmingStore records the warm-ups asked of its store.
type warmingStore struct {
	*sqlstore.DB
	asked []int
}

func (s *warmingStore) Warm(ctx context.Context, n int) error {
	s.asked = append(s.asked, n)
	return s.DB.Warm(ctx, n)
}

// Open warms the store's connections for writes before it listens, so that /readyz answers
// only once they are warm (sqlstore.DB.Warm).
func TestOpenWarmsTheStore(t *testing.T) {
	db := tempSQLite(t)
	store := &warmingStore{DB: db}
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := shttp.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	logs := &testenv.Buffer{}
	srv, err := shttp.NewServer(cfg, store, pack, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if len(store.asked) != 0 {
		t.Fatalf("warmed before Open: %v", store.asked)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	if len(store.asked) != 1 || store.asked[0] < 1 {
		t.Errorf("Open asked the store for warm-ups of %v connections, want one of some", store.asked)
	}
	if strings.Contains(logs.String(), "warm") {
		t.Errorf("the warm-up failed: %s", logs)
	}
	reports, err := db.ListReports(context.Background(), shopguard.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 0 {
		t.Errorf("%d reports after Open, want none: a warm-up writes nothing", len(reports))
	}
}
