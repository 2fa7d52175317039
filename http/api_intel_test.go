package http_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/intel"
)

const contractReport = `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"138 1234 5678"}],"platform":"xianyu","amount":"300.00","currency":"CNY","occurred_on":"2026-11-01","narrative":"the seller asked for a deposit and vanished"}`

func newIntelServer(t *testing.T) *testServer {
	ts := newTestServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := ts.srv.StartIntel(ctx); err != nil {
		t.Fatal(err)
	}
	return ts
}

func bearer(key string) map[string]string { return map[string]string{"Authorization": "Bearer " + key} }

func TestReportContract(t *testing.T) {
	ts := newIntelServer(t)
	st, _, body := ts.do(t, "POST", "/api/v1/reports", contractReport, nil)
	var created struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if st != 201 || json.Unmarshal(body, &created) != nil || created.ID == 0 || created.Status != "pending" {
		t.Fatalf("POST /api/v1/reports = %d %s", st, body)
	}
	for _, c := range []struct{ body, field string }{
		{strings.Replace(contractReport, `"138 1234 5678"`, `"138 1234"`, 1), "identifiers[0].value"},
		{strings.Replace(contractReport, `"phone"`, `"fax"`, 1), "identifiers[0].kind"},
		{strings.Replace(contractReport, `"300.00"`, `"3,00"`, 1), "amount"},
		{strings.Replace(contractReport, `"2026-11-01"`, `"01/11/2026"`, 1), "occurred_on"},
		{strings.Replace(contractReport, `"deposit_scam"`, `"no_such_scam"`, 1), "scam_type"},
		{strings.Replace(contractReport, `"xianyu"`, `"nowhere"`, 1), "platform"},
		{strings.Replace(contractReport, `"300.00"`, `300`, 1), "amount"},
	} {
		st, _, body := ts.do(t, "POST", "/api/v1/reports", c.body, nil)
		if e := errorOf(t, body); st != 400 || e.Field != c.field {
			t.Errorf("bad %s: %d %s", c.field, st, body)
		}
	}

	// the lookup answers 200 for any valid value, masked; the public sees an unconfirmed
	// report only as "under review", a moderator sees it counted
	st, _, body = ts.do(t, "GET", "/api/v1/indicators/phone/"+url.PathEscape("+86 138-1234-5678"), "", nil)
	var in map[string]any
	if st != 200 || json.Unmarshal(body, &in) != nil || in["display"] != "138****5678" || in["reports"].(float64) != 0 ||
		in["finding"] != shopguard.FindingUnderReview || len(in["scam_types"].([]any)) != 0 {
		t.Fatalf("indicator = %d %s", st, body)
	}
	mod := ts.mustKey(t, "mod0", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeModerate)
	if _, _, b := ts.do(t, "GET", "/api/v1/indicators/phone/13812345678", "", bearer(mod)); !strings.Contains(string(b), `"reports":1`) {
		t.Fatalf("indicator for a moderator = %s", b)
	}
	if _, _, b := ts.do(t, "GET", "/api/v1/indicators/phone/13900000000", "", nil); !strings.Contains(string(b), `"finding":"none"`) || !strings.Contains(string(b), `"checked":["community_reports"]`) {
		t.Fatalf("indicator of an unknown number = %s", b)
	}
	for _, k := range []string{"kind", "display", "risk", "reports", "reporters", "confirmed", "scam_types", "first_seen", "last_seen", "finding", "checked"} {
		if _, ok := in[k]; !ok {
			t.Errorf("indicator lacks %q: %s", k, body)
		}
	}
	if strings.Contains(string(body), "13812345678") {
		t.Fatalf("public answer shows the number: %s", body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/indicators/qq/99999", "", nil); st != 200 || !strings.Contains(string(body), `"reports":0`) {
		t.Fatalf("unknown qq = %d %s", st, body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/indicators/phone/123", "", nil); st != 400 || errorOf(t, body).Field != "value" {
		t.Fatalf("bad phone = %d %s", st, body)
	}

	// private lookup: the prefix of the hash, the full hash comes back; for phone numbers,
	// whose hashes anyone could reverse by hashing every number, only to a caller with a key
	h := ident.HashHex(shopguard.KindPhone, "+8613812345678")
	st, _, body = ts.do(t, "GET", "/api/v1/lookup/phone/"+h[:5], "", nil)
	if st != 401 || strings.Contains(string(body), h) || errorOf(t, body).Code != shopguard.EUNAUTHORIZED {
		t.Fatalf("anonymous private lookup of a phone = %d %s", st, body)
	}
	user := ts.mustKey(t, "user1", shopguard.RoleUser, shopguard.ScopeCheck)
	st, _, body = ts.do(t, "GET", "/api/v1/lookup/phone/"+h[:5], "", bearer(user))
	if st != 200 || !strings.Contains(string(body), `"hash":"`+h+`"`) {
		t.Fatalf("private lookup with a key = %d %s", st, body)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/lookup/phone/xyz", "", nil); st != 400 {
		t.Fatalf("bad prefix = %d", st)
	}

	// logs never hold the number
	if strings.Contains(ts.logs.String(), "13812345678") || strings.Contains(ts.logs.String(), "1234 5678") {
		t.Fatal("logs hold the reported number")
	}
}

func TestModerationNeedsModerator(t *testing.T) {
	ts := newIntelServer(t)
	_, _, body := ts.do(t, "POST", "/api/v1/reports", contractReport, nil)
	var created struct{ ID int64 }
	json.Unmarshal(body, &created)
	id := itoa(created.ID)
	user := ts.mustKey(t, "user1", shopguard.RoleUser, shopguard.ScopeCheck, shopguard.ScopeReport)
	mod := ts.mustKey(t, "mod1", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeModerate)
	decision := `{"action":"confirm","reason":"the chat shows the deposit"}`
	if st, _, _ := ts.do(t, "POST", "/api/v1/reports/"+id+"/decision", decision, nil); st != 401 {
		t.Fatalf("anonymous decision = %d", st)
	}
	if st, _, _ := ts.do(t, "POST", "/api/v1/reports/"+id+"/decision", decision, bearer(user)); st != 403 {
		t.Fatalf("user decision = %d", st)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/reports", "", bearer(user)); st != 403 {
		t.Fatalf("user queue = %d", st)
	}
	st, _, body := ts.do(t, "GET", "/api/v1/reports", "", bearer(mod))
	if st != 200 || !strings.Contains(string(body), "+8613812345678") {
		t.Fatalf("moderator queue = %d %s", st, body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/reports/"+id+"/decision", `{"action":"confirm"}`, bearer(mod)); st != 400 || errorOf(t, body).Field != "reason" {
		t.Fatalf("decision without reason = %d %s", st, body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/reports/"+id+"/decision", decision, bearer(mod)); st != 200 || !strings.Contains(string(body), `"status":"confirmed"`) {
		t.Fatalf("confirm = %d %s", st, body)
	}
	if _, _, body := ts.do(t, "GET", "/api/v1/indicators/phone/13812345678", "", nil); !strings.Contains(string(body), `"risk":"high"`) || !strings.Contains(string(body), `"confirmed":true`) {
		t.Fatalf("after confirmation: %s", body)
	}
	st, _, body = ts.do(t, "GET", "/api/v1/indicators/phone/13812345678/reports", "", bearer(mod))
	if st != 200 || !strings.Contains(string(body), `"lost_minor":{"CNY":30000}`) || !strings.Contains(string(body), `"by_status":{"confirmed":1`) || !strings.Contains(string(body), `"narrative":"the seller asked`) {
		t.Fatalf("indicator reports = %d %s", st, body)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/indicators/phone/13812345678/reports", "", bearer(user)); st != 403 {
		t.Fatalf("indicator reports for a user = %d", st)
	}
	st, _, body = ts.do(t, "GET", "/api/v1/audit?subject=report:"+id, "", bearer(mod))
	if st != 200 || !strings.Contains(string(body), `"action":"report.confirm"`) || !strings.Contains(string(body), "the chat shows the deposit") {
		t.Fatalf("audit = %d %s", st, body)
	}
	// a signed-in user's key without the report scope may not report
	checkOnly := ts.mustKey(t, "user2", shopguard.RoleUser, shopguard.ScopeCheck)
	if st, _, _ := ts.do(t, "POST", "/api/v1/reports", contractReport, bearer(checkOnly)); st != 403 {
		t.Fatalf("report with a check-only key = %d", st)
	}
	if st, _, _ := ts.do(t, "POST", "/api/v1/reports", contractReport, bearer(user)); st != 201 {
		t.Fatalf("report with a report key = %d", st)
	}
	// asking the reporter for more: only they can answer, and the report goes back to the queue
	st, _, body = ts.do(t, "POST", "/api/v1/reports", strings.Replace(contractReport, "138 1234 5678", "139 1234 5678", 1), bearer(user))
	var second struct{ ID int64 }
	json.Unmarshal(body, &second)
	sid := itoa(second.ID)
	if st, _, body := ts.do(t, "POST", "/api/v1/reports/"+sid+"/decision", `{"action":"ask_info","reason":"which platform?"}`, bearer(mod)); st != 200 || !strings.Contains(string(body), `"status":"needs_info"`) {
		t.Fatalf("ask_info = %d %s", st, body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/me/reports", "", bearer(user)); st != 200 || !strings.Contains(string(body), `"status":"needs_info"`) {
		t.Fatalf("my reports = %d %s", st, body)
	}
	otherUser := ts.mustKey(t, "user3", shopguard.RoleUser, shopguard.ScopeReport)
	if st, _, _ := ts.do(t, "POST", "/api/v1/reports/"+sid+"/info", `{"text":"it was xianyu"}`, bearer(otherUser)); st != 403 {
		t.Fatalf("info from another user = %d", st)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/reports/"+sid+"/info", `{"text":"it was xianyu"}`, bearer(user)); st != 200 || !strings.Contains(string(body), `"status":"pending"`) {
		t.Fatalf("info from the reporter = %d %s", st, body)
	}
	// deleting removes the weight
	if st, _, _ := ts.do(t, "POST", "/api/v1/reports/"+id+"/decision", `{"action":"delete","reason":"withdrawn"}`, bearer(mod)); st != 204 {
		t.Fatalf("delete = %d", st)
	}
	if _, _, body := ts.do(t, "GET", "/api/v1/indicators/phone/13812345678", "", bearer(mod)); !strings.Contains(string(body), `"confirmed":false`) || !strings.Contains(string(body), `"reports":1`) {
		t.Fatalf("after delete: %s", body)
	}
}

func TestEvidenceTypeFromContent(t *testing.T) {
	ts := newIntelServer(t)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	withEvidence := func(name string, data []byte) string {
		var req map[string]any
		json.Unmarshal([]byte(contractReport), &req)
		req["evidence"] = []map[string]string{{"name": name, "content_base64": base64.StdEncoding.EncodeToString(data)}}
		b, _ := json.Marshal(req)
		return string(b)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/reports", withEvidence("chat.png", png), nil); st != 201 {
		t.Fatalf("png evidence = %d %s", st, body)
	}
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 64)...)
	st, _, body := ts.do(t, "POST", "/api/v1/reports", withEvidence("chat.png", exe), nil)
	if e := errorOf(t, body); st != 400 || e.Field != "evidence" || !strings.Contains(e.Message, "chat.png: the file is a Windows program") {
		t.Fatalf("a program named .png = %d %s", st, body)
	}
	big := bytes.Repeat([]byte("a"), shopguard.MaxEvidenceSize+1)
	if st, _, body := ts.do(t, "POST", "/api/v1/reports", withEvidence("notes.txt", big), nil); st != 413 {
		t.Fatalf("an 11 MiB file = %d %.200s", st, body)
	}
}

func TestAppealAPI(t *testing.T) {
	ts := newIntelServer(t)
	st, _, body := ts.do(t, "POST", "/api/v1/appeals", `{"kind":"domain","value":"honest-shop.com","reason":"our shop","contact":"owner@honest-shop.com","method":"dns_txt"}`, nil)
	var a struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Token   string `json:"token"`
		Publish string `json:"publish"`
	}
	if st != 201 || json.Unmarshal(body, &a) != nil || a.Status != "awaiting_proof" || a.Token == "" || !strings.Contains(a.Publish, "_shopguard-challenge.honest-shop.com") {
		t.Fatalf("domain appeal = %d %s", st, body)
	}
	if strings.Contains(string(body), "owner@") {
		t.Fatalf("the answer shows the contact: %s", body)
	}
	// the token is not published anywhere: control is not proven
	if st, _, body := ts.do(t, "POST", "/api/v1/appeals/"+itoa(a.ID)+"/verify", "", nil); st != 403 {
		t.Fatalf("verify without the token = %d %s", st, body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/appeals", `{"kind":"domain","value":"honest-shop.com","reason":"ours","method":"review"}`, nil); st != 400 || errorOf(t, body).Field != "method" {
		t.Fatalf("domain appeal by review = %d %s", st, body)
	}
	mod := ts.mustKey(t, "mod1", shopguard.RoleModerator, shopguard.ScopeModerate)
	st, _, body = ts.do(t, "POST", "/api/v1/appeals", `{"kind":"phone","value":"13812345678","reason":"it is my shop's number"}`, nil)
	json.Unmarshal(body, &a)
	if st != 201 || a.Status != "review" {
		t.Fatalf("phone appeal = %d %s", st, body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/appeals", "", bearer(mod)); st != 200 || !strings.Contains(string(body), "13812345678") {
		t.Fatalf("appeal queue = %d %s", st, body)
	}
	// An appeal's decision takes the shape of a report's: {"action","reason"}.
	for body, field := range map[string]string{`{"action":"confirm","reason":"x"}`: "action", `{"action":"reject","uphold":true,"reason":"x"}`: "uphold"} {
		if st, _, b := ts.do(t, "POST", "/api/v1/appeals/"+itoa(a.ID)+"/decision", body, bearer(mod)); st != 400 || errorOf(t, b).Field != field {
			t.Errorf("decision %s = %d %s", body, st, b)
		}
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/appeals/"+itoa(a.ID)+"/decision", `{"action":"uphold","reason":"shop licence checks out"}`, bearer(mod)); st != 200 || !strings.Contains(string(body), `"status":"upheld"`) {
		t.Fatalf("uphold = %d %s", st, body)
	}
	// The older form is still read.
	st, _, body = ts.do(t, "POST", "/api/v1/appeals", `{"kind":"phone","value":"13912345678","reason":"mine"}`, nil)
	json.Unmarshal(body, &a)
	if st, _, body := ts.do(t, "POST", "/api/v1/appeals/"+itoa(a.ID)+"/decision", `{"uphold":false,"reason":"no proof"}`, bearer(mod)); st != 200 || !strings.Contains(string(body), `"status":"rejected"`) {
		t.Fatalf("reject by the older form = %d %s", st, body)
	}
}

func TestExportImportAndSnapshotAPI(t *testing.T) {
	ts := newIntelServer(t)
	admin := ts.mustKey(t, "admin1", shopguard.RoleAdmin, shopguard.ScopeAdmin)
	csv := "kind,value,score,reports,confirmed,scam_types\nphone,13912345678,70,4,true,phishing\nphone,12,10,1,false,\ndomain,fake-refund-shop.com,80,3,true,phishing\n"
	if st, _, _ := ts.do(t, "POST", "/api/v1/indicators/import?format=csv&source=feed-a", csv, nil); st != 401 {
		t.Fatalf("anonymous import = %d", st)
	}
	st, _, body := ts.do(t, "POST", "/api/v1/indicators/import?format=csv&source=feed-a", csv, bearer(admin))
	if st != 200 || !strings.Contains(string(body), `"imported":2`) || !strings.Contains(string(body), `"record":2`) {
		t.Fatalf("import = %d %s", st, body)
	}
	if _, _, body := ts.do(t, "GET", "/api/v1/indicators/phone/13912345678", "", nil); !strings.Contains(string(body), `"risk":"high"`) {
		t.Fatalf("imported indicator: %s", body)
	}
	st, hdr, body := ts.do(t, "GET", "/api/v1/indicators/export?format=stix", "", bearer(admin))
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/stix+json") || !strings.Contains(string(body), "x-shopguard-phone:value = '+8613912345678'") {
		t.Fatalf("export = %d %s", st, body)
	}
	// A domain whose only report a moderator rejected, and which a "not a scam" voice keeps
	// known to the index, is no finding.
	mod := ts.mustKey(t, "mod1", shopguard.RoleModerator, shopguard.ScopeReport, shopguard.ScopeModerate)
	st, _, body = ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"fake_shop","identifiers":[{"kind":"domain","value":"honest-tea-shop.com"}],"narrative":"never got the tea"}`, nil)
	var created struct{ ID int64 }
	if st != 201 || json.Unmarshal(body, &created) != nil {
		t.Fatalf("report: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/reports/"+itoa(created.ID)+"/decision", `{"action":"reject","reason":"the parcel arrived"}`, bearer(mod)); st != 200 {
		t.Fatalf("reject: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/feedback", `{"kind":"domain","value":"honest-tea-shop.com","comment":"bought there twice"}`, bearer(mod)); st/100 != 2 {
		t.Fatalf("feedback: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/indicators/domain/honest-tea-shop.com/reports", "", bearer(mod)); st != 200 || !strings.Contains(string(body), `"not_scam":1`) {
		t.Fatalf("the rejected domain is not known to the index: %d %s", st, body)
	}
	st, _, body = ts.do(t, "GET", "/api/v1/indicators/snapshot", "", nil)
	if st != 200 {
		t.Fatalf("snapshot = %d", st)
	}
	// The public snapshot holds the confirmed domain only: not the phone number, whose hash
	// anyone could find by hashing every number, nor the rejected domain.
	x, info, err := intel.ReadSnapshot(bytes.NewReader(body), nil)
	if err != nil || info.Indicators != 1 || info.Keyed {
		t.Fatalf("snapshot: %+v, %v", info, err)
	}
	for _, c := range []struct {
		kind  shopguard.Kind
		value string
		known bool
	}{{shopguard.KindDomain, "fake-refund-shop.com", true}, {shopguard.KindPhone, "13912345678", false}, {shopguard.KindDomain, "honest-tea-shop.com", false}} {
		if r, known, _ := x.Risk(c.kind, c.value, info.Created); known != c.known || known && r != shopguard.RiskHigh {
			t.Errorf("snapshot lookup %s %s: %s %v, want known %v", c.kind, c.value, r, known, c.known)
		}
		if h := ident.Hash(c.kind, mustCanonical(t, c.kind, c.value)); bytes.Contains(body, h[:16]) != c.known {
			t.Errorf("the snapshot's bytes hold %s %s: %v", c.kind, c.value, !c.known)
		}
	}
	// Nor does a private lookup give the rejected domain away.
	h := ident.HashHex(shopguard.KindDomain, "honest-tea-shop.com")
	if st, _, body := ts.do(t, "GET", "/api/v1/lookup/domain/"+h[:5], "", nil); st != 200 || strings.Contains(string(body), h) {
		t.Errorf("private lookup of the rejected domain: %d %s", st, body)
	}
}

func mustCanonical(t *testing.T, kind shopguard.Kind, value string) string {
	t.Helper()
	v, err := ident.Canonical(kind, value)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Money is one object in answers, {"amount","currency"}; a report takes it too, and a currency
// outside ISO 4217 is refused.
func TestMoneyOneForm(t *testing.T) {
	ts := newIntelServer(t)
	mod := ts.mustKey(t, "mod1", shopguard.RoleModerator, shopguard.ScopeModerate)
	body := `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],"money":{"amount":"3299.00","currency":"CNY"},"narrative":"paid a deposit, then blocked"}`
	st, _, b := ts.do(t, "POST", "/api/v1/reports", body, nil)
	var created struct{ ID int64 }
	if st != 201 || json.Unmarshal(b, &created) != nil {
		t.Fatalf("report with money: %d %s", st, b)
	}
	st, _, b = ts.do(t, "GET", "/api/v1/reports/"+itoa(created.ID), "", bearer(mod))
	if st != 200 || !strings.Contains(string(b), `"money":{"amount":"3299.00","currency":"CNY"}`) || !strings.Contains(string(b), `"amount":"3299.00"`) {
		t.Errorf("report answer: %d %s", st, b)
	}
	for in, field := range map[string]string{
		`"amount":"10.00","currency":"RMB"`:                            "currency",
		`"amount":"10.00","money":{"amount":"11.00","currency":"CNY"}`: "money",
	} {
		st, _, b := ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],`+in+`,"narrative":"x"}`, nil)
		if st != 400 || errorOf(t, b).Field != field {
			t.Errorf("%s: %d %s", in, st, b)
		}
	}
	st, _, b = ts.do(t, "POST", "/api/v1/cases", `{"lang":"en","triage":{"amount_fen":329900}}`, nil)
	var c struct{ ID, Key string }
	if st != 201 || json.Unmarshal(b, &c) != nil {
		t.Fatalf("new case: %d %s", st, b)
	}
	st, _, b = ts.do(t, "GET", "/api/v1/cases/"+c.ID, "", bearer(c.Key))
	if st != 200 || !strings.Contains(string(b), `"money":{"amount":"3299.00","currency":"CNY"}`) {
		t.Errorf("case answer: %d %.600s", st, b)
	}
}

// secretCounter is a store that counts the reads of the secret of the private links.
type secretCounter struct {
	shopguard.Store
	reads atomic.Int64
}

func (s *secretCounter) Secret(ctx context.Context, name string) ([]byte, error) {
	if name == "links" {
		s.reads.Add(1)
	}
	return s.Store.Secret(ctx, name)
}

// Filing reports reads the secret of the private links from the store once, not once a
// report (two round trips to the database each), and every report's link opens its page.
func TestReportsReadTheLinksSecretOnce(t *testing.T) {
	store := tempSQLite(t)
	counted := &secretCounter{Store: store}
	ts := newTestServerOn(t, counted, nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := ts.srv.StartIntel(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		st, _, body := ts.do(t, "POST", "/api/v1/reports", contractReport, map[string]string{"X-Forwarded-For": "10.0." + strconv.Itoa(i) + ".1"})
		var created struct{ Link string }
		if st != 201 || json.Unmarshal(body, &created) != nil || created.Link == "" {
			t.Fatalf("POST /api/v1/reports = %d %s", st, body)
		}
		if st, _, body := ts.do(t, "GET", strings.TrimPrefix(created.Link, ts.URL), "", nil); st != 200 {
			t.Fatalf("GET the report's private link = %d %.200s", st, body)
		}
	}
	if n := counted.reads.Load(); n != 1 {
		t.Errorf("the secret of the private links was read %d times for 3 reports and their pages, want once", n)
	}
}
