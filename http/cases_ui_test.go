package http_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/shopguard/shopguard/casework"
	shttp "github.com/shopguard/shopguard/http"
)

// browserish sends a request as a browser does (HTML wanted, in lang) with c, and returns the
// status of the first answer, where it led, and the page finally shown.
func browserish(t *testing.T, c *http.Client, method, u, ctype string, body io.Reader, lang string) (first int, final string, page string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", lang)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	cc := *c
	cc.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if first == 0 {
			first = r.Response.StatusCode
		}
		return nil
	}
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if first == 0 {
		first = resp.StatusCode
	}
	return first, resp.Request.URL.Path, string(b)
}

var caseLink = regexp.MustCompile(`href="/cases/([a-z0-9]{16})"`)

// newWebCase makes a case with the questionnaire in a browser-like client and returns its id.
func newWebCase(t *testing.T, ts *testServer, c *http.Client, what string) string {
	t.Helper()
	first, final, page := browserish(t, c, "POST", ts.URL+"/cases", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"what": {what}, "amount": {"300"}}.Encode()), "en")
	m := caseLink.FindStringSubmatch(page)
	if first != http.StatusSeeOther || !strings.HasSuffix(final, "/created") || m == nil || !strings.Contains(page, `id="case-key"`) {
		t.Fatalf("new case: first answer %d, shown %s\n%.600s", first, final, page)
	}
	return m[1]
}

// Creating a case answers 303, so a reload shows it again instead of making a duplicate;
// "My cases" lists the cases this browser holds and opens each in one click.
func TestMyCasesAndRedirectAfterPost(t *testing.T) {
	ts := newTestServer(t, nil)
	c := newJarClient(t, ts)
	a := newWebCase(t, ts, c, "first case: a phone never came")
	// A reload of the page after the POST is a GET of the same case.
	if _, final, page := browserish(t, c, "GET", ts.URL+"/cases/"+a+"/created", "", nil, "en"); final != "/cases/"+a+"/created" || !strings.Contains(page, a) {
		t.Fatalf("reload of the created page: %s", final)
	}
	b := newWebCase(t, ts, c, "second case: a deposit for a flat")
	st, _, page := browserish(t, c, "GET", ts.URL+"/cases", "", nil, "en")
	if st != 200 || strings.Count(page, `href="/cases/`+a+`"`) != 1 || strings.Count(page, `href="/cases/`+b+`"`) != 1 ||
		len(caseLink.FindAllString(page, -1)) != 2 || !strings.Contains(page, "a deposit for a flat") {
		t.Fatalf("my cases = %d\n%s", st, page)
	}
	if st, final, page := browserish(t, c, "GET", ts.URL+"/cases/"+b, "", nil, "en"); st != 200 || final != "/cases/"+b || !strings.Contains(page, `id="upload"`) {
		t.Fatalf("one click to the case: %d %s", st, final)
	}
	// Another browser holds none of them.
	if _, _, page := browserish(t, newJarClient(t, ts), "GET", ts.URL+"/cases", "", nil, "zh-CN"); caseLink.MatchString(page) || !strings.Contains(page, `id="no-cases"`) {
		t.Fatalf("a stranger's list shows cases:\n%s", page)
	}
	// The share form answers 303 too, and the new link is shown once on the case page.
	st, final, page := browserish(t, c, "POST", ts.URL+"/cases/"+b+"/share", "application/x-www-form-urlencoded", strings.NewReader(""), "en")
	if st != http.StatusSeeOther || final != "/cases/"+b || !strings.Contains(page, `id="share-url"`) {
		t.Fatalf("share form: %d %s", st, final)
	}
	if _, _, page := browserish(t, c, "GET", ts.URL+"/cases/"+b, "", nil, "en"); strings.Contains(page, `id="share-url"`) {
		t.Fatal("the share link is shown again on a reload")
	}
}

// Deleting a case takes two deliberate steps, the first offering the evidence package.
func TestDeleteCaseTakesTwoSteps(t *testing.T) {
	ts := newTestServer(t, nil)
	c := newJarClient(t, ts)
	id := newWebCase(t, ts, c, "a case to delete")
	_, _, page := browserish(t, c, "GET", ts.URL+"/cases/"+id, "", nil, "en")
	if strings.Contains(page, `action="/cases/`+id+`/delete"`) || !strings.Contains(page, `href="/cases/`+id+`/delete"`) {
		t.Fatal("the case page deletes in one click")
	}
	st, _, page := browserish(t, c, "GET", ts.URL+"/cases/"+id+"/delete", "", nil, "zh-CN")
	if st != 200 || !strings.Contains(page, `href="/api/v1/cases/`+id+`/package.zip"`) || !strings.Contains(page, `id="delete-confirm"`) {
		t.Fatalf("delete page = %d\n%s", st, page)
	}
	assertOneLanguage(t, "delete page", page)
	if st, _, page := browserish(t, c, "POST", ts.URL+"/cases/"+id+"/delete", "application/x-www-form-urlencoded", strings.NewReader(""), "en"); st != 400 || !strings.Contains(page, `id="delete-error"`) {
		t.Fatalf("delete without confirmation = %d", st)
	}
	if st, _, _ := browserish(t, c, "GET", ts.URL+"/cases/"+id, "", nil, "en"); st != 200 {
		t.Fatalf("the case went without confirmation: %d", st)
	}
	st, final, page := browserish(t, c, "POST", ts.URL+"/cases/"+id+"/delete", "application/x-www-form-urlencoded", strings.NewReader("confirm=on"), "en")
	if st != http.StatusSeeOther || final != "/cases" || !strings.Contains(page, `id="deleted"`) {
		t.Fatalf("confirmed delete = %d %s", st, final)
	}
	if st, _, _ := browserish(t, c, "GET", ts.URL+"/cases/"+id, "", nil, "en"); st != 404 {
		t.Fatalf("after the delete the case answers %d", st)
	}
}

// uploadForm posts a file through the case page's upload form.
func uploadForm(t *testing.T, ts *testServer, c *http.Client, id, name string, data []byte, lang string) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("note", "录屏")
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	return browserish(t, c, "POST", ts.URL+"/cases/"+id+"/evidence", w.FormDataContentType(), &buf, lang)
}

// mp4 returns an MP4 file of n bytes: an ftyp box and zeros.
func mp4(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	return b
}

// A file over the limit is refused in place, the case still open and the limit stated; the
// form states the limit before; a screen recording of ordinary length is taken.
func TestUploadLimitIsStatedAndRefusedInPlace(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) {
		c.Evidence = casework.Limits{FileSize: 1 << 20, CaseSize: 4 << 20, Files: 10}
		c.MaxUploadBytes = c.Evidence.FileSize + 1<<20
	})
	c := newJarClient(t, ts)
	id := newWebCase(t, ts, c, "a recording of the call")
	_, _, page := browserish(t, c, "GET", ts.URL+"/cases/"+id, "", nil, "zh-CN")
	if !strings.Contains(page, `id="upload-limit"`) || !strings.Contains(page, "每个文件最大 1 MB") {
		t.Fatal("the upload form does not state the limit")
	}
	for _, size := range []int{3 << 19, 5 << 20} { // over the file limit; over the whole request limit
		st, final, page := uploadForm(t, ts, c, id, "录屏.mp4", mp4(size), "zh-CN")
		if st != http.StatusRequestEntityTooLarge || final != "/cases/"+id+"/evidence" || !strings.Contains(page, `id="upload"`) ||
			!strings.Contains(errorText(t, page), "每个文件最大 1 MB") {
			t.Fatalf("%d bytes: %d %s %q", size, st, final, errorText(t, page))
		}
		assertOneLanguage(t, "upload refused", page)
	}
	if st, _, page := uploadForm(t, ts, c, id, "short.mp4", mp4(900<<10), "en"); st != http.StatusSeeOther || !strings.Contains(page, "short.mp4") {
		t.Fatalf("a file under the limit: %d", st)
	}
}

// The default limit takes a phone's screen recording of a few minutes (tens of MB).
func TestScreenRecordingFitsTheDefaultLimit(t *testing.T) {
	if casework.DefaultLimits.FileSize < 200<<20 {
		t.Fatalf("a case file may be %d MiB: a few minutes of screen recording do not fit", casework.DefaultLimits.FileSize>>20)
	}
	ts := newTestServer(t, nil)
	c := newJarClient(t, ts)
	id := newWebCase(t, ts, c, "screen recording of the scam call")
	if st, _, page := uploadForm(t, ts, c, id, "screen.mp4", mp4(40<<20), "en"); st != http.StatusSeeOther || !strings.Contains(page, "screen.mp4") {
		t.Fatalf("a 40 MB recording: %d %q", st, errorText(t, page))
	}
}
