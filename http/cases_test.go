package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/internal/testenv"
)

var (
	testPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
	testPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
)

// createCase starts a case over the API and returns its id and key.
func createCase(t *testing.T, ts *testServer, body string, hdr map[string]string) (string, string) {
	t.Helper()
	st, h, b := ts.do(t, "POST", "/api/v1/cases", body, hdr)
	if st != http.StatusCreated {
		t.Fatalf("POST /api/v1/cases = %d %s", st, b)
	}
	var out struct{ ID, Key string }
	if err := json.Unmarshal(b, &out); err != nil || out.ID == "" || !strings.HasPrefix(out.Key, "sgc_") || h.Get("Location") == "" {
		t.Fatalf("create answer %s (%v)", b, err)
	}
	return out.ID, out.Key
}

// multipartBody builds an upload with an optional note before the file.
func multipartBody(t testing.TB, field, name, note string, data []byte) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if note != "" {
		mw.WriteField("note", note)
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// upload posts a file to a case and returns the status and body.
func upload(t *testing.T, ts *testServer, id, key, name, note string, data []byte) (int, []byte) {
	t.Helper()
	ct, body := multipartBody(t, "file", name, note, data)
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/cases/"+id+"/evidence", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestCaseAPIContract(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"lang":"zh-CN","triage":{"culprit":"seller","payment":"transfer","amount_fen":329900,"counterparty":"数码小店","seller_location":"广东省深圳市"}}`, nil)
	auth := map[string]string{"Authorization": "Bearer " + key}

	st, b := upload(t, ts, id, key, "../聊天记录.png", "卖家让我私下转账", testPNG)
	if st != http.StatusCreated || !strings.Contains(string(b), `"sha256"`) {
		t.Fatalf("upload = %d %s", st, b)
	}
	var e shopguard.EvidenceEntry
	json.Unmarshal(b, &e)
	if e.Name != "聊天记录.png" || e.Type != "image/png" || e.Note != "卖家让我私下转账" || e.Seq != 1 {
		t.Fatalf("evidence entry = %+v", e)
	}
	if st, b := upload(t, ts, id, key, "receipt.pdf", "", testPDF); st != http.StatusCreated {
		t.Fatalf("second upload = %d %s", st, b)
	}

	st, _, b = ts.do(t, "GET", "/api/v1/cases/"+id+"/plan?lang=en", "", auth)
	var plan casework.Plan
	if st != 200 || json.Unmarshal(b, &plan) != nil || len(plan.Steps) == 0 || plan.Steps[0].Channel != casework.ChanPolice || !plan.Steps[0].Urgent || plan.Lang != "en" {
		t.Fatalf("plan = %d %s", st, b)
	}

	for _, lang := range []string{"zh-CN", "en"} {
		for _, name := range casework.Documents {
			st, h, body := ts.do(t, "GET", fmt.Sprintf("/api/v1/cases/%s/documents/%s.pdf?lang=%s", id, name, lang), "", auth)
			if st != 200 || h.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
				t.Fatalf("%s.pdf %s = %d %s", name, lang, st, h.Get("Content-Type"))
			}
			st, _, body = ts.do(t, "GET", fmt.Sprintf("/api/v1/cases/%s/documents/%s.md?lang=%s", id, name, lang), "", auth)
			if st != 200 || !strings.Contains(string(body), e.SHA256) {
				t.Fatalf("%s.md %s = %d, lacks the evidence hash", name, lang, st)
			}
		}
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id+"/documents/secret.pdf", "", auth); st != 404 {
		t.Fatalf("unknown document = %d", st)
	}

	st, h, pkg := ts.do(t, "GET", "/api/v1/cases/"+id+"/package.zip", "", auth)
	if st != 200 || h.Get("Content-Type") != "application/zip" {
		t.Fatalf("package = %d %s", st, h.Get("Content-Type"))
	}
	r, err := casework.VerifyPackage(bytes.NewReader(pkg), int64(len(pkg)), casework.DefaultVerifyLimits)
	if err != nil || !r.OK() || r.Entries != 2 {
		t.Fatalf("downloaded package: %+v %v", r, err)
	}
	if st, _, b := ts.do(t, "GET", "/api/v1/cases/"+id+"/verify", "", auth); st != 200 || !strings.Contains(string(b), `"intact":true`) {
		t.Fatalf("verify = %d %s", st, b)
	}

	// Tracking and follow-ups.
	st, _, b = ts.do(t, "PUT", "/api/v1/cases/"+id+"/channels/police", `{"state":"submitted","reference":"110-2026-001","follow_up":"2026-01-05"}`, auth)
	if st != 200 {
		t.Fatalf("set status = %d %s", st, b)
	}
	if st, _, b := ts.do(t, "PUT", "/api/v1/cases/"+id+"/channels/police", `{"state":"submitted"}`, auth); st != 400 || errorOf(t, b).Field != "reference" {
		t.Fatalf("submitted without reference = %d %s", st, b)
	}
	if st, _, _ := ts.do(t, "PUT", "/api/v1/cases/"+id+"/channels/astrologer", `{"state":"closed"}`, auth); st != 400 {
		t.Fatalf("unknown channel = %d", st)
	}
	st, _, b = ts.do(t, "GET", "/api/v1/cases/"+id+"/followups?day=2026-01-06", "", auth)
	if st != 200 || !strings.Contains(string(b), "110-2026-001") {
		t.Fatalf("followups = %d %s", st, b)
	}
	if _, _, b := ts.do(t, "GET", "/api/v1/cases/"+id+"/followups?day=2026-01-04", "", auth); strings.Contains(string(b), "110-2026-001") {
		t.Fatalf("follow-up listed before its day: %s", b)
	}
	st, _, b = ts.do(t, "GET", "/api/v1/cases/"+id, "", auth)
	if st != 200 || !strings.Contains(string(b), `"next"`) {
		t.Fatalf("case = %d %s", st, b)
	}
}

func TestCaseIsOnlyForItsOwner(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"triage":{}}`, nil)
	otherID, otherKey := createCase(t, ts, `{"triage":{}}`, nil)
	mod := ts.mustKey(t, "mod", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeReport, shopguard.ScopeModerate)
	admin := ts.mustKey(t, "root", shopguard.RoleAdmin, shopguard.ScopeCheck, shopguard.ScopeReport, shopguard.ScopeModerate, shopguard.ScopeAdmin)
	for name, hdr := range map[string]map[string]string{
		"nobody":                            nil,
		"another case's key":                {"Authorization": "Bearer " + otherKey},
		"a forged key":                      {"Authorization": "Bearer sgc_" + strings.Repeat("A", 43)},
		"a moderator":                       {"Authorization": "Bearer " + mod},
		"an admin":                          {"Authorization": "Bearer " + admin},
		"a key in a cookie of another case": {"Cookie": "sg_case_" + otherID + "=" + otherKey},
	} {
		for _, path := range []string{"", "/plan", "/evidence", "/package.zip", "/documents/police_report.md"} {
			if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id+path, "", hdr); st != 404 {
				t.Errorf("%s reading %s: %d, want 404", name, path, st)
			}
		}
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id, "", map[string]string{"Cookie": "sg_case_" + id + "=" + key}); st != 200 {
		t.Errorf("the browser cookie of the case does not open it: %d", st)
	}

	// A signed-in owner opens their case without the key, and lists it.
	user := ts.mustKey(t, "victim", shopguard.RoleUser, shopguard.ScopeCheck, shopguard.ScopeReport)
	own, _ := createCase(t, ts, `{"triage":{"culprit":"impostor"}}`, map[string]string{"Authorization": "Bearer " + user})
	if st, _, b := ts.do(t, "GET", "/api/v1/cases/"+own, "", map[string]string{"Authorization": "Bearer " + user}); st != 200 {
		t.Fatalf("owner reading own case: %d %s", st, b)
	}
	if _, _, b := ts.do(t, "GET", "/api/v1/cases", "", map[string]string{"Authorization": "Bearer " + user}); !strings.Contains(string(b), own) || strings.Contains(string(b), id) {
		t.Fatalf("owner's case list: %s", b)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+own, "", map[string]string{"Authorization": "Bearer " + mod}); st != 404 {
		t.Fatalf("moderator reading a user's case: %d", st)
	}
}

func TestDeleteCaseDeletesFiles(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"triage":{}}`, nil)
	if st, b := upload(t, ts, id, key, "a.png", "", testPNG); st != 201 {
		t.Fatalf("upload %d %s", st, b)
	}
	root := ts.blobDir
	if n := len(testenv.BlobFiles(t, root)); n != 1 {
		t.Fatalf("%d files stored, want 1", n)
	}
	auth := map[string]string{"Authorization": "Bearer " + key}
	testenv.AgeBlobs(t, root)
	if st, _, b := ts.do(t, "DELETE", "/api/v1/cases/"+id, "", auth); st != 204 {
		t.Fatalf("delete = %d %s", st, b)
	}
	if n := len(testenv.BlobFiles(t, root)); n != 0 {
		t.Fatalf("%d files left after deleting the case", n)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id, "", auth); st != 404 {
		t.Fatalf("deleted case still answers %d", st)
	}
}

func TestUploadErrors(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) { c.MaxUploadBytes = 64 << 10 })
	id, key := createCase(t, ts, `{"triage":{}}`, nil)
	tests := []struct {
		name  string
		data  []byte
		code  int
		field string
	}{
		{"empty.png", nil, 400, "file"},
		{"evil.exe", []byte("MZ\x90\x00"), 400, "file"},
		{"big.txt", bytes.Repeat([]byte("a"), 100<<10), 413, ""},
	}
	for _, tt := range tests {
		st, b := upload(t, ts, id, key, tt.name, "", tt.data)
		if st != tt.code || (tt.field != "" && errorOf(t, b).Field != tt.field) {
			t.Errorf("%s: %d %s, want %d", tt.name, st, b, tt.code)
		}
	}
	// Not multipart, and multipart without a file field.
	st, _, b := ts.do(t, "POST", "/api/v1/cases/"+id+"/evidence", `{"file":"x"}`, map[string]string{"Authorization": "Bearer " + key})
	if st != 400 || errorOf(t, b).Field != "file" {
		t.Errorf("JSON upload: %d %s", st, b)
	}
	if n := len(testenv.BlobFiles(t, ts.blobDir)); n != 0 {
		t.Errorf("%d files left after refused uploads", n)
	}
}

func TestShareGivesReadOnlyAccessUntilRevoked(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"triage":{"culprit":"seller"}}`, nil)
	owner := map[string]string{"Authorization": "Bearer " + key}
	if st, b := upload(t, ts, id, key, "a.png", "", testPNG); st != 201 {
		t.Fatalf("upload %d %s", st, b)
	}
	st, _, b := ts.do(t, "POST", "/api/v1/cases/"+id+"/share", "", owner)
	var sh struct{ Token, URL string }
	if st != 201 || json.Unmarshal(b, &sh) != nil || !strings.HasPrefix(sh.Token, "sgs_") {
		t.Fatalf("share = %d %s", st, b)
	}
	reader := map[string]string{"Authorization": "Bearer " + sh.Token}
	for _, path := range []string{"", "/plan", "/evidence", "/evidence/1", "/documents/police_report.md", "/package.zip", "/verify"} {
		if st, _, b := ts.do(t, "GET", "/api/v1/cases/"+id+path, "", reader); st != 200 {
			t.Errorf("reader GET %s = %d %s", path, st, b)
		}
	}
	if st, _ := upload(t, ts, id, sh.Token, "b.pdf", "", testPDF); st != 404 {
		t.Errorf("reader upload = %d, want 404", st)
	}
	for _, req := range [][2]string{{"DELETE", ""}, {"POST", "/share"}, {"DELETE", "/share"}, {"PUT", "/channels/police"}} {
		if st, _, _ := ts.do(t, req[0], "/api/v1/cases/"+id+req[1], `{"state":"closed"}`, reader); st != 404 {
			t.Errorf("reader %s %s = %d, want 404", req[0], req[1], st)
		}
	}
	// The share link in a browser: the token moves to a cookie and the page is read-only.
	jar := newJarClient(t, ts)
	resp, err := jar.Get(ts.URL + sh.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `id="read-only"`) || strings.Contains(string(page), `id="upload"`) || strings.Contains(string(page), "/delete") {
		t.Fatalf("shared page = %d (read-only mark or forms wrong)", resp.StatusCode)
	}
	if resp.Request.URL.RawQuery != "" {
		t.Errorf("the token stayed in the address bar: %s", resp.Request.URL)
	}
	if st, _, _ := ts.do(t, "DELETE", "/api/v1/cases/"+id+"/share", "", owner); st != 204 {
		t.Fatalf("unshare = %d", st)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id, "", reader); st != 404 {
		t.Fatalf("revoked token still reads: %d", st)
	}
}

// newJarClient returns a client of the test server that keeps cookies.
func newJarClient(t *testing.T, ts *testServer) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *ts.Client()
	c.Jar = jar
	return &c
}

// The case page's forms unshare and delete a case as the API does, for the holder of its key.
func TestCaseFormsUnshareAndDelete(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"triage":{}}`, nil)
	if st, b := upload(t, ts, id, key, "a.png", "", testPNG); st != 201 {
		t.Fatalf("upload %d %s", st, b)
	}
	owner := map[string]string{"Authorization": "Bearer " + key}
	st, _, b := ts.do(t, "POST", "/api/v1/cases/"+id+"/share", "", owner)
	var sh struct{ Token string }
	if st != 201 || json.Unmarshal(b, &sh) != nil {
		t.Fatalf("share = %d %s", st, b)
	}
	reader := map[string]string{"Authorization": "Bearer " + sh.Token}
	form := func(path, body string) int {
		t.Helper()
		req, err := http.NewRequest("POST", ts.URL+"/cases/"+id+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "sg_case_" + id, Value: key})
		c := *ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := form("/unshare", ""); st != http.StatusSeeOther {
		t.Fatalf("unshare form = %d, want 303", st)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id, "", reader); st != 404 {
		t.Fatalf("after the unshare form the share token still reads: %d", st)
	}
	testenv.AgeBlobs(t, ts.blobDir)
	// Deleting is deliberate: without the confirmation ticked nothing goes.
	if st := form("/delete", ""); st != http.StatusBadRequest {
		t.Fatalf("delete form without confirmation = %d, want 400", st)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id, "", owner); st != 200 {
		t.Fatalf("an unconfirmed delete took the case: %d", st)
	}
	if st := form("/delete", "confirm=on"); st != http.StatusSeeOther {
		t.Fatalf("delete form = %d, want 303", st)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/cases/"+id, "", owner); st != 404 {
		t.Fatalf("after the delete form the case still answers %d", st)
	}
	if n := len(testenv.BlobFiles(t, ts.blobDir)); n != 0 {
		t.Fatalf("%d files left after the delete form", n)
	}
}
