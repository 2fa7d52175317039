package http_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/storetest"
)

func TestTrends(t *testing.T) {
	ts := newTestServer(t, nil)
	mod := ts.mustKey(t, "mod", shopguard.RoleModerator, shopguard.ScopeModerate)
	user := ts.mustKey(t, "plain", shopguard.RoleUser, shopguard.ScopeCheck)
	store := ts.srv.Store
	r := storetest.MustReport(t, store, 0, shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613812345678"})
	storetest.MustReport(t, store, 0, shopguard.Identifier{Kind: shopguard.KindQQ, Value: "12345678"})
	u, err := store.UserByName(context.Background(), "mod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.DecideReport(context.Background(), shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionConfirm, ModeratorID: u.ID, Reason: "credible"}, r.CreatedAt); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/admin/trends", "", map[string]string{"Authorization": "Bearer " + user}); st != 403 {
		t.Fatalf("a plain user sees trends: %d", st)
	}
	st, _, body := ts.do(t, "GET", "/api/v1/admin/trends?weeks=4", "", map[string]string{"Authorization": "Bearer " + mod})
	var tr intel.Trends
	if st != 200 || json.Unmarshal(body, &tr) != nil {
		t.Fatalf("trends: %d %s", st, body)
	}
	if tr.Reports != 2 || tr.Confirmed != 1 || len(tr.Weeks) < 4 || tr.ScamTypes[0].Key != "deposit_scam" || tr.Lost[0].Amount != "600.00" {
		t.Fatalf("trends = %+v", tr)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/admin/trends?weeks=0", "", map[string]string{"Authorization": "Bearer " + mod}); st != 400 || errorOf(t, body).Field != "weeks" {
		t.Fatalf("weeks=0: %d %s", st, body)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/admin?lang=en", nil)
	req.Header.Set("Authorization", "Bearer "+mod)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "2 reports since") || !strings.Contains(string(page), "600.00 CNY") || !strings.Contains(string(page), "<meter") {
		t.Fatalf("admin page: %d\n%s", resp.StatusCode, page)
	}
}
