package http_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/testenv"
)

// testMP3 is a recording: the case takes it, a community report does not.
var testMP3 = append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00"), make([]byte, 64)...)

const reportedTriage = `{"lang":"zh-CN","triage":{"what":"卖家让我先付定金，收款后把我拉黑了","culprit":"seller","payment":"transfer","amount_fen":329900,"paid_on":"2026-11-18","platform":"闲鱼"}}`

// uploaded uploads a file to a case and returns its SHA-256.
func uploaded(t *testing.T, ts *testServer, id, key, name string, data []byte) string {
	t.Helper()
	st, b := upload(t, ts, id, key, name, "", data)
	var e shopguard.EvidenceEntry
	if st != 201 || json.Unmarshal(b, &e) != nil {
		t.Fatalf("upload %s = %d %s", name, st, b)
	}
	return e.SHA256
}

// caseReportBody is a report request for a case; consent is left out when consent is "".
func caseReportBody(consent, phone string, evidence ...string) string {
	ev, _ := json.Marshal(evidence)
	c := ""
	if consent != "" {
		c = `"consent":` + consent + `,`
	}
	return fmt.Sprintf(`{%s"scam_type":"off_platform_payment","identifiers":[{"kind":"phone","value":%q}],"evidence":%s}`, c, phone, ev)
}

func TestCaseReportContract(t *testing.T) {
	ts := newIntelServer(t)
	mod := ts.mustKey(t, "mod", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeReport, shopguard.ScopeModerate)
	id, key := createCase(t, ts, reportedTriage, nil)
	owner := bearer(key)
	png := uploaded(t, ts, id, key, "聊天记录.png", testPNG)
	mp3 := uploaded(t, ts, id, key, "call.mp3", testMP3)
	otherID, otherKey := createCase(t, ts, `{"triage":{}}`, nil)
	foreign := uploaded(t, ts, otherID, otherKey, "receipt.pdf", testPDF)
	path := "/api/v1/cases/" + id + "/report"
	good := caseReportBody("true", "138 1234 5678", png)

	for name, hdr := range map[string]map[string]string{"nobody": nil, "another case's key": bearer(otherKey), "a moderator": bearer(mod)} {
		if st, _, b := ts.do(t, "POST", path, good, hdr); st != 404 {
			t.Errorf("%s reporting the case: %d %s, want 404", name, st, b)
		}
	}
	for _, c := range []struct{ name, body, field, says string }{
		{"no consent", caseReportBody("", "138 1234 5678", png), "consent", "consent"},
		{"consent refused", caseReportBody("false", "138 1234 5678", png), "consent", "consent"},
		{"a bad phone", caseReportBody("true", "138 1234", png), "identifiers[0].value", ""},
		{"another case's file", caseReportBody("true", "138 1234 5678", png, foreign), "evidence", foreign},
		{"a recording", caseReportBody("true", "138 1234 5678", png, mp3), "evidence", "call.mp3"},
		{"no scam type", strings.Replace(good, `"off_platform_payment"`, `""`, 1), "scam_type", ""},
		{"an unknown scam type", strings.Replace(good, `"off_platform_payment"`, `"no_such_scam"`, 1), "scam_type", ""},
	} {
		st, _, b := ts.do(t, "POST", path, c.body, owner)
		if e := errorOf(t, b); st != 400 || e.Field != c.field || !strings.Contains(e.Message, c.says) {
			t.Errorf("%s: %d %s; want 400 about %s saying %q", c.name, st, b, c.field, c.says)
		}
	}
	if _, _, b := ts.do(t, "GET", "/api/v1/reports?status=all", "", bearer(mod)); strings.Contains(string(b), "定金") {
		t.Fatalf("a refused case report reached the queue: %s", b)
	}

	st, _, b := ts.do(t, "POST", path, good, owner)
	var filed struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if st != 201 || json.Unmarshal(b, &filed) != nil || filed.ID == 0 || filed.Status != "pending" {
		t.Fatalf("report the case = %d %s", st, b)
	}

	// The moderators' queue has it, with the triage's story, platform, amount and date.
	_, _, b = ts.do(t, "GET", "/api/v1/reports", "", bearer(mod))
	var queue struct{ Reports []shopguard.Report }
	if err := json.Unmarshal(b, &queue); err != nil || len(queue.Reports) != 1 {
		t.Fatalf("queue = %s (%v)", b, err)
	}
	r := queue.Reports[0]
	if r.ID != filed.ID || r.Narrative != "卖家让我先付定金，收款后把我拉黑了" || r.ScamType != "off_platform_payment" || r.Platform != "xianyu" ||
		r.Amount != "3299.00" || r.Currency != "CNY" || r.OccurredOn != "2026-11-18" || r.ReporterID != 0 || r.Trust != shopguard.TrustAnonymous ||
		len(r.Identifiers) != 1 || r.Identifiers[0] != (shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613812345678"}) ||
		len(r.Evidence) != 1 || r.Evidence[0].SHA256 != png || r.Evidence[0].Name != "聊天记录.png" || r.Evidence[0].MediaType != "image/png" {
		t.Fatalf("queued report = %+v", r)
	}
	if _, _, b := ts.do(t, "GET", "/api/v1/indicators/phone/13812345678", "", bearer(mod)); !strings.Contains(string(b), `"reports":1`) {
		t.Fatalf("lookup after the case report: %s", b)
	}

	// The case shows it, and is reported once.
	_, _, b = ts.do(t, "GET", "/api/v1/cases/"+id, "", owner)
	if !strings.Contains(string(b), fmt.Sprintf(`"report":{"id":%d,"status":"pending"}`, filed.ID)) {
		t.Fatalf("case after the report: %s", b)
	}
	st, _, b = ts.do(t, "POST", path, caseReportBody("true", "139 0000 1111"), owner)
	if e := errorOf(t, b); st != 409 || e.Code != shopguard.ECONFLICT {
		t.Fatalf("second report of the case = %d %s; want 409 conflict", st, b)
	}

	// The report keeps its file when the victim deletes the case.
	testenv.AgeBlobs(t, ts.blobDir)
	if st, _, b := ts.do(t, "DELETE", "/api/v1/cases/"+id, "", owner); st != 204 {
		t.Fatalf("delete case = %d %s", st, b)
	}
	if _, err := os.Stat(filepath.Join(ts.blobDir, png[:2], png[2:4], png)); err != nil {
		t.Fatalf("the report's file went with the case: %v", err)
	}
	if _, err := os.Stat(filepath.Join(ts.blobDir, mp3[:2], mp3[2:4], mp3)); !os.IsNotExist(err) {
		t.Fatalf("the case's unreported file stayed after deleting the case: %v", err)
	}
}

// A signed-in owner's case report is theirs and weighs as an account's.
func TestCaseReportBySignedInOwner(t *testing.T) {
	ts := newIntelServer(t)
	user := ts.mustKey(t, "victim", shopguard.RoleUser, shopguard.ScopeCheck, shopguard.ScopeReport)
	id, _ := createCase(t, ts, reportedTriage, bearer(user))
	st, _, b := ts.do(t, "POST", "/api/v1/cases/"+id+"/report", caseReportBody("true", "138 1234 5678"), bearer(user))
	if st != 201 {
		t.Fatalf("report = %d %s", st, b)
	}
	_, _, b = ts.do(t, "GET", "/api/v1/me/reports", "", bearer(user))
	var mine struct{ Reports []shopguard.Report }
	if json.Unmarshal(b, &mine) != nil || len(mine.Reports) != 1 || mine.Reports[0].Trust != shopguard.TrustAccount || mine.Reports[0].ReporterID == 0 {
		t.Fatalf("the owner's reports = %s", b)
	}

}
